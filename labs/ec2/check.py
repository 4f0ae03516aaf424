"""What "LabEc2 works" means: the instance runs, its data volume is attached, its Elastic IP points at it,
its security group lets ping in, and (on a real account) the Elastic IP answers a ping from here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.deployed.session import unless_gone
from labs.deployed.stack import DeployedStack
from labs.ec2.spec import DATA_DEVICE, DATA_VOLUME_GIB, LAB_ID, STEPS

if TYPE_CHECKING:
    import boto3

PING_COUNT = 3
PING_WAIT_S = 2
# pinged only when the Elastic IP does not answer, to tell "ICMP blocked here" from "the lab is broken"
REFERENCE_HOST = "1.1.1.1"
ICMP_BLOCKED = (
    "ICMP seems blocked from this machine (corporate network?); try from another network or CloudShell"
)
ECHO_REQUEST_TYPE = 8
# where a learner compares their own stack (labkit exercise LabEc2) with the kit's
SOLUTION = "labs/ec2/stack.py"
# the data disk as the kit builds it: created, attached and deleted with the instance
DATA_DISK = (
    f'block_devices=[ec2.BlockDevice(device_name="{DATA_DEVICE}", volume=ec2.BlockDeviceVolume.ebs('
    f"{DATA_VOLUME_GIB}, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3, "
    "delete_on_termination=True))] on the ec2.Instance"
)


def hint(number: int, todo: str) -> str:
    """The hint that points to the lab's hands-on step of that number."""
    return step_hint(STEPS, number, todo)


@dataclass(frozen=True)
class PingResult:
    """A ping's exit code (None: no ping command) and what it printed."""

    returncode: int | None
    output: str

    @property
    def answered(self) -> bool:
        # Windows ping exits 0 when a router answers "Destination host unreachable"
        return self.returncode == 0 and "unreachable" not in self.output.lower()

    @property
    def sent(self) -> bool:
        """Echoes went out (the statistics line is printed), whatever the exit code: 2 on macOS."""
        text = self.output.lower()
        return "packets transmitted" in text or "packets: sent" in text

    @property
    def summary(self) -> str:
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        stats = [line for line in lines if "received" in line or "loss" in line]
        return (stats or lines or ["no output"])[-1]


Pinger = Callable[[str], PingResult]


def ping_command(host: str, platform: str = sys.platform) -> list[str]:
    """`ping` with 3 echoes and a 2 s wait per reply; the wait's unit differs per system."""
    if platform.startswith("win"):
        return ["ping", "-n", str(PING_COUNT), "-w", str(PING_WAIT_S * 1000), host]
    if platform == "darwin":
        return ["ping", "-c", str(PING_COUNT), "-W", str(PING_WAIT_S * 1000), host]
    return ["ping", "-c", str(PING_COUNT), "-W", str(PING_WAIT_S), host]


def system_ping(host: str) -> PingResult:
    """Ping the host with this machine's ping command."""
    command = ping_command(host)
    if shutil.which(command[0]) is None:
        return PingResult(None, "no ping command on this machine")
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PING_COUNT * (PING_WAIT_S + 2), check=False
        )
    except subprocess.TimeoutExpired:
        return PingResult(1, "ping timed out")
    return PingResult(done.returncode, (done.stdout + done.stderr).strip())


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    waiter: Waiter | None = None,
    pinger: Pinger = system_ping,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabEc2: its instance, volume, Elastic IP and ping rule, and that it answers ping."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    ec2 = session.client("ec2")
    instance = check_instance(report, ec2, stack, waiter or Waiter.for_run(on_emulator=on_emulator))
    instance_id = instance["InstanceId"] if instance else None
    check_data_volume(report, ec2, instance)
    address = check_elastic_ip(report, ec2, stack, instance_id)
    check_ping_rule(report, ec2, stack, instance, on_emulator=on_emulator)
    check_ping(report, address, on_emulator=on_emulator, pinger=pinger)
    return report


def check_instance(
    report: CheckReport, ec2: Any, stack: DeployedStack, waiter: Waiter
) -> dict[str, Any] | None:
    """Check the lab's instance runs as the lab sets it up; the instance, or None."""
    instance_id = stack.physical_id("AWS::EC2::Instance")
    if not instance_id:
        report.add(
            "Instance running",
            False,
            "the stack has no EC2 instance",
            hint=hint(
                1,
                "add an ec2.Instance (t4g.nano, MachineImage.latest_amazon_linux2023 arm64) in a public "
                f"subnet of a VPC without NAT gateways; the kit's solution is {SOLUTION}",
            ),
        )
        return None

    def describe() -> dict[str, Any] | None:
        answer = unless_gone(ec2.describe_instances, InstanceIds=[instance_id])
        found = [i for r in (answer or {}).get("Reservations", []) for i in r["Instances"]]
        return found[0] if found else None

    instance = describe()
    if instance and instance["State"]["Name"] == "pending":
        # a fresh deploy: give the instance the time limit to finish booting
        waited = waiter.until(lambda: _running(describe()), what=f"waiting for {instance_id} to run")
        instance = waited.value or describe()
    state = instance["State"]["Name"] if instance else "gone"
    where = (
        f" ({instance.get('InstanceType', '?')} in {instance['Placement']['AvailabilityZone']})"
        if instance
        else ""
    )
    report.add(
        "Instance running",
        state == "running",
        f"{instance_id} is {state}{where}",
        hint=hint(
            1, f"start it (aws ec2 start-instances --instance-ids {instance_id}) or redeploy the stack"
        ),
    )
    return instance


