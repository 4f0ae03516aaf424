"""AWS parity fixes: where moto 5.2.5 behaves unlike AWS for the labs, restore the AWS behaviour.

Each fix is applied inside the emulator's own process only (labs.emulator.server), never to a test's
`mock_aws`, and each is listed with what moto does and what AWS does, so a report can print them all.
Importing this module does not import moto; `apply_all()` does.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.metadata
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MOTO_VERSION = "5.2.5"


@dataclass(frozen=True)
class ParityFix:
    name: str
    moto_does: str
    aws_does: str
    apply: Callable[[], None]

    @property
    def why(self) -> str:
        return f"moto {self.moto_does}; AWS {self.aws_does}"


@dataclass(frozen=True)
class EmulatorGap:
    """Something the emulator cannot do, which no fix here restores: a check must not claim it."""

    name: str
    detail: str


class ParityError(RuntimeError):
    """The installed moto is not the version these fixes were written against."""


# -- patching helpers: moto's own type hints cannot describe a monkey patch, so its objects are Any here --
def _moto(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def _original(owner: Any, name: str) -> Callable[..., Any]:
    """The plain function behind a method or classmethod, for its replacement to call."""
    attribute = inspect.getattr_static(owner, name)
    function: Callable[..., Any] = attribute.__func__ if isinstance(attribute, classmethod) else attribute
    return function


def _replace(owner: Any, name: str, replacement: Any) -> None:
    setattr(owner, name, replacement)


def _replace_classmethod(owner: Any, name: str, function: Callable[..., Any]) -> None:
    setattr(owner, name, classmethod(function))


def _ec2(account_id: str, region_name: str) -> Any:
    return _moto("moto.ec2.models", "ec2_backends")[account_id][region_name]


def _tags(properties: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}


# -- EC2 -------------------------------------------------------------------------------------------
def _primary_eni_deleted_on_termination() -> None:
    instance_class = _moto("moto.ec2.models.instances", "Instance")
    original = _original(instance_class, "prep_nics")

    @functools.wraps(original)
    def prep_nics(self: Any, nic_spec: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        original(self, nic_spec, *args, **kwargs)
        if not nic_spec and 0 in self.nics:
            # no interface was specified: this primary interface was created by the launch itself
            self.nics[0].delete_on_termination = True

    _replace(instance_class, "prep_nics", prep_nics)


def _cloudformation_ec2_properties() -> None:
    instance_class = _moto("moto.ec2.models.instances", "Instance")
    volume_class = _moto("moto.ec2.models.elastic_block_store", "Volume")
    address_class = _moto("moto.ec2.models.elastic_ip_addresses", "ElasticAddress")
    create_instance = _original(instance_class, "create_from_cloudformation_json")
    create_address = _original(address_class, "create_from_cloudformation_json")

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

    _replace_classmethod(instance_class, "create_from_cloudformation_json", instance)
    _replace_classmethod(volume_class, "create_from_cloudformation_json", volume)
    _replace_classmethod(address_class, "create_from_cloudformation_json", address)


def _release_address(eip: Any, ec2: Any) -> None:
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
    for association_id, subnet_id in list(table._associations.items()):
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


def _cloudformation_deletes_ec2_resources() -> None:
    deleters: dict[tuple[str, str], Callable[[Any, Any], None]] = {
        ("elastic_ip_addresses", "ElasticAddress"): _release_address,
        ("elastic_block_store", "VolumeAttachment"): _detach_volume,
        ("elastic_block_store", "Volume"): lambda volume, ec2: ec2.delete_volume(volume.id),
        ("route_tables", "Route"): _delete_route,
        ("subnets", "SubnetRouteTableAssociation"): _disassociate_subnet,
        ("route_tables", "RouteTable"): lambda table, ec2: ec2.delete_route_table(table.id),
        ("vpn_gateway", "VPCGatewayAttachment"): _detach_gateway,
        ("internet_gateways", "InternetGateway"): lambda gateway, ec2: ec2.delete_internet_gateway(
            gateway.id
        ),
    }
    for (module, name), deleter in deleters.items():
        _replace(_moto(f"moto.ec2.models.{module}", name), "delete", _as_stack_delete(deleter))


# -- CloudFormation --------------------------------------------------------------------------------
def _references(node: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref or Fn::GetAtt."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(str(value[0] if isinstance(value, list) else str(value).split(".")[0]))
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def deletion_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    """Logical ids with every resource before the resources it depends on, as CloudFormation deletes."""
    created: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in created or logical_id in visiting:
            return
        visiting.add(logical_id)
        resource = resources[logical_id]
        depends_on = resource.get("DependsOn", [])
        needs = _references(resource.get("Properties", {}))
        needs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        for dependency in sorted(needs & resources.keys()):
            visit(dependency)
        created.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return created[::-1]


def _delete_resources(resource_map: Any) -> None:
    """Delete in dependency order; retry what failed while each round deletes something."""
    pending = [
        logical_id
        for logical_id in deletion_order(resource_map._resource_json_map)
        if resource_map._resource_json_map[logical_id].get("DeletionPolicy") != "Retain"
    ]
    while pending:
        failed: list[tuple[str, Exception]] = []
        for logical_id in pending:
            resource = resource_map._parsed_resources.get(logical_id)
            if resource is None or isinstance(resource, str):
                continue  # never created (a type moto does not model): nothing to delete
            try:
                resource_map._delete_resource(resource, resource_map._resource_json_map[logical_id])
            except Exception as error:  # a dependency the template does not show: retry next round
                failed.append((logical_id, error))
            else:
                resource_map._parsed_resources.pop(logical_id)
        if len(failed) == len(pending):
            raise failed[-1][1]
        pending = [logical_id for logical_id, _ in failed]


def _stack_delete_like_cloudformation() -> None:
    resource_map_class = _moto("moto.cloudformation.parsing", "ResourceMap")
    original_getitem = _original(resource_map_class, "__getitem__")

    def delete(self: Any) -> None:
        self.labkit_deleting = True
        try:
            _delete_resources(self)
        finally:
            # only what could not be deleted still belongs to the stack
            self._resource_json_map = {
                logical_id: resource
                for logical_id, resource in self._resource_json_map.items()
                if logical_id in self._parsed_resources
            }

    @functools.wraps(original_getitem)
    def getitem(self: Any, key: str) -> Any:
        if getattr(self, "labkit_deleting", False) and key not in self._parsed_resources:
            return None  # moto would create a deleted resource again just to describe its stack
        return original_getitem(self, key)

    _replace(resource_map_class, "delete", delete)
    _replace(resource_map_class, "__getitem__", getitem)


def _stack_outputs_after_change_set() -> None:
    backend_class = _moto("moto.cloudformation.models", "CloudFormationBackend")
    original = _original(backend_class, "execute_change_set")

    @functools.wraps(original)
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        original(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        # moto built the stack's outputs from the empty template the change set started with
        stack.template_dict = change_set.template_dict
        stack.description = change_set.template_dict.get("Description")
        stack.output_map = stack._create_output_map()

    _replace(backend_class, "execute_change_set", execute_change_set)


def _failed_stack_delete_is_reported() -> None:
    backend_class = _moto("moto.cloudformation.models", "CloudFormationBackend")
    original = _original(backend_class, "delete_stack")

    @functools.wraps(original)
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id)
        if stack is None:  # by name: moto looks the id up and calls delete_stack(stack_id) again
            original(self, name_or_stack_id)
            return
        try:
            original(self, name_or_stack_id)
        except Exception as error:  # whatever a resource raised is the stack's failure reason
            # moto removed the stack before deleting its resources: keep it, failed, with what remains
            self.stacks[stack.stack_id] = stack
            self.deleted_stacks.pop(stack.stack_id, None)
            stack.status = "DELETE_FAILED"
            stack._add_stack_event("DELETE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")

    _replace(backend_class, "delete_stack", delete_stack)


# -- Scheduler, Step Functions, Lambda, S3 -----------------------------------------------------------
def _scheduler(account_id: str, region_name: str) -> Any:
    return _moto("moto.scheduler.models", "scheduler_backends")[account_id][region_name]


def _epoch(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


def _scheduler_schedule_in_cloudformation() -> None:
    parsing = importlib.import_module("moto.cloudformation.parsing")
    base: Any = _moto("moto.core.common_models", "CloudFormationModel")

    class CfnSchedule(base):  # type: ignore[misc]
        """AWS::Scheduler::Schedule, created in moto's own Scheduler backend so its API shows it."""

        def __init__(self, schedule: Any) -> None:
            self.schedule = schedule

        @property
        def physical_resource_id(self) -> str:
            return str(self.schedule.name)

        @staticmethod
        def cloudformation_name_type() -> str:
            return "Name"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Scheduler::Schedule"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return str(self.schedule.arn)

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kw: Any,
        ) -> CfnSchedule:
            properties = cloudformation_json["Properties"]
            schedule = _scheduler(account_id, region_name).create_schedule(
                description=properties.get("Description"),
                end_date=_epoch(properties.get("EndDate")),
                flexible_time_window=properties["FlexibleTimeWindow"],
                group_name=properties.get("GroupName"),
                kms_key_arn=properties.get("KmsKeyArn"),
                name=resource_name,
                schedule_expression=properties["ScheduleExpression"],
                schedule_expression_timezone=properties.get("ScheduleExpressionTimezone"),
                start_date=_epoch(properties.get("StartDate")),
                state=properties.get("State"),
                target=properties["Target"],
                action_after_completion=None,
            )
            return cls(schedule)

        @classmethod
        def delete_from_cloudformation_json(
            cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
        ) -> None:
            group = cloudformation_json.get("Properties", {}).get("GroupName")
            _scheduler(account_id, region_name).delete_schedule(group, resource_name)

        def delete(self, account_id: str, region_name: str) -> None:
            _scheduler(account_id, region_name).delete_schedule(self.schedule.group_name, self.schedule.name)

        def is_created(self) -> bool:
            return True

    # moto finds CloudFormation models through CloudFormationModel.__subclasses__(), cached on first use
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if parsing.get_model_map().get("AWS::Scheduler::Schedule") is not CfnSchedule:
        raise ParityError("moto did not register the AWS::Scheduler::Schedule model")


