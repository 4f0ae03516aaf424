"""LabEc2: one nano Graviton instance, an extra encrypted volume at /data, and an Elastic IP to ping."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Size
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from labs.constructs.instances import (
    LAB_INSTANCE_TYPE,
    amazon_linux_2023_arm,
    encrypted_gp3_root,
    require_imdsv2,
)
from labs.constructs.lab_stack import LabStack
from labs.constructs.nag import acknowledge
from labs.constructs.network import LabVpc
from labs.ec2.spec import DATA_DEVICE, DATA_VOLUME_GIB, LAB_ID
from labs.settings import LabSettings

# Nitro instances (t4g) show EBS volumes as NVMe devices whose serial is the volume id without its dash;
# Xen instances keep the attachment name. The script waits for whichever appears.
MOUNT_DATA_VOLUME = r"""set -euo pipefail
serial="${VOLUME_ID/-/}"
device=""
for attempt in $(seq 1 60); do
  for candidate in "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${serial}" /dev/sdf /dev/xvdf; do
    if [ -b "$candidate" ]; then device="$(readlink -f "$candidate")"; break 2; fi
  done
  sleep 5
done
if [ -z "$device" ]; then echo "data volume $VOLUME_ID never appeared" >&2; exit 1; fi
blkid "$device" >/dev/null || mkfs -t xfs "$device"
mkdir -p /data
uuid="$(blkid -s UUID -o value "$device")"
grep -q "$uuid" /etc/fstab || echo "UUID=$uuid /data xfs defaults,nofail 0 2" >> /etc/fstab
mount -a
echo "data volume $VOLUME_ID ($device) mounted at /data"
"""


def data_volume(scope: Construct, *, availability_zone: str) -> ec2.Volume:
    """The lab's extra disk: 1 GiB of encrypted gp3, deleted with its stack."""
    return ec2.Volume(
        scope,
        "DataVolume",
        availability_zone=availability_zone,
        size=Size.gibibytes(DATA_VOLUME_GIB),
        volume_type=ec2.EbsDeviceVolumeType.GP3,
        encrypted=True,
        removal_policy=RemovalPolicy.DESTROY,
    )


def attach_data_volume(scope: Construct, *, instance: ec2.Instance, volume: ec2.Volume) -> None:
    ec2.CfnVolumeAttachment(
        scope,
        "DataVolumeAttachment",
        device=DATA_DEVICE,
        instance_id=instance.instance_id,
        volume_id=volume.volume_id,
    )


class LabEc2Stack(LabStack):
    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="one t4g.nano instance, a 1 GiB data volume at /data and an Elastic IP you can ping",
        )
        network = LabVpc(self, "Network", subnet_type=ec2.SubnetType.PUBLIC)
        subnet = network.vpc.public_subnets[0]

        self.security_group = ec2.SecurityGroup(
            self,
            "PingOnly",
            vpc=network.vpc,
            description="ICMP echo from pingCidr only: no SSH, shell access is through Session Manager",
            allow_all_outbound=True,
        )
        self.security_group.add_ingress_rule(
            ec2.Peer.ipv4(settings.ping_cidr), ec2.Port.icmp_ping(), "ping from pingCidr"
        )
        acknowledge(
            self.security_group,
            "AwsSolutions-EC23",
            "Only ICMP echo is open, because pinging the Elastic IP is the lab's goal; narrow it with "
            "-c pingCidr=<your ip>/32.",
        )

        # created before the instance so its id can go into the user data without a dependency cycle
        self.data_volume = data_volume(self, availability_zone=subnet.availability_zone)

        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Session Manager access to the lab instance (no SSH key, no port 22)",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")],
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            "AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager; a copy would "
            "go stale when the agent needs new actions.",
        )

        user_data = ec2.UserData.for_linux()
        user_data.add_commands(f"VOLUME_ID={self.data_volume.volume_id}", MOUNT_DATA_VOLUME)
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=LAB_INSTANCE_TYPE,
            machine_image=amazon_linux_2023_arm(),
            security_group=self.security_group,
            role=role,
            block_devices=[encrypted_gp3_root()],
            user_data=user_data,
        )
        require_imdsv2(self.instance)
        acknowledge(
            self.instance,
            "AwsSolutions-EC28",
            "Detailed monitoring costs per metric and the lab watches nothing for minutes at a time.",
        )
        acknowledge(
            self.instance,
            "AwsSolutions-EC29",
            "A lab instance must be terminated by `cdk destroy` or by its expiry: no termination protection.",
        )
        attach_data_volume(self, instance=self.instance, volume=self.data_volume)

        # InstanceId on the EIP itself (no separate EIPAssociation): one resource, valid on AWS and emulator
        self.elastic_ip = ec2.CfnEIP(
            self, "PublicAddress", domain="vpc", instance_id=self.instance.instance_id
        )
        # after the gateway is attached (create) and released before it is detached (delete)
        self.elastic_ip.node.add_dependency(network.vpc.node.find_child("VPCGW"))

        self.output("ElasticIp", self.elastic_ip.ref, "The instance's public address")
        self.output("PingCommand", f"ping -c 3 {self.elastic_ip.ref}", "Prove the instance answers")
        self.output(
            "SessionCommand",
            f"aws ssm start-session --target {self.instance.instance_id}",
            "A shell on the instance (needs the Session Manager plugin); then: df -h /data",
        )
        self.output("InstanceId", self.instance.instance_id, "The lab instance")