def _running(instance: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    state = instance["State"]["Name"] if instance else "gone"
    return (instance if state != "pending" else None), state


def check_data_volume(report: CheckReport, ec2: Any, instance: dict[str, Any] | None) -> None:
    """The data disk is one of the instance's block device mappings: attached at launch, deleted with it."""
    name = "Data volume attached"
    if instance is None:
        report.add(
            name, False, "there is no instance to carry the data volume", hint=hint(2, f"add {DATA_DISK}")
        )
        return
    instance_id = instance["InstanceId"]
    mappings = {m.get("DeviceName"): m.get("Ebs", {}) for m in instance.get("BlockDeviceMappings", [])}
    disk = mappings.get(DATA_DEVICE)
    if not disk or not disk.get("VolumeId"):
        devices = ", ".join(sorted(str(d) for d in mappings)) or "none"
        report.add(
            name,
            False,
            f"{instance_id} has no volume at {DATA_DEVICE} (its block devices: {devices})",
            hint=hint(2, f"add {DATA_DISK}"),
        )
        return
    volume_id = disk["VolumeId"]
    answer = unless_gone(ec2.describe_volumes, VolumeIds=[volume_id])
    if not answer or not answer["Volumes"]:
        report.add(name, False, f"{volume_id} no longer exists", hint=hint(2, "redeploy the stack"))
        return
    volume = answer["Volumes"][0]
    size = f"{volume.get('Size', '?')} GiB {volume.get('VolumeType', '')}".strip()
    encrypted = "encrypted" if volume.get("Encrypted") else "NOT encrypted"
    status = disk.get("Status", "?")
    deleted_with_instance = disk.get("DeleteOnTermination") is True
    kept = "deleted with the instance" if deleted_with_instance else "NOT deleted with the instance"
    detail = f"{volume_id} ({size}, {encrypted}, {kept}) is {status} to {instance_id} as {DATA_DEVICE}"
    if status == "attached" and not deleted_with_instance:
        todo = step_hint(
            STEPS,
            2,
            f"it would outlive the lab: set delete_on_termination=True, or aws ec2 modify-instance-attribute "
            f"--instance-id {instance_id} "
            f'--block-device-mappings \'[{{"DeviceName":"{DATA_DEVICE}","Ebs":'
            '{"DeleteOnTermination":true}}]\'',
        )
    else:
        todo = step_hint(STEPS, 2, f"add {DATA_DISK}")
    report.add(name, status == "attached" and deleted_with_instance, detail, hint=todo)


def check_elastic_ip(
    report: CheckReport, ec2: Any, stack: DeployedStack, instance_id: str | None
) -> str | None:
    """Checks the association; returns the public address (None when the stack has none)."""
    physical = stack.physical_id("AWS::EC2::EIP")
    if not physical:
        report.add(
            "Elastic IP associated",
            False,
            "the stack has no Elastic IP",
            hint=hint(3, 'add an ec2.CfnEIP(domain="vpc", instance_id=<your instance>.instance_id)'),
        )
        return None
    # CloudFormation names an EIP by its public address; allocation ids are accepted too
    query = {"AllocationIds": [physical]} if physical.startswith("eipalloc-") else {"PublicIps": [physical]}
    addresses = (unless_gone(ec2.describe_addresses, **query) or {}).get("Addresses", [])
    if not addresses:
        report.add(
            "Elastic IP associated",
            False,
            f"Elastic IP {physical} no longer exists",
            hint=hint(3, "redeploy the stack to allocate it again"),
        )
        return None
    address = addresses[0]
    public_ip: str = address["PublicIp"]
    associated = address.get("InstanceId")
    if associated and associated == instance_id:
        detail = f"{public_ip} is associated with {instance_id}"
    elif associated:
        detail = f"{public_ip} is associated with {associated}, not with the lab instance {instance_id}"
    else:
        detail = f"{public_ip} is not associated with any instance"
    report.add(
        "Elastic IP associated",
        bool(associated) and associated == instance_id,
        detail,
        hint=hint(
            3,
            "set the EIP's instance_id to your instance's id, or by hand: aws ec2 associate-address "
            f"--allocation-id {address.get('AllocationId')} --instance-id {instance_id}",
        ),
    )
    return public_ip


def icmp_echo_sources(permissions: list[dict[str, Any]]) -> list[str]:
    """CIDRs (and groups) an ingress rule set lets send ICMP echo requests; empty when none may."""
    sources: list[str] = []
    for permission in permissions:
        protocol = str(permission.get("IpProtocol"))
        all_traffic = protocol == "-1"
        echo = protocol in ("icmp", "1") and permission.get("FromPort") in (ECHO_REQUEST_TYPE, -1)
        if all_traffic or echo:
            sources += [r["CidrIp"] for r in permission.get("IpRanges", [])]
            sources += [g["GroupId"] for g in permission.get("UserIdGroupPairs", [])]
    return sources


def check_ping_rule(
    report: CheckReport, ec2: Any, stack: DeployedStack, instance: dict[str, Any] | None, *, on_emulator: bool
) -> None:
    """Check the security group lets ping in from the configured CIDR."""
    group_id = stack.physical_id("AWS::EC2::SecurityGroup")
    if not group_id:
        report.add(
            "Security group allows ping",
            False,
            "the stack has no security group",
            hint=hint(
                4,
                "add an ec2.SecurityGroup to the instance and allow ICMP echo in: "
                "add_ingress_rule(ec2.Peer.ipv4(settings.ping_cidr), ec2.Port.icmp_ping())",
            ),
        )
        return
    answer = unless_gone(ec2.describe_security_groups, GroupIds=[group_id])
    if not answer or not answer["SecurityGroups"]:
        report.add(
            "Security group allows ping",
            False,
            f"{group_id} no longer exists",
            hint=hint(4, "redeploy the stack to create the group again"),
        )
        return
    group = answer["SecurityGroups"][0]
    sources = icmp_echo_sources(group.get("IpPermissions", []))
    report.add(
        "Security group allows ping",
        bool(sources),
        f"{group_id} allows ICMP echo from {', '.join(sources)}"
        if sources
        else f"{group_id} has no inbound rule for ICMP echo (type 8)",
        hint=hint(
            4,
            "add_ingress_rule(ec2.Peer.ipv4(settings.ping_cidr), ec2.Port.icmp_ping()) to the group and "
            "redeploy with -c pingCidr=<your public ip>/32, or by hand: aws ec2 authorize-security-group-"
            f"ingress --group-id {group_id} --ip-permissions "
            "IpProtocol=icmp,FromPort=8,ToPort=-1,IpRanges=[{CidrIp=<your ip>/32}]",
        ),
    )
    if instance is None:
        return
    groups = [g["GroupId"] for g in instance.get("SecurityGroups", [])]
    detail = f"{instance['InstanceId']} is in {', '.join(groups) or 'no security group'}"
    uses_group = group_id in groups
    report.judge(
        "Instance uses the group",
        uses_group,
        detail if uses_group else f"{detail}, not in {group_id}",
        hint=hint(
            4,
            "pass security_group=<your group> to the ec2.Instance, or by hand: aws ec2 "
            f"modify-instance-attribute --instance-id {instance['InstanceId']} --groups {group_id}",
        ),
        emulator_cannot="moto's CloudFormation ignores an instance's SecurityGroupIds"
        if on_emulator
        else None,
    )


def check_ping(report: CheckReport, address: str | None, *, on_emulator: bool, pinger: Pinger) -> None:
    """Check the Elastic IP answers ping (not verifiable on the emulator)."""
    name = "Elastic IP answers ping"
    if on_emulator:
        report.not_verifiable(
            name, f"the emulator's address {address or '(none)'} is not on any network: no ping"
        )
        return
    if address is None:
        report.not_verifiable(name, "there is no Elastic IP to ping")
        return
    result = pinger(address)
    if result.answered:
        report.add(name, True, f"ping {address}: {result.summary}")
    elif result.returncode is None:
        report.not_verifiable(name, f"no `ping` command here; try from CloudShell: ping -c 3 {address}")
    elif result.returncode not in (0, 1) and not result.sent:
        # iputils exits 2 when it could not send at all (permissions, no route); macOS exits 2 on no reply
        report.not_verifiable(name, f"ping could not run here ({result.summary}); {ICMP_BLOCKED}")
    elif pinger(REFERENCE_HOST).answered:
        report.add(
            name,
            False,
            f"no reply from {address} ({result.summary}), while {REFERENCE_HOST} answers this machine",
            hint=hint(
                4,
                "the rule's pingCidr must include your public IP; a fresh instance may still be booting: "
                "rerun in a minute",
            ),
        )
    else:
        report.not_verifiable(name, f"no reply from {address} nor from {REFERENCE_HOST}: {ICMP_BLOCKED}")
