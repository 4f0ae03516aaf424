"""A walk over a synthesized CloudFormation template: which machines, disks and public addresses it runs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from labs.catalogue import autoscaling, ec2, vpc
from labs.cost.prices import CostError
from labs.cost.template_values import (
    DEFAULT_VOLUME_TYPE,
    Disk,
    Machines,
    Properties,
    literal_int,
    literal_text,
    optional_int,
    referenced_id,
)

__all__ = ["Disk", "Machines", "Properties", "TemplateResources", "literal_int", "referenced_id"]

# root device names of the common Linux and Windows AMIs
ROOT_DEVICE_NAMES = frozenset({"/dev/xvda", "/dev/sda1", "/dev/sda"})
# a mapping without a root entry keeps the AMI's root: Amazon Linux 2023's is an 8 GiB gp3 snapshot
AMI_ROOT_GIB, AMI_ROOT_VOLUME_TYPE = 8, "gp3"
INSTANCE = ec2.INSTANCE.cfn_type
AUTO_SCALING_GROUP = autoscaling.AUTO_SCALING_GROUP.cfn_type


class TemplateResources:
    """The resources of one template, with the references between them resolved."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self.resources: dict[str, Mapping[str, Any]] = dict(template.get("Resources", {}))

    def of_type(self, resource_type: str) -> dict[str, Properties]:
        """Logical id -> properties of the template's resources of that type."""
        return {
            logical_id: resource.get("Properties", {})
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == resource_type
        }

    def count(self, resource_type: str) -> int:
        """How many resources of that type the template has."""
        return len(self.of_type(resource_type))

    def machines(self) -> list[Machines]:
        """The template's instances and Auto Scaling groups, as what they run."""
        found = [self._instance(logical_id, props) for logical_id, props in self.of_type(INSTANCE).items()]
        found += [
            self._group(logical_id, props) for logical_id, props in self.of_type(AUTO_SCALING_GROUP).items()
        ]
        return found

    def elastic_ip_targets(self) -> dict[str, str | None]:
        """Elastic IP logical id -> the instance or NAT gateway it serves, or None when idle."""
        targets: dict[str, str | None] = {
            logical_id: referenced_id(props.get("InstanceId"))
            for logical_id, props in self.of_type(ec2.ELASTIC_IP.cfn_type).items()
        }
        for props in self.of_type(ec2.EIP_ASSOCIATION.cfn_type).values():
            address = referenced_id(props.get("AllocationId")) or referenced_id(props.get("EIP"))
            if address in targets:
                targets[address] = referenced_id(props.get("InstanceId")) or referenced_id(
                    props.get("NetworkInterfaceId")
                )
        for nat_id, props in self.of_type(vpc.NAT_GATEWAY.cfn_type).items():
            address = referenced_id(props.get("AllocationId"))
            if address in targets:
                targets[address] = nat_id
        return targets

    def _instance(self, logical_id: str, props: Properties) -> Machines:
        where = f"{logical_id} (instance)"
        spec = {**self._launch_template_data(props.get("LaunchTemplate"), where=where), **props}
        has_elastic_ip = logical_id in self.elastic_ip_targets().values()
        subnet = spec.get("SubnetId", _primary_interface(spec).get("SubnetId"))
        return Machines(
            logical_id=logical_id,
            instance_type=literal_text(spec.get("InstanceType"), where=f"{where} InstanceType"),
            count=1,
            max_count=1,
            disks=_disks(spec.get("BlockDeviceMappings", []), where=where),
            public_ipv4=not has_elastic_ip
            and self._gets_public_ipv4(spec, [subnet] if subnet else [], where=where),
        )

    def _group(self, logical_id: str, props: Properties) -> Machines:
        where = f"{logical_id} (Auto Scaling group)"
        spec = self._group_launch_spec(props, where=where)
        count = literal_int(
            props.get("DesiredCapacity", props.get("MinSize")), where=f"{where} DesiredCapacity"
        )
        maximum = literal_int(props.get("MaxSize"), where=f"{where} MaxSize")
        types = _override_types(props, where=where)
        return Machines(
            logical_id=logical_id,
            # a mixed group's on-demand instances are its first override ("prioritized", the default)
            instance_type=types[0]
            if types
            else literal_text(spec.get("InstanceType"), where=f"{where} InstanceType"),
            count=count,
            max_count=maximum,
            disks=_disks(spec.get("BlockDeviceMappings", []), where=where),
            public_ipv4=self._gets_public_ipv4(spec, props.get("VPCZoneIdentifier"), where=where),
            spot_types=types,
            spot_count=count - _on_demand_count(props, count, where=where) if types else 0,
            spot_max_count=maximum - _on_demand_count(props, maximum, where=where) if types else 0,
            in_group=True,
        )

    def _group_launch_spec(self, props: Properties, *, where: str) -> Properties:
        if "LaunchConfigurationName" in props:
            configuration = referenced_id(props["LaunchConfigurationName"])
            found = self.of_type(autoscaling.LAUNCH_CONFIGURATION.cfn_type).get(configuration or "")
            if found is None:
                raise CostError(f"{where}: its launch configuration is not in the template")
            return found
        mixed = props.get("MixedInstancesPolicy", {}).get("LaunchTemplate")
        if mixed is not None:
            return self._launch_template_data(mixed.get("LaunchTemplateSpecification"), where=where)
        return self._launch_template_data(props.get("LaunchTemplate"), where=where)

    def _launch_template_data(self, reference: Properties | None, *, where: str) -> Properties:
        if reference is None:
            return {}
        templates = self.of_type(ec2.LAUNCH_TEMPLATE.cfn_type)
        by_id = referenced_id(reference.get("LaunchTemplateId"))
        if by_id in templates:
            data: Properties = templates[by_id].get("LaunchTemplateData", {})
            return data
        for props in templates.values():
            if (
                "LaunchTemplateName" in reference
                and props.get("LaunchTemplateName") == reference["LaunchTemplateName"]
            ):
                named: Properties = props.get("LaunchTemplateData", {})
                return named
        raise CostError(
            f"{where}: its launch template is not in the template, so its instances cannot be priced"
        )

    def _gets_public_ipv4(self, spec: Properties, subnet_refs: Any, *, where: str) -> bool:
        explicit = _primary_interface(spec).get(
            "AssociatePublicIpAddress", spec.get("AssociatePublicIpAddress")
        )
        if explicit is not None:
            return explicit is True or explicit == "true"
        if not subnet_refs:
            # no subnet: the default VPC's default subnets, which assign public IPv4 addresses
            return True
        return any(self._subnet_maps_public_ip(ref, where=where) for ref in subnet_refs)

    def _subnet_maps_public_ip(self, reference: Any, *, where: str) -> bool:
        subnet = self.of_type(vpc.SUBNET.cfn_type).get(referenced_id(reference) or "")
        if subnet is None:
            raise CostError(
                f"{where}: subnet {reference!r} is not in the template: cannot tell if it assigns public IPs"
            )
        return subnet.get("MapPublicIpOnLaunch") in (True, "true")


