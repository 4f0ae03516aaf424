"""`labkit leftovers`: everything the labs left behind in an account, after `cdk destroy` or an expiry.

Two sources, because neither alone sees everything:

- tags: every lab resource carries `labkit:lab` and `labkit:owner` (Resource Groups Tagging API, plus
  EC2's own tag filters);
- names and per-type listings: CloudFormation names a stack's resources `<stack name>-...` (functions,
  roles, log groups, tables, queues, buckets in lower case), Lambda names its log groups
  `/aws/lambda/<function>`, and Elastic IPs, volumes and network interfaces are found by what they are
  attached to.

A resource counts only while no live stack owns it: resources of deployed labs are not leftovers (the
deployed stack itself is reported, since it is still there). Untagged Elastic IPs, volumes and network
interfaces attached to nothing are attributed to a lab only on the emulator (whose CloudFormation drops
their tags) or with --include-untagged: on a real account the kit's own are always tagged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from labs.console import print_leftovers
from labs.settings import LAB_IDS, parse_owner
from labs.stack_resources import TAG_LAB, TAG_OWNER

if TYPE_CHECKING:
    import boto3

HELP = "list what the labs left behind in this account and region (tags plus per-type listings)"

# every status but DELETE_COMPLETE: a stack in any of them still exists
LIVE_STATUSES: list[Any] = [
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "IMPORT_IN_PROGRESS",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
]
STACK_NAME_TAG = "aws:cloudformation:stack-name"
ASG_NAME_TAG = "aws:autoscaling:groupName"
# which labs create the resources that may come without tags (the emulator copies none onto them)
UNTAGGED_CREATORS = {
    "AWS::EC2::EIP": ("LabEc2",),
    "AWS::EC2::Volume": ("LabEc2", "LabAsg"),
    "AWS::EC2::NetworkInterface": ("LabEc2", "LabAsg"),
}
ARN_TYPES = {
    "ec2:instance": "AWS::EC2::Instance",
    "ec2:volume": "AWS::EC2::Volume",
    "ec2:vpc": "AWS::EC2::VPC",
    "ec2:subnet": "AWS::EC2::Subnet",
    "ec2:security-group": "AWS::EC2::SecurityGroup",
    "ec2:route-table": "AWS::EC2::RouteTable",
    "ec2:internet-gateway": "AWS::EC2::InternetGateway",
    "ec2:network-interface": "AWS::EC2::NetworkInterface",
    "ec2:elastic-ip": "AWS::EC2::EIP",
    "ec2:launch-template": "AWS::EC2::LaunchTemplate",
    "s3:": "AWS::S3::Bucket",
    "logs:log-group": "AWS::Logs::LogGroup",
    "lambda:function": "AWS::Lambda::Function",
    "lambda:event-source-mapping": "AWS::Lambda::EventSourceMapping",
    "dynamodb:table": "AWS::DynamoDB::Table",
    "sqs:": "AWS::SQS::Queue",
    "states:stateMachine": "AWS::StepFunctions::StateMachine",
    "autoscaling:autoScalingGroup": "AWS::AutoScaling::AutoScalingGroup",
    "iam:role": "AWS::IAM::Role",
    "scheduler:schedule": "AWS::Scheduler::Schedule",
}
# the per-type scans below judge these better than a tag alone (attachment, state, owning VPC)
PER_TYPE_JUDGED = frozenset(
    {"AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::NetworkInterface", "AWS::EC2::EIP", "AWS::EC2::VPC"}
)
LOG_GROUP_PREFIXES = ("/aws/lambda/", "/aws/vendedlogs/states/", "")
LAMBDA_LOG_PREFIX = re.compile(r"^/aws/(lambda|vendedlogs/states)/")


@dataclass(frozen=True)
class Leftover:
    resource_type: str
    identifier: str
    reason: str


def tail(identifier: str) -> str:
    """The name or id inside an ARN or a queue URL (other ids as they are), as physical ids name them."""
    if identifier.startswith("arn:"):
        resource = identifier.split(":", 5)[-1].removesuffix(":*")
        return re.split(r"[/:]", resource)[-1]
    if identifier.startswith(("https://", "http://")):
        return identifier.rstrip("/").rsplit("/", 1)[-1]
    return identifier


@dataclass(frozen=True)
class Scope:
    """Which labs and owner a scan is about."""

    labs: tuple[str, ...]
    owner: str | None

    @property
    def description(self) -> str:
        labs = ", ".join(self.labs) if len(self.labs) < len(LAB_IDS) else "the labs"
        return labs + (f" (owner {self.owner})" if self.owner else " (any owner)")

    def _pattern(self, *, tail_required: bool, lower: bool = False) -> re.Pattern[str]:
        labs = "|".join(re.escape(lab.lower() if lower else lab) for lab in self.labs)
        owner = re.escape(self.owner) + "-" if self.owner else "(?:[a-z][a-z0-9-]*-)?"
        return re.compile(f"^{owner}({labs})" + ("-" if tail_required else "$"))

    def stack_lab(self, stack_name: str) -> str | None:
        """The lab a stack name belongs to (`LabEc2`, `alice-LabEc2`), None when out of scope."""
        match = self._pattern(tail_required=False).match(stack_name)
        return match.group(1) if match else None

    def named_stack(self, name: str, *, lower: bool = False) -> str | None:
        """The stack a resource named `<stack name>-...` came from (CloudFormation's generated names)."""
        match = self._pattern(tail_required=True, lower=lower).match(name)
        return match.group(0)[:-1] if match else None

    def tagged_lab(self, tags: Mapping[str, str]) -> str | None:
        lab = tags.get(TAG_LAB)
        if lab not in self.labs:
            return None
        if self.owner and tags.get(TAG_OWNER) != self.owner:
            return None
        return lab

    def creates_untagged(self, resource_type: str) -> bool:
        return any(lab in self.labs for lab in UNTAGGED_CREATORS.get(resource_type, ()))


def tags_of(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or [] if "Key" in t}


def tag_reason(tags: Mapping[str, str]) -> str:
    owner = f", {TAG_OWNER}={tags[TAG_OWNER]}" if TAG_OWNER in tags else ""
    stack = f" (its stack {tags[STACK_NAME_TAG]} is gone)" if STACK_NAME_TAG in tags else ""
    return f"tagged {TAG_LAB}={tags.get(TAG_LAB)}{owner}; no live stack owns it{stack}"


@dataclass
class LiveStacks:
    """What the stacks still present own: their resources are not leftovers."""

    names: set[str] = field(default_factory=set)
    tails: set[str] = field(default_factory=set)
    vpcs: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)

    def owns(self, identifier: str) -> bool:
        return bool(identifier) and tail(identifier) in self.tails

    def owns_tagged(self, identifier: str, tags: Mapping[str, str]) -> bool:
        return self.owns(identifier) or tags.get(STACK_NAME_TAG, "") in self.names