def _cloudformation_state_machine_in_api_backend() -> None:
    state_machine_class = _moto("moto.stepfunctions.models", "StateMachine")
    cfn_to_api_tags = _moto("moto.stepfunctions.utils", "cfn_to_api_tags")

    def backend(account_id: str, region_name: str) -> Any:
        # the backend the Step Functions API itself answers from (the executing one, with our config)
        return _moto("moto.stepfunctions.responses", "get_backend")(account_id, region_name)

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        properties = template["Properties"]
        return backend(account_id, region).create_state_machine(
            properties.get("StateMachineName", name),
            properties.get("DefinitionString", ""),
            properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])),
        )

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        backend(account_id, region).delete_state_machine(name)

    def update(
        cls: Any,
        *,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        properties = cloudformation_json.get("Properties", {})
        states = backend(account_id, region_name)
        if properties.get("StateMachineName", original_resource.name) != original_resource.name:
            replacement = create(cls, new_resource_name, cloudformation_json, account_id, region_name)
            states.delete_state_machine(original_resource.arn)
            return replacement
        return states.update_state_machine(
            original_resource.arn,
            definition=properties.get("DefinitionString"),
            role_arn=properties.get("RoleArn"),
        )

    _replace_classmethod(state_machine_class, "create_from_cloudformation_json", create)
    _replace_classmethod(state_machine_class, "delete_from_cloudformation_json", delete)
    _replace_classmethod(state_machine_class, "update_from_cloudformation_json", update)


def _lambda_logs_to_configured_log_group() -> None:
    function_class = _moto("moto.awslambda.models", "LambdaFunction")
    original_init = _original(function_class, "__init__")
    original_create = _original(function_class, "create_from_cloudformation_json")
    original_configuration = _original(function_class, "get_configuration")

    def use_log_group(function: Any, logging_config: dict[str, Any] | None) -> None:
        function.labkit_logging_config = logging_config
        if logging_config and logging_config.get("LogGroup"):
            function.logs_group_name = logging_config["LogGroup"]

    @functools.wraps(original_init)
    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        use_log_group(self, spec.get("LoggingConfig"))

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        use_log_group(function, template["Properties"].get("LoggingConfig"))
        return function

    @functools.wraps(original_configuration)
    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self, *args, **kwargs)
        configuration["LoggingConfig"] = {
            "LogFormat": "Text",
            "LogGroup": self.logs_group_name,
            **(getattr(self, "labkit_logging_config", None) or {}),
        }
        return configuration

    _replace(function_class, "__init__", init)
    _replace_classmethod(function_class, "create_from_cloudformation_json", create)
    _replace(function_class, "get_configuration", get_configuration)


