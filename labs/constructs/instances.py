"""What every lab instance shares: the cheapest Graviton size, Amazon Linux 2023, an encrypted gp3 root."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from labs.constructs.instance_facts import LAB_INSTANCE_TYPE_NAME, ROOT_VOLUME_GIB
from labs.constructs.nag import acknowledge

LAB_INSTANCE_TYPE = ec2.InstanceType(LAB_INSTANCE_TYPE_NAME)
# t4g launches `unlimited` by default: a runaway CPU would buy surplus credits; `standard` throttles instead
LAB_CPU_CREDITS = ec2.CpuCredits.STANDARD


def amazon_linux_2023_arm() -> ec2.IMachineImage:
    """AL2023 from the public SSM parameter, resolved by CloudFormation at deploy time (no synth lookup)."""
    return ec2.MachineImage.latest_amazon_linux2023(cpu_type=ec2.AmazonLinuxCpuType.ARM_64)


def encrypted_gp3_root() -> ec2.BlockDevice:
    """An encrypted gp3 root volume for an instance."""
    return ec2.BlockDevice(
        device_name="/dev/xvda",
        volume=ec2.BlockDeviceVolume.ebs(
            ROOT_VOLUME_GIB,
            encrypted=True,
            volume_type=ec2.EbsDeviceVolumeType.GP3,
            delete_on_termination=True,
        ),
    )


def require_imdsv2(instance: ec2.Instance) -> ec2.LaunchTemplate:
    """IMDSv2 through an unnamed launch template attached to the instance.

    Not `require_imdsv2=True`: CDK then names the template after the construct path, the same for
    every owner, so two learners' lab stacks in one account would collide on it.
    """
    launch_template = ec2.LaunchTemplate(instance, "Imdsv2", require_imdsv2=True, cpu_credits=LAB_CPU_CREDITS)
    instance.instance.launch_template = ec2.CfnInstance.LaunchTemplateSpecificationProperty(
        launch_template_id=launch_template.launch_template_id,
        version=launch_template.latest_version_number,
    )
    return launch_template


def session_manager_role(scope: Construct, construct_id: str, *, description: str) -> iam.Role:
    """The role of a lab's instances: Session Manager access and nothing else (no SSH key, no port 22)."""
    role = iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        description=description,
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")],
    )
    acknowledge(
        role,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
        "AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager; a copy would "
        "go stale when the agent needs new actions.",
    )
    return role