@dataclass
class Findings:
    """Leftovers by (type, identifier), first reason wins."""

    found: dict[tuple[str, str], Leftover] = field(default_factory=dict)

    def add(self, resource_type: str, identifier: str, reason: str) -> None:
        self.found.setdefault((resource_type, identifier), Leftover(resource_type, identifier, reason))

    def has(self, identifier: str) -> bool:
        return any(key[1] == identifier for key in self.found)

    def sorted(self) -> list[Leftover]:
        return sorted(self.found.values(), key=lambda f: (f.resource_type, f.identifier))


def is_emulator(session: boto3.Session) -> bool:
    """True for the kit's emulator: LABKIT_EMULATOR=1 or an endpoint on this machine (loopback)."""
    if os.environ.get("LABKIT_EMULATOR") == "1":
        return True
    # not "anything but amazonaws.com": AWS also answers on api.aws, FIPS and VPC endpoint names
    host = urlparse(session.client("ec2").meta.endpoint_url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


def scan_leftovers(
    session: boto3.Session,
    *,
    lab_id: str | None = None,
    owner: str | None = None,
    include_untagged: bool | None = None,
) -> list[Leftover]:
    """Everything of `lab_id` (all labs when None) and `owner` (any when None) still in the account.

    `include_untagged` (default: only on the emulator) also counts untagged Elastic IPs, volumes and
    network interfaces that are attached to nothing and owned by no live stack.
    """
    if lab_id is not None and lab_id not in LAB_IDS:
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(LAB_IDS)}")
    scope = Scope(labs=(lab_id,) if lab_id else LAB_IDS, owner=owner)
    untagged = is_emulator(session) if include_untagged is None else include_untagged
    findings = Findings()
    live = scan_stacks(session, scope, findings, every_stack=untagged)
    Ec2Scan(session, scope, live, findings, untagged=untagged).run()
    scan_tagged(session, scope, live, findings)
    scan_named(session, scope, live, findings)
    return findings.sorted()