def _non_empty_bucket_delete_fails() -> None:
    bucket_class = _moto("moto.s3.models", "FakeBucket")
    bucket_not_empty = _moto("moto.s3.exceptions", "BucketNotEmpty")
    get_partition = _moto("moto.utilities.utils", "get_partition")

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        s3 = _moto("moto.s3.models", "s3_backends")[account_id][get_partition(region)]
        if s3.get_bucket(name).keys:
            raise bucket_not_empty(name)
        s3.delete_bucket(name)

    _replace_classmethod(bucket_class, "delete_from_cloudformation_json", delete)


# -- DynamoDB Streams ----------------------------------------------------------------------------------
def _stream_records_outlive_their_consumers() -> None:
    shard_class = _moto("moto.dynamodb.models.table", "StreamShard")
    stream_record = _moto("moto.dynamodb.models.table", "StreamRecord")
    get_backend = _moto("moto.awslambda.utils", "get_backend")

    def add(self: Any, old: Any, new: Any) -> None:
        view = self.table.stream_specification["StreamViewType"]
        event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        sequence = len(self.items) + self.starting_sequence_number
        self.items.append(stream_record(self.table, view, event, old, new, sequence))
        for function_arn, mapping in self.table.lambda_event_source_mappings.items():
            # a consumer neither fails the write nor takes records out of the stream
            with contextlib.suppress(Exception):
                get_backend(self.account_id, function_arn.split(":")[3]).send_dynamodb_items(
                    function_arn, self.items[-1:], mapping.event_source_arn
                )

    _replace(shard_class, "add", add)


