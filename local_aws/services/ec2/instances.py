"""EC2 parity fixes: instances, volumes, Elastic IPs and VPC parts, as stacks create and delete them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    backend,
    moto_name,
    original,
    replace,
    replace_classmethod,
    route_table_associations,
)


def _ec2(account_id: str, region_name: str) -> Any:
    return backend("ec2", account_id, region_name)


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}


@parity_fix(
    "primary network interface deleted on termination",
    moto_does="keeps the network interface of a terminated instance, so its VPC can never be deleted",
    aws_does="deletes a primary interface that the launch created when the instance terminates",
)
def primary_eni_deleted_on_termination() -> None:
    """Patches moto: primary network interface deleted on termination."""
    instance_class = moto_name("ec2.Instance")
    original_prep_nics = original(instance_class, "prep_nics")

    @functools.wraps(original_prep_nics)
    def prep_nics(self: Any, nic_spec: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        original_prep_nics(self, nic_spec, *args, **kwargs)
        if not nic_spec and 0 in self.nics:
            # no interface was specified: this primary interface was created by the launch itself
            self.nics[0].delete_on_termination = True

    replace(instance_class, "prep_nics", prep_nics)


@parity_fix(
    "CloudFormation applies the EC2 properties the labs set",
    moto_does="ignores an instance's SecurityGroupIds, a volume's Encrypted, VolumeType and Tags, and an "
    "Elastic IP's Tags",
    aws_does="creates the instance in its security group, the volume encrypted as gp3, both tagged",
)
def cloudformation_ec2_properties() -> None:
    """Patches moto: CloudFormation applies the EC2 properties the labs set."""
    instance_class = moto_name("ec2.Instance")
    volume_class = moto_name("ec2.Volume")
    address_class = moto_name("ec2.ElasticAddress")
    create_instance = original(instance_class, "create_from_cloudformation_json")
    create_address = original(address_class, "create_from_cloudformation_json")

    def instance(
        cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        created = create_instance(cls, name, template, account_id, region, **kw)
        group_ids = template["Properties"].get("SecurityGroupIds")
        if group_ids:
            _ec2(account_id, region).modify_instance_security_groups(created.id, group_ids)
        return created

    def volume(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        properties = template["Properties"]
        created = _ec2(account_id, region).create_volume(
            size=properties.get("Size"),
            zone_name=properties.get("AvailabilityZone"),
            snapshot_id=properties.get("SnapshotId"),
            encrypted=str(properties.get("Encrypted", False)).lower() == "true",
            kms_key_id=properties.get("KmsKeyId"),
            volume_type=properties.get("VolumeType"),
            iops=properties.get("Iops"),
            throughput=properties.get("Throughput"),
        )
        created.add_tags(_tags(properties))
        return created

    def address(
        cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        created = create_address(cls, name, template, account_id, region, **kw)
        created.add_tags(_tags(template.get("Properties") or {}))
        return created

    replace_classmethod(instance_class, "create_from_cloudformation_json", instance)
    replace_classmethod(volume_class, "create_from_cloudformation_json", volume)
    replace_classmethod(address_class, "create_from_cloudformation_json", address)


def _release_address(eip: Any, ec2: Any) -> None:
    if eip.allocation_id is None:  # released by hand: moto would fail on an empty lookup (IndexError)
        raise moto_name("ec2.InvalidAllocationIdError")(eip.public_ip)
    ec2.release_address(allocation_id=eip.allocation_id)  # disassociates first, as CloudFormation does


def _detach_volume(attachment: Any, ec2: Any) -> None:
    volume = attachment.volume
    # terminating the instance already detached it, as on AWS
    if volume.attachment is not None and volume.attachment.instance is attachment.instance:
        ec2.detach_volume(volume.id, attachment.instance.id, attachment.device)


def _delete_route(route: Any, ec2: Any) -> None:
    prefix_list = route.destination_prefix_list.id if route.destination_prefix_list else None
    ec2.delete_route(
        route.route_table.id, route.destination_cidr_block, route.destination_ipv6_cidr_block, prefix_list
    )


def _disassociate_subnet(association: Any, ec2: Any) -> None:
    table = ec2.get_route_table(association.route_table_id)
    for association_id, subnet_id in list(route_table_associations(table).items()):
        if subnet_id == association.subnet_id:
            ec2.disassociate_route_table(association_id)


def _detach_gateway(attachment: Any, ec2: Any) -> None:
    if str(attachment.gateway_id).startswith("igw-"):
        ec2.detach_internet_gateway(attachment.gateway_id, attachment.vpc_id)
    else:
        ec2.detach_vpn_gateway(attachment.gateway_id, attachment.vpc_id)


def _as_stack_delete(deleter: Callable[[Any, Any], None]) -> Callable[[Any, str, str], None]:
    """moto's stack delete calls `resource.delete(account, region)`, and on a TypeError skips it silently."""

    def delete(self: Any, account_id: str, region_name: str) -> None:
        try:
            deleter(self, _ec2(account_id, region_name))
        except (TypeError, AttributeError) as error:
            raise RuntimeError(f"deleting {type(self).__name__} failed: {error}") from error

    return delete