def scan_stacks(session: boto3.Session, scope: Scope, findings: Findings, *, every_stack: bool) -> LiveStacks:
    """Stacks of the scope still present are leftovers; every lab stack's resources are live."""
    cloudformation = session.client("cloudformation")
    any_lab = Scope(labs=LAB_IDS, owner=None)
    live = LiveStacks()
    pages = cloudformation.get_paginator("list_stacks").paginate(StackStatusFilter=LIVE_STATUSES)
    for summary in (s for page in pages for s in page["StackSummaries"]):
        name, status = summary["StackName"], summary["StackStatus"]
        live.names.add(name)
        lab = scope.stack_lab(name)
        if not (every_stack or any_lab.stack_lab(name)):
            continue
        resources = stack_resources(cloudformation, name)
        for resource in resources:
            physical = resource.get("PhysicalResourceId") or ""
            if physical:
                live.tails.add(tail(physical))
            if resource.get("ResourceType") == "AWS::EC2::VPC":
                live.vpcs.add(physical)
            if resource.get("ResourceType") == "AWS::AutoScaling::AutoScalingGroup":
                live.groups.add(physical)
        if lab is None:
            continue
        reason = summary.get("StackStatusReason", "")
        if status == "DELETE_FAILED":
            findings.add("AWS::CloudFormation::Stack", name, f"DELETE_FAILED: {reason or 'see its events'}")
            for resource in resources:
                findings.add(
                    resource.get("ResourceType", "?"),
                    resource.get("PhysicalResourceId") or resource.get("LogicalResourceId", "?"),
                    f"still in stack {name}, which failed to delete it (resource status "
                    f"{resource.get('ResourceStatus')})",
                )
        else:
            findings.add("AWS::CloudFormation::Stack", name, f"still deployed ({status}): cdk destroy {lab}")
    return live


def stack_resources(cloudformation: Any, name: str) -> list[dict[str, Any]]:
    """A stack's resources that still exist (moto also lists the ones it skipped, with empty fields)."""
    resources: list[dict[str, Any]] = []
    for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=name):
        for resource in page["StackResourceSummaries"]:
            if resource.get("LogicalResourceId") and resource.get("ResourceStatus") != "DELETE_COMPLETE":
                resources.append(dict(resource))
    return resources


