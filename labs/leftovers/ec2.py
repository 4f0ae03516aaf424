"""EC2 leftovers, judged together: what sits in a leftover VPC or on a leftover instance is left over too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from labs.catalogue.ec2 import ELASTIC_IP, INSTANCE, LAUNCH_TEMPLATE, NETWORK_INTERFACE, VOLUME
from labs.catalogue.vpc import INTERNET_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, SUBNET, VPC
from labs.leftovers.model import ASG_NAME_TAG, Findings, LiveStacks, Scope, tag_reason, tags_of
from labs.shared_facts import TAG_LAB

if TYPE_CHECKING:
    import boto3


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
        """Scan every kind of EC2 resource."""
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
        """Find the lab VPCs no live stack owns."""
        for vpc in self._pages("describe_vpcs", "Vpcs", Filters=[{"Name": "tag-key", "Values": [TAG_LAB]}]):
            tags = tags_of(vpc.get("Tags"))
            if self.scope.tagged_lab(tags) and not self.live.owns_tagged(vpc["VpcId"], tags):
                self.leftover_vpcs.add(vpc["VpcId"])
                self.findings.add(VPC.cfn_type, vpc["VpcId"], tag_reason(tags))

    def vpc_contents(self) -> None:
        """Subnets, route tables, security groups and gateways that keep a leftover VPC from being deleted."""
        if not self.leftover_vpcs:
            return
        in_vpcs = [{"Name": "vpc-id", "Values": sorted(self.leftover_vpcs)}]
        for subnet in self._pages("describe_subnets", "Subnets", Filters=in_vpcs):
            self._in_vpc(SUBNET.cfn_type, subnet["SubnetId"], subnet["VpcId"])
        for table in self._pages("describe_route_tables", "RouteTables", Filters=in_vpcs):
            # the main route table goes with its VPC
            if not any(a.get("Main") for a in table.get("Associations", [])):
                self._in_vpc(ROUTE_TABLE.cfn_type, table["RouteTableId"], table["VpcId"])
        for group in self._pages("describe_security_groups", "SecurityGroups", Filters=in_vpcs):
            if group.get("GroupName") != "default":  # the default group goes with its VPC
                self._in_vpc(SECURITY_GROUP.cfn_type, group["GroupId"], group["VpcId"])
        attached = [{"Name": "attachment.vpc-id", "Values": sorted(self.leftover_vpcs)}]
        for gateway in self._pages("describe_internet_gateways", "InternetGateways", Filters=attached):
            vpc = next((a["VpcId"] for a in gateway.get("Attachments", [])), "?")
            self.findings.add(
                INTERNET_GATEWAY.cfn_type, gateway["InternetGatewayId"], f"attached to leftover VPC {vpc}"
            )

    def _in_vpc(self, resource_type: str, identifier: str, vpc: str) -> None:
        self.findings.add(resource_type, identifier, f"in leftover VPC {vpc}")

    def instances(self) -> None:
        """Find the lab instances no live stack owns."""
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
        self.findings.add(INSTANCE.cfn_type, instance_id, reason)

    def network_interfaces(self) -> None:
        """Find the network interfaces no live stack or kept instance accounts for."""
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
            elif self._untagged_orphan(NETWORK_INTERFACE.cfn_type, tags, eni.get("Status") == "available"):
                reason = "untagged and attached to nothing (the emulator drops tags); no live stack owns it"
            else:
                continue
            self.leftover_enis.add(eni_id)
            self.findings.add(NETWORK_INTERFACE.cfn_type, eni_id, reason)

    def _untagged_orphan(self, resource_type: str, tags: Mapping[str, str], detached: bool) -> bool:
        return (
            self.untagged and detached and TAG_LAB not in tags and self.scope.creates_untagged(resource_type)
        )

    def volumes(self) -> None:
        """Find the volumes no live stack or kept instance accounts for."""
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
            elif self._untagged_orphan(VOLUME.cfn_type, tags, volume.get("State") == "available"):
                reason = (
                    f"untagged and attached to nothing (the emulator drops tags); no stack owns it ({size})"
                )
            else:
                continue
            self.findings.add(VOLUME.cfn_type, volume_id, reason)

    def addresses(self) -> None:
        """Find the Elastic IPs no live stack owns."""
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
            elif self._untagged_orphan(ELASTIC_IP.cfn_type, tags, bool(holds_nothing)):
                reason = "untagged, on nothing running (the emulator drops EIP tags); billed hourly"
            else:
                continue
            self.findings.add(ELASTIC_IP.cfn_type, f"{ip} ({allocation})" if allocation else ip, reason)

    def launch_templates(self) -> None:
        """Find the lab launch templates no live stack owns."""
        filters = [{"Name": "tag-key", "Values": [TAG_LAB]}]
        for template in self._pages("describe_launch_templates", "LaunchTemplates", Filters=filters):
            tags = tags_of(template.get("Tags"))
            if self.scope.tagged_lab(tags) and not self.live.owns_tagged(template["LaunchTemplateId"], tags):
                self.findings.add(LAUNCH_TEMPLATE.cfn_type, template["LaunchTemplateId"], tag_reason(tags))