PARITY_FIXES: tuple[ParityFix, ...] = (
    ParityFix(
        "primary network interface deleted on termination",
        "keeps the network interface of a terminated instance, so its VPC can never be deleted",
        "deletes a primary interface that the launch created when the instance terminates",
        _primary_eni_deleted_on_termination,
    ),
    ParityFix(
        "CloudFormation applies the EC2 properties the labs set",
        "ignores an instance's SecurityGroupIds, a volume's Encrypted, VolumeType and Tags, and an "
        "Elastic IP's Tags",
        "creates the instance in its security group, the volume encrypted as gp3, both tagged",
        _cloudformation_ec2_properties,
    ),
    ParityFix(
        "CloudFormation deletes the EC2 resources it created",
        "leaves Elastic IPs, volumes, volume attachments, routes, route tables, subnet associations, "
        "internet gateways and their attachments behind when their stack is deleted",
        "deletes every resource of a deleted stack (DependencyViolation until its dependents are gone)",
        _cloudformation_deletes_ec2_resources,
    ),
    ParityFix(
        "stack deletion in dependency order",
        "deletes a stack's resources in arbitrary order, and creates deleted ones again when the stack "
        "is described afterwards",
        "deletes each resource before the resources it references, and never re-creates one",
        _stack_delete_like_cloudformation,
    ),
    ParityFix(
        "failed stack delete reported as DELETE_FAILED",
        "drops the stack record when a resource cannot be deleted, hiding the resources left behind",
        "keeps the stack in DELETE_FAILED with the resources it could not delete and the reason",
        _failed_stack_delete_is_reported,
    ),
    ParityFix(
        "stack outputs after a change set",
        "returns no Outputs for a stack created through a change set (how the CDK CLI deploys)",
        "returns the template's Outputs once the change set has run",
        _stack_outputs_after_change_set,
    ),
    ParityFix(
        "AWS::Scheduler::Schedule in CloudFormation",
        "has no CloudFormation model for schedules and skips the lab's expiry schedule",
        "creates the schedule (visible through the Scheduler API) and deletes it with the stack",
        _scheduler_schedule_in_cloudformation,
    ),
    ParityFix(
        "CloudFormation state machines visible to Step Functions",
        "creates CloudFormation's state machines in a backend that its executing Step Functions API "
        "does not read",
        "has one Step Functions service: a stack's state machine can be listed and executed",
        _cloudformation_state_machine_in_api_backend,
    ),
    ParityFix(
        "Lambda logs to its configured log group",
        "ignores a function's LoggingConfig and creates /aws/lambda/<name> when it is invoked, a log "
        "group no stack deletes",
        "writes to LoggingConfig.LogGroup (the stack's own log group) and reports it in the configuration",
        _lambda_logs_to_configured_log_group,
    ),
    ParityFix(
        "stream records outlive their consumers",
        "empties a table's stream once it handed the records to an event source mapping (then reuses their "
        "sequence numbers), and fails the write itself when that delivery fails (e.g. a binary attribute)",
        "keeps every stream record readable for 24 hours whoever consumed it, and never fails a write "
        "because of a consumer",
        _stream_records_outlive_their_consumers,
    ),
    ParityFix(
        "non-empty bucket delete fails",
        "silently keeps a non-empty bucket when its stack is deleted, and reports the delete complete",
        "fails the bucket's deletion (BucketNotEmpty), so the stack ends DELETE_FAILED",
        _non_empty_bucket_delete_fails,
    ),
)