@parity_fix(
    "CloudFormation deletes the EC2 resources it created",
    moto_does="leaves Elastic IPs, volumes, volume attachments, routes, route tables, subnet associations, "
    "internet gateways and their attachments behind when their stack is deleted",
    aws_does="deletes every resource of a deleted stack (DependencyViolation until its dependents are gone)",
)
def cloudformation_deletes_ec2_resources() -> None:
    """Patches moto: CloudFormation deletes the EC2 resources it created."""
    deleters: dict[str, Callable[[Any, Any], None]] = {
        "ec2.ElasticAddress": _release_address,
        "ec2.VolumeAttachment": _detach_volume,
        "ec2.Volume": lambda volume, ec2: ec2.delete_volume(volume.id),
        "ec2.Route": _delete_route,
        "ec2.SubnetRouteTableAssociation": _disassociate_subnet,
        "ec2.RouteTable": lambda table, ec2: ec2.delete_route_table(table.id),
        "ec2.VPCGatewayAttachment": _detach_gateway,
        "ec2.InternetGateway": lambda gateway, ec2: ec2.delete_internet_gateway(gateway.id),
    }
    for name, deleter in deleters.items():
        replace(moto_name(name), "delete", _as_stack_delete(deleter))


def _launch_zone(ec2: Any, kwargs: dict[str, Any]) -> str:
    """The zone an instance launches into, worked out as moto's Instance does it."""
    subnet_id = kwargs.get("subnet_id") or next(
        (nic.get("SubnetId") for nic in kwargs.get("nics", []) if nic.get("SubnetId")), None
    )
    if subnet_id:
        return str(ec2.get_subnet(subnet_id).availability_zone)
    return str(kwargs.get("placement") or f"{ec2.region_name}a")


def offering_zones(region: str, instance_type: str) -> list[str]:
    """The zones of `region` that offer `instance_type`, from the offerings moto ships (AWS's own list)."""
    offerings = moto_name("ec2.INSTANCE_TYPE_OFFERINGS")["availability-zone"]
    return sorted({o["Location"] for o in offerings.get(region, []) if o["InstanceType"] == instance_type})


@parity_fix(
    "instance types launch only where offered",
    moto_does="launches any instance type in any zone",
    aws_does="refuses a launch in a zone that does not offer the type (Unsupported), naming the zones that "
    "do (t4g is not offered in every us-east-1 zone)",
)
def instance_types_launch_only_where_offered() -> None:
    """Patches moto: instance types launch only where offered."""
    instance_class = moto_name("ec2.Instance")
    client_error = moto_name("ec2.EC2ClientError")
    original_init = original(instance_class, "__init__")

    @functools.wraps(original_init)
    def init(
        self: Any, ec2_backend: Any, image_id: str, user_data: Any, security_groups: Any, **kw: Any
    ) -> None:
        instance_type = kw.get("instance_type", "m1.small")
        zone = _launch_zone(ec2_backend, kw)
        offered = offering_zones(ec2_backend.region_name, instance_type)
        if offered and zone not in offered:
            raise client_error(
                "Unsupported",
                f"Your requested instance type ({instance_type}) is not supported in your requested "
                f"Availability Zone ({zone}). Please retry your request by not specifying an Availability "
                f"Zone or choosing {', '.join(offered)}.",
            )
        original_init(self, ec2_backend, image_id, user_data, security_groups, **kw)

    replace(instance_class, "__init__", init)


@parity_fix(
    "an attached volume cannot be attached again",
    moto_does="attaches a volume that is attached to another instance, moving it silently",
    aws_does="refuses with VolumeInUse until the volume is detached (so a replaced instance's separate "
    "VolumeAttachment fails its update)",
)
def attached_volume_is_in_use() -> None:
    """Patches moto: an attached volume cannot be attached again."""
    backend_class = moto_name("ec2.EBSBackend")
    in_use = moto_name("ec2.VolumeInUseError")
    original_attach = original(backend_class, "attach_volume")

    @functools.wraps(original_attach)
    def attach_volume(
        self: Any, volume_id: str, instance_id: str, device_path: str, *args: Any, **kw: Any
    ) -> Any:
        volume = self.get_volume(volume_id)
        attached = getattr(volume, "attachment", None)
        if attached is not None and attached.instance is not None and attached.instance.id != instance_id:
            raise in_use(volume_id, attached.instance.id)
        return original_attach(self, volume_id, instance_id, device_path, *args, **kw)

    replace(backend_class, "attach_volume", attach_volume)


FIXES: tuple[ParityFix, ...] = (
    primary_eni_deleted_on_termination,
    cloudformation_ec2_properties,
    cloudformation_deletes_ec2_resources,
    instance_types_launch_only_where_offered,
    attached_volume_is_in_use,
)
