"""Amazon EC2's compute types: instances, their volumes, addresses, network interfaces, launch templates.

The network types (VPC, subnets, gateways, security groups) are in labs/catalogue/vpc.py; how the billed ones
are priced, in a template and running, in labs/catalogue/ec2_billing.py.
"""

from __future__ import annotations

from labs.catalogue.ec2_billing import (
    price_elastic_ip,
    price_machines,
    price_volume,
    running_addresses,
    running_instances,
    running_volumes,
)
from labs.catalogue.entry import Free, Hourly, Leftovers, QuotaUse, ResourceType, Running

VOLUME_TYPE = "AWS::EC2::Volume"
NETWORK_INTERFACE_TYPE = "AWS::EC2::NetworkInterface"

INSTANCE = ResourceType(
    cfn_type="AWS::EC2::Instance",
    price=Hourly(price_machines),
    deploy_actions=(
        "ec2:RunInstances",
        "ec2:TerminateInstances",
        "ec2:DescribeInstances",
        "ec2:ModifyInstanceAttribute",
        "ec2:CreateTags",
        "iam:PassRole",
        "ssm:GetParameters",
    ),
    leftovers=Leftovers(tag_arn="ec2:instance", ec2_scan=True),
    # the root volume and primary interface carry tags only when the launch asks for them (TagSpecifications)
    untagged_companions=(VOLUME_TYPE, NETWORK_INTERFACE_TYPE),
    quota=QuotaUse("ec2", "L-1216C47A", counts="vcpus"),
    running=Running(
        sees="EC2 instances, on-demand and Spot, with their public IPv4",
        reads="ec2:DescribeInstances",
        scan=running_instances,
        stop="aws ec2 terminate-instances --instance-ids {id}",
    ),
)
VOLUME = ResourceType(
    cfn_type=VOLUME_TYPE,
    price=Hourly(price_volume),
    deploy_actions=(
        "ec2:CreateVolume",
        "ec2:DeleteVolume",
        "ec2:DescribeVolumes",
        "ec2:ModifyVolume",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:volume", ec2_scan=True),
    running=Running(
        sees="EBS volumes, in use or not",
        reads="ec2:DescribeVolumes",
        scan=running_volumes,
        stop="aws ec2 delete-volume --volume-id {id}",
    ),
)
ELASTIC_IP = ResourceType(
    cfn_type="AWS::EC2::EIP",
    price=Hourly(price_elastic_ip),
    deploy_actions=(
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:AssociateAddress",
        "ec2:DisassociateAddress",
        "ec2:DescribeAddresses",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:elastic-ip", ec2_scan=True),
    # CloudFormation tags it on AWS; the kit's emulator (moto) keeps no Elastic IP tags
    tagged=False,
    quota=QuotaUse("ec2", "L-0263D0A3"),
    running=Running(
        sees="Elastic IPs, attached or not",
        reads="ec2:DescribeAddresses",
        scan=running_addresses,
        stop="aws ec2 release-address --allocation-id {id}",
    ),
)
NETWORK_INTERFACE = ResourceType(
    cfn_type=NETWORK_INTERFACE_TYPE,
    price=Free(),
    deploy_actions=(
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:CreateTags",
    ),
    leftovers=Leftovers(tag_arn="ec2:network-interface", ec2_scan=True),
)
LAUNCH_TEMPLATE = ResourceType(
    cfn_type="AWS::EC2::LaunchTemplate",
    price=Free(),
    deploy_actions=(
        "ec2:CreateLaunchTemplate",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:DeleteLaunchTemplate",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:CreateTags",
        "ssm:GetParameters",
    ),
    leftovers=Leftovers(tag_arn="ec2:launch-template", ec2_scan=True),
)
EIP_ASSOCIATION = ResourceType(
    cfn_type="AWS::EC2::EIPAssociation",
    price=Free(),
    deploy_actions=("ec2:AssociateAddress", "ec2:DisassociateAddress", "ec2:DescribeAddresses"),
    leftovers=Leftovers(goes_with="an association: nothing of its own once its address or instance is gone"),
    tagged=False,
)
VOLUME_ATTACHMENT = ResourceType(
    cfn_type="AWS::EC2::VolumeAttachment",
    price=Free(),
    deploy_actions=("ec2:AttachVolume", "ec2:DetachVolume", "ec2:DescribeVolumes"),
    leftovers=Leftovers(goes_with="an attachment: its volume is found as a volume"),
    tagged=False,
)
KEY_PAIR = ResourceType(
    cfn_type="AWS::EC2::KeyPair",
    price=Free(),
    deploy_actions=(
        "ec2:CreateKeyPair",
        "ec2:ImportKeyPair",
        "ec2:DeleteKeyPair",
        "ec2:DescribeKeyPairs",
        "ec2:CreateTags",
        "ssm:PutParameter",
        "ssm:DeleteParameter",
    ),
    leftovers=Leftovers(tag_arn="ec2:key-pair"),
)
PLACEMENT_GROUP = ResourceType(
    cfn_type="AWS::EC2::PlacementGroup",
    price=Free(),
    deploy_actions=("ec2:CreatePlacementGroup", "ec2:DeletePlacementGroup", "ec2:DescribePlacementGroups"),
    leftovers=Leftovers(tag_arn="ec2:placement-group"),
)
