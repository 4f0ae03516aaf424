"""LabEc2: one nano Graviton instance, an extra encrypted volume at /data, and an Elastic IP to ping."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from labs.constructs.instances import (
    LAB_CPU_CREDITS,
    LAB_INSTANCE_TYPE,
    amazon_linux_2023_arm,
    encrypted_gp3_root,
    require_imdsv2,
    session_manager_role,
)
from labs.constructs.lab_stack import LabStack
from labs.constructs.nag import acknowledge
from labs.constructs.network import LabVpc
from labs.ec2.spec import DATA_DEVICE, DATA_MOUNT_POINT, DATA_VOLUME_GIB, DATA_VOLUME_TYPE, LAB_ID
from labs.settings import LabSettings

# Amazon Linux links the mapping's name (/dev/sdf) to its NVMe device on Nitro (EBS guide:
# identify-nvme-ebs-device); Xen shows /dev/xvdf. Without the link, ebsnvme-id reads the name from the disk.
MOUNT_DATA_VOLUME = r"""set -euo pipefail
short="${DATA_DEVICE#/dev/}"
device=""
for attempt in $(seq 1 60); do
  for candidate in "$DATA_DEVICE" "/dev/xvd${short#sd}"; do
    if [ -b "$candidate" ]; then device="$(readlink -f "$candidate")"; break 2; fi
  done
  for nvme in /dev/nvme*n1; do
    if [ -b "$nvme" ] && [ "$(ebsnvme-id -b "$nvme" 2>/dev/null | sed 's|^/dev/||')" = "$short" ]; then
      device="$nvme"; break 2
    fi
  done
  sleep 5
done
if [ -z "$device" ]; then echo "data volume $DATA_DEVICE never appeared" >&2; exit 1; fi
blkid "$device" >/dev/null || mkfs -t xfs "$device"
mkdir -p "$MOUNT_POINT"
uuid="$(blkid -s UUID -o value "$device")"
grep -q "$uuid" /etc/fstab || echo "UUID=$uuid $MOUNT_POINT xfs defaults,nofail 0 2" >> /etc/fstab
mount -a
echo "data volume $DATA_DEVICE ($device) mounted at $MOUNT_POINT"
"""


def data_disk() -> ec2.BlockDevice:
    """The lab's extra disk, 1 GiB of encrypted gp3, as a block device mapping of the instance.

    Not a separate volume and attachment: a new AMI replaces the instance, and CloudFormation would attach
    the volume to the new instance while the old one still holds it (VolumeInUse), and destroy would detach
    it while mounted. A mapped disk is created with its instance and deleted when it terminates.
    """
    # EC2 API reference, EbsInstanceBlockDeviceSpecification: DeleteOnTermination deletes it with the instance
    return ec2.BlockDevice(
        device_name=DATA_DEVICE,
        volume=ec2.BlockDeviceVolume.ebs(
            DATA_VOLUME_GIB,
            encrypted=True,
            volume_type=ec2.EbsDeviceVolumeType[DATA_VOLUME_TYPE.upper()],
            delete_on_termination=True,
        ),
    )


class LabEc2Stack(LabStack):
    """LabEc2: one instance with an encrypted volume and an Elastic IP that answers ping."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="one t4g.nano instance, a 1 GiB data volume at /data and an Elastic IP you can ping",
        )
        zone = settings.availability_zone
        network = LabVpc(
            self, "Network", subnet_type=ec2.SubnetType.PUBLIC, availability_zones=[zone] if zone else None
        )
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

        role = session_manager_role(
            self,
            "InstanceRole",
            description="Session Manager access to the lab instance (no SSH key, no port 22)",
        )

        user_data = ec2.UserData.for_linux()
        user_data.add_commands(
            f"DATA_DEVICE={DATA_DEVICE}", f"MOUNT_POINT={DATA_MOUNT_POINT}", MOUNT_DATA_VOLUME
        )
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=LAB_INSTANCE_TYPE,
            machine_image=amazon_linux_2023_arm(),
            security_group=self.security_group,
            role=role,
            block_devices=[encrypted_gp3_root(), data_disk()],
            user_data=user_data,
            credit_specification=LAB_CPU_CREDITS,
            # the address is the Elastic IP's: stated on the instance's own network interface, which is
            # what Control Tower's CT.EC2.PR.8 reads (NetworkInterfaces instead of SubnetId)
            associate_public_ip_address=False,
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