EMULATOR_GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Lambda code does not run",
        "without a container runtime moto answers invocations with a canned reply: no handler runs",
    ),
    EmulatorGap(
        "custom resources do not run",
        "moto marks a custom resource created without running it and runs nothing on delete",
    ),
    EmulatorGap(
        "no bucket or queue policies",
        "moto has no CloudFormation model for AWS::S3::BucketPolicy or AWS::SQS::QueuePolicy (and would "
        "ignore their TLS condition): the TLS-only policies do not exist here",
    ),
    EmulatorGap(
        "no scheduled actions fire",
        "the expiry schedule is created but moto never invokes a schedule's target",
    ),
    EmulatorGap(
        "no network",
        "instances run no code and their addresses are not on any network: nothing can be pinged",
    ),
)


def check_moto_version() -> None:
    installed = importlib.metadata.version("moto")
    if installed != MOTO_VERSION:
        raise ParityError(
            f"the emulator's parity fixes patch moto {MOTO_VERSION} internals, but moto {installed} is "
            "installed: run `make setup` to install the pinned version"
        )


def apply_all() -> tuple[ParityFix, ...]:
    """Apply every fix once, in this process; returns the fixes applied."""
    check_moto_version()
    for fix in PARITY_FIXES:
        fix.apply()
    return PARITY_FIXES