def _override_types(props: Properties, *, where: str) -> tuple[str, ...]:
    """The instance types of a mixed-instances policy's overrides (empty for any other group)."""
    overrides = props.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("Overrides") or []
    if any("InstanceRequirements" in o or "LaunchTemplateSpecification" in o for o in overrides):
        raise CostError(f"{where}: overrides by instance requirements or per-type templates cannot be priced")
    if any(o.get("WeightedCapacity") not in (None, 1, "1") for o in overrides):
        raise CostError(f"{where}: weighted overrides cannot be priced by the kit")
    return tuple(literal_text(o.get("InstanceType"), where=f"{where} Overrides") for o in overrides)


def _on_demand_count(props: Properties, count: int, *, where: str) -> int:
    """How many of a mixed group's `count` instances run on-demand (Auto Scaling's InstancesDistribution;
    its defaults: base 0, 100% on-demand above it)."""
    distribution = props.get("MixedInstancesPolicy", {}).get("InstancesDistribution") or {}
    base = literal_int(distribution.get("OnDemandBaseCapacity", 0), where=f"{where} OnDemandBaseCapacity")
    percent = literal_int(
        distribution.get("OnDemandPercentageAboveBaseCapacity", 100),
        where=f"{where} OnDemandPercentageAboveBaseCapacity",
    )
    if count <= base:
        return count
    return base + (count - base) * percent // 100


def _primary_interface(spec: Properties) -> Properties:
    for interface in spec.get("NetworkInterfaces", []):
        if str(interface.get("DeviceIndex", "0")) == "0":
            found: Properties = interface
            return found
    return {}


def _disks(mappings: list[Properties], *, where: str) -> tuple[Disk, ...]:
    disks = tuple(_ebs_disks(mappings, where=where))
    if any(disk.root for disk in disks):
        return disks
    return (Disk(size_gib=AMI_ROOT_GIB, volume_type=AMI_ROOT_VOLUME_TYPE, root=True, assumed=True), *disks)


def _ebs_disks(mappings: list[Properties], *, where: str) -> Iterator[Disk]:
    for mapping in mappings:
        ebs = mapping.get("Ebs")
        if ebs is None:  # instance store or NoDevice: nothing billed apart from the instance
            continue
        device = mapping.get("DeviceName", "?")
        if "VolumeSize" not in ebs:
            raise CostError(
                f"{where}: block device {device} has no VolumeSize (its snapshot's size is unknown)"
            )
        yield Disk(
            size_gib=float(literal_int(ebs["VolumeSize"], where=f"{where} {device} VolumeSize")),
            volume_type=str(ebs.get("VolumeType", DEFAULT_VOLUME_TYPE)),
            iops=optional_int(ebs.get("Iops"), where=f"{where} {device} Iops"),
            throughput_mibps=optional_int(ebs.get("Throughput"), where=f"{where} {device} Throughput"),
            root=device in ROOT_DEVICE_NAMES,
        )