class Ec2Scan:
    """VPCs and what is in them, instances, network interfaces, volumes, Elastic IPs and launch templates,
    judged together: what sits in a leftover VPC or on a leftover instance is left over too."""

    def __init__(
        self, session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings, *, untagged: bool
    ) -> None:
        self.ec2: Any = session.client("ec2")
        self.scope, self.live, self.findings, self.untagged = scope, live, findings, untagged
        self.leftover_vpcs: set[str] = set()
        self.leftover_instances: set[str] = set()
        self.kept_instances: set[str] = set()
        self.running_instances: set[str] = set()
        self.leftover_enis: set[str] = set()
        self.kept_enis: set[str] = set()

    def run(self) -> None:
        self.vpcs()
        self.vpc_contents()
        self.instances()
        self.network_interfaces()
        self.volumes()
        self.addresses()
        self.launch_templates()

    def _pages(self, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        pages = self.ec2.get_paginator(operation).paginate(**kwargs)
        return [item for page in pages for item in page.get(key, [])]

    def vpcs(self) -> None:
        for vpc in self._pages("describe_vpcs", "Vpcs", Filters=[{"Name": "tag-key", "Values": [TAG_LAB]}]):
            tags = tags_of(vpc.get("Tags"))
            if self.scope.tagged_lab(tags) and not self.live.owns_tagged(vpc["VpcId"], tags):
                self.leftover_vpcs.add(vpc["VpcId"])
                self.findings.add("AWS::EC2::VPC", vpc["VpcId"], tag_reason(tags))

    def vpc_contents(self) -> None:
        """Subnets, route tables, security groups and gateways that keep a leftover VPC from being deleted."""
        if not self.leftover_vpcs:
            return
        in_vpcs = [{"Name": "vpc-id", "Values": sorted(self.leftover_vpcs)}]
        for subnet in self._pages("describe_subnets", "Subnets", Filters=in_vpcs):
            self._in_vpc("AWS::EC2::Subnet", subnet["SubnetId"], subnet["VpcId"])
        for table in self._pages("describe_route_tables", "RouteTables", Filters=in_vpcs):
            # the main route table goes with its VPC
            if not any(a.get("Main") for a in table.get("Associations", [])):
                self._in_vpc("AWS::EC2::RouteTable", table["RouteTableId"], table["VpcId"])
        for group in self._pages("describe_security_groups", "SecurityGroups", Filters=in_vpcs):
            if group.get("GroupName") != "default":  # the default group goes with its VPC
                self._in_vpc("AWS::EC2::SecurityGroup", group["GroupId"], group["VpcId"])
        attached = [{"Name": "attachment.vpc-id", "Values": sorted(self.leftover_vpcs)}]
        for gateway in self._pages("describe_internet_gateways", "InternetGateways", Filters=attached):
            vpc = next((a["VpcId"] for a in gateway.get("Attachments", [])), "?")
            self.findings.add(
                "AWS::EC2::InternetGateway", gateway["InternetGatewayId"], f"attached to leftover VPC {vpc}"
            )

    def _in_vpc(self, resource_type: str, identifier: str, vpc: str) -> None:
        self.findings.add(resource_type, identifier, f"in leftover VPC {vpc}")

    def instances(self) -> None:
        reservations = self._pages("describe_instances", "Reservations")
        for instance in (i for r in reservations for i in r.get("Instances", [])):
            if instance.get("State", {}).get("Name") == "terminated":
                continue
            instance_id, tags = instance["InstanceId"], tags_of(instance.get("Tags"))
            self.running_instances.add(instance_id)
            owned = (
                self.live.owns_tagged(instance_id, tags)
                or instance.get("VpcId") in self.live.vpcs
                or tags.get(ASG_NAME_TAG) in self.live.groups
            )
            if owned:
                self.kept_instances.add(instance_id)
            elif instance.get("VpcId") in self.leftover_vpcs:
                self._instance_left(instance_id, f"runs in leftover VPC {instance.get('VpcId')}")
            elif self.scope.tagged_lab(tags):
                self._instance_left(instance_id, tag_reason(tags))

    def _instance_left(self, instance_id: str, reason: str) -> None:
        self.leftover_instances.add(instance_id)
        self.findings.add("AWS::EC2::Instance", instance_id, reason)

    def network_interfaces(self) -> None:
        for eni in self._pages("describe_network_interfaces", "NetworkInterfaces"):
            eni_id, tags = eni["NetworkInterfaceId"], tags_of(eni.get("TagSet"))
            attached_to = eni.get("Attachment", {}).get("InstanceId")
            owned = self.live.owns_tagged(eni_id, tags) or eni.get("VpcId") in self.live.vpcs
            if owned or attached_to in self.kept_instances:
                self.kept_enis.add(eni_id)
                continue
            if eni.get("VpcId") in self.leftover_vpcs:
                reason = f"in leftover VPC {eni['VpcId']} ({eni.get('Status')})"
            elif self.scope.tagged_lab(tags):
                reason = tag_reason(tags)
            elif attached_to in self.leftover_instances:
                reason = f"attached to leftover instance {attached_to}"
            elif self._untagged_orphan("AWS::EC2::NetworkInterface", tags, eni.get("Status") == "available"):
                reason = "untagged and attached to nothing (the emulator drops tags); no live stack owns it"
            else:
                continue
            self.leftover_enis.add(eni_id)
            self.findings.add("AWS::EC2::NetworkInterface", eni_id, reason)

    def _untagged_orphan(self, resource_type: str, tags: Mapping[str, str], detached: bool) -> bool:
        return (
            self.untagged and detached and TAG_LAB not in tags and self.scope.creates_untagged(resource_type)
        )

    def volumes(self) -> None:
        for volume in self._pages("describe_volumes", "Volumes"):
            volume_id, tags = volume["VolumeId"], tags_of(volume.get("Tags"))
            attached = [a.get("InstanceId") for a in volume.get("Attachments", [])]
            if self.live.owns_tagged(volume_id, tags) or any(i in self.kept_instances for i in attached):
                continue
            size = f"{volume.get('Size', '?')} GiB, {volume.get('State')}"
            if any(i in self.leftover_instances for i in attached):
                reason = f"attached to leftover instance {attached[0]} ({size})"
            elif self.scope.tagged_lab(tags):
                reason = f"{tag_reason(tags)} ({size})"
            elif self._untagged_orphan("AWS::EC2::Volume", tags, volume.get("State") == "available"):
                reason = (
                    f"untagged and attached to nothing (the emulator drops tags); no stack owns it ({size})"
                )
            else:
                continue
            self.findings.add("AWS::EC2::Volume", volume_id, reason)

    def addresses(self) -> None:
        for address in self.ec2.describe_addresses().get("Addresses", []):
            ip, tags = address.get("PublicIp", ""), tags_of(address.get("Tags"))
            allocation = address.get("AllocationId", "")
            instance, eni = address.get("InstanceId"), address.get("NetworkInterfaceId")
            owned = self.live.owns_tagged(ip, tags) or self.live.owns(allocation)
            if owned or instance in self.kept_instances or eni in self.kept_enis:
                continue
            # an address on a terminated instance (the emulator keeps such associations) holds nothing
            holds_nothing = not address.get("AssociationId") or (
                instance and instance not in self.running_instances
            )
            if instance in self.leftover_instances:
                reason = f"associated with leftover instance {instance}"
            elif eni in self.leftover_enis:
                reason = f"associated with leftover network interface {eni}"
            elif self.scope.tagged_lab(tags):
                reason = tag_reason(tags)
            elif self._untagged_orphan("AWS::EC2::EIP", tags, bool(holds_nothing)):
                reason = "untagged, on nothing running (the emulator drops EIP tags); billed hourly"
            else:
                continue
            self.findings.add("AWS::EC2::EIP", f"{ip} ({allocation})" if allocation else ip, reason)

    def launch_templates(self) -> None:
        filters = [{"Name": "tag-key", "Values": [TAG_LAB]}]
        for template in self._pages("describe_launch_templates", "LaunchTemplates", Filters=filters):
            tags = tags_of(template.get("Tags"))
            if self.scope.tagged_lab(tags) and not self.live.owns_tagged(template["LaunchTemplateId"], tags):
                self.findings.add("AWS::EC2::LaunchTemplate", template["LaunchTemplateId"], tag_reason(tags))


def arn_type_and_id(arn: str) -> tuple[str, str]:
    """(CloudFormation-style type, short identifier) of an ARN from the tagging API."""
    parts = arn.split(":", 5)
    service, resource = (parts[2], parts[5]) if len(parts) == 6 else ("?", arn)
    kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
    resource_type = ARN_TYPES.get(f"{service}:{kind}", f"{service}:{kind}".rstrip(":"))
    if resource_type == "AWS::Logs::LogGroup":
        return resource_type, resource.split(":", 1)[1].removesuffix(":*")
    return resource_type, tail(arn)


def scan_tagged(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Every resource the tagging API knows with a labkit:lab tag of the scope (EC2 judged per type)."""
    filters: list[Any] = [{"Key": TAG_LAB, "Values": list(scope.labs)}]
    if scope.owner:
        filters.append({"Key": TAG_OWNER, "Values": [scope.owner]})
    tagging = session.client("resourcegroupstaggingapi")
    for page in tagging.get_paginator("get_resources").paginate(TagFilters=filters):
        for mapping in page.get("ResourceTagMappingList", []):
            arn, tags = mapping["ResourceARN"], tags_of(mapping.get("Tags"))
            resource_type, identifier = arn_type_and_id(arn)
            # stacks are judged by list_stacks (the tagging API also returns deleted ones)
            if resource_type in PER_TYPE_JUDGED or ":cloudformation:" in arn:
                continue
            if live.owns_tagged(arn, tags) or findings.has(identifier):
                continue
            if scope.tagged_lab(tags):
                findings.add(resource_type, identifier, tag_reason(tags))


def scan_named(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Resources named after a lab stack that no longer exists (for types the emulator leaves untagged)."""
    for resource_type, names in named_resources(session):
        for name in names:
            stack = named_stack(scope, resource_type, name)
            # /aws/lambda/<function> belongs to the function: kept while a live stack holds the function
            owner_name = LAMBDA_LOG_PREFIX.sub("", name) if resource_type == "AWS::Logs::LogGroup" else name
            if stack is None or live.owns(name) or live.owns(owner_name) or findings.has(name):
                continue
            findings.add(
                resource_type, name, f"named after stack {stack}, which does not exist in this region"
            )
    scan_schedules(session, scope, live, findings)


def named_stack(scope: Scope, resource_type: str, name: str) -> str | None:
    if resource_type == "AWS::Logs::LogGroup":
        for prefix in LOG_GROUP_PREFIXES:
            if name.startswith(prefix) and (stack := scope.named_stack(name.removeprefix(prefix))):
                return stack
        return None
    return scope.named_stack(name, lower=resource_type == "AWS::S3::Bucket")


def named_resources(session: boto3.Session) -> list[tuple[str, list[str]]]:
    """(type, names) of every kind of resource CloudFormation names after its stack."""
    logs = session.client("logs")
    lambda_client = session.client("lambda")
    iam: Any = session.client("iam")
    dynamodb = session.client("dynamodb")
    sfn = session.client("stepfunctions")
    autoscaling = session.client("autoscaling")
    return [
        ("AWS::Logs::LogGroup", _paged(logs, "describe_log_groups", "logGroups", "logGroupName")),
        ("AWS::Lambda::Function", _paged(lambda_client, "list_functions", "Functions", "FunctionName")),
        ("AWS::IAM::Role", _paged(iam, "list_roles", "Roles", "RoleName")),
        (
            "AWS::IAM::InstanceProfile",
            _paged(iam, "list_instance_profiles", "InstanceProfiles", "InstanceProfileName"),
        ),
        (
            "AWS::DynamoDB::Table",
            [n for p in dynamodb.get_paginator("list_tables").paginate() for n in p["TableNames"]],
        ),
        ("AWS::StepFunctions::StateMachine", _paged(sfn, "list_state_machines", "stateMachines", "name")),
        (
            "AWS::AutoScaling::AutoScalingGroup",
            _paged(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups", "AutoScalingGroupName"),
        ),
        ("AWS::SQS::Queue", [tail(url) for url in session.client("sqs").list_queues().get("QueueUrls", [])]),
        ("AWS::S3::Bucket", [b["Name"] for b in session.client("s3").list_buckets().get("Buckets", [])]),
    ]


def _paged(client: Any, operation: str, key: str, name_key: str) -> list[str]:
    return [
        item[name_key] for page in client.get_paginator(operation).paginate() for item in page.get(key, [])
    ]


def scan_schedules(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Expiry schedules whose stack is gone: named after it, or targeting DeleteStack on it."""
    scheduler = session.client("scheduler")
    for page in scheduler.get_paginator("list_schedules").paginate():
        for summary in page.get("Schedules", []):
            name = summary.get("Name", "")
            if live.owns(name) or live.owns(summary.get("Arn", "")):
                continue
            stack = scope.named_stack(name)
            if stack is None and summary.get("Target", {}).get("Arn", "").endswith(
                ":cloudformation:deleteStack"
            ):
                target = deleted_stack_of(scheduler, name, summary.get("GroupName", "default"))
                stack = target if scope.stack_lab(target) else None
            if stack is not None and stack not in live.names:
                findings.add(
                    "AWS::Scheduler::Schedule", name, f"expiry schedule of stack {stack}, which is gone"
                )


def deleted_stack_of(scheduler: Any, name: str, group: str) -> str:
    """The stack name a DeleteStack schedule targets (its input holds the stack's id or name)."""
    target = scheduler.get_schedule(Name=name, GroupName=group).get("Target", {})
    try:
        stack = json.loads(target.get("Input", "{}")).get("StackName", "")
    except ValueError:
        return ""
    # a stack id is arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
    return str(stack).split(":stack/")[-1].split("/")[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lab", nargs="?", choices=LAB_IDS, metavar="LAB", help="only this lab (default: all)")
    parser.add_argument("--owner", help="only this owner's labs (default: every owner)")
    parser.add_argument(
        "--include-untagged",
        action="store_true",
        default=None,
        help="also count untagged Elastic IPs, volumes and interfaces attached to nothing "
        "(always on against the emulator)",
    )


def run(args: argparse.Namespace) -> int:
    import boto3

    owner = parse_owner(args.owner)
    scope = Scope(labs=(args.lab,) if args.lab else LAB_IDS, owner=owner)
    try:
        leftovers = scan_leftovers(
            boto3.Session(), lab_id=args.lab, owner=owner, include_untagged=args.include_untagged
        )
    except (NoCredentialsError, NoRegionError) as error:
        print(
            f"labkit: {error}: configure AWS credentials and a region (aws configure, AWS_PROFILE)",
            file=sys.stderr,
        )
        return 2
    except (BotoCoreError, ClientError) as error:
        print(
            f"labkit: the scan could not finish, so it cannot say nothing is left: {error}", file=sys.stderr
        )
        return 2
    print_leftovers(leftovers, scope.description)
    return 1 if leftovers else 0
