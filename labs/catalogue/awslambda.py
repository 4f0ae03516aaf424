"""AWS Lambda's types: functions (billed by use), and the versions and aliases that keep environments
provisioned (billed by the hour, invoked or not)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import ByUse, Free, Hourly, Leftovers, QuotaUse, ResourceType, Running
from labs.catalogue.reading import names, pages, probe
from labs.cost.items import LineItem, RunningResource, line_item
from labs.cost.prices import CostError, PriceTable
from labs.cost.template_values import literal_int, referenced_id

if TYPE_CHECKING:
    from labs.catalogue.entry import Pricing, Properties, RegionReach

FUNCTION_TYPE = "AWS::Lambda::Function"


def _price_provisioned(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    """An alias or version is free, unless it keeps environments provisioned."""
    config = props.get("ProvisionedConcurrencyConfig") or {}
    where = f"{logical_id} ProvisionedConcurrencyConfig"
    environments = literal_int(config.get("ProvisionedConcurrentExecutions", 0), where=where)
    if not environments:
        return
    function = pricing.of_type(FUNCTION_TYPE).get(referenced_id(props.get("FunctionName")) or "")
    if function is None:
        raise CostError(f"{where}: its function is not in the template, so its memory is unknown")
    memory_mb = literal_int(function.get("MemorySize", 128), where=f"{logical_id}'s function MemorySize")
    architecture = (function.get("Architectures") or ["x86_64"])[0]
    unit = pricing.prices.provisioned_concurrency(memory_mb=memory_mb, architecture=architecture, where=where)
    what = f"Lambda provisioned concurrency ({memory_mb} MB, {architecture}), billed invoked or not"
    yield line_item(logical_id, what, environments, unit)


def _running_provisioned(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Every alias's and version's provisioned environments, billed for what is configured."""
    client = region.client("lambda")
    for function in pages(client, "list_functions", "Functions"):
        name = function["FunctionName"]
        configs = list(
            pages(
                client,
                "list_provisioned_concurrency_configs",
                "ProvisionedConcurrencyConfigs",
                FunctionName=name,
            )
        )
        if not configs:
            continue
        memory_mb = int(function.get("MemorySize", 128))
        architecture = (function.get("Architectures") or ["x86_64"])[0]
        found_tags = client.list_tags(Resource=function["FunctionArn"]).get("Tags", {})
        for config in configs:
            qualifier = str(config.get("FunctionArn", "")).rsplit(":", 1)[-1]
            environments = int(config.get("RequestedProvisionedConcurrentExecutions", 0))
            try:
                usd: float | None = prices.provisioned_concurrency(
                    memory_mb=memory_mb, environments=environments, architecture=architecture
                )
                note = ""
            except CostError as error:
                usd, note = None, str(error)
            yield RunningResource(
                resource_type=VERSION.cfn_type if qualifier.isdigit() else ALIAS.cfn_type,
                identifier=f"{name}:{qualifier}",
                what=f"Lambda provisioned concurrency: {environments} x {memory_mb} MB {architecture}",
                usd_per_hour=usd,
                since=None,
                tags=dict(found_tags),
                attached_to=name,
                note=note,
                region=region.name,
            )


FUNCTION = ResourceType(
    cfn_type=FUNCTION_TYPE,
    price=ByUse(),
    deploy_actions=(
        "lambda:CreateFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetLayerVersion",
        "lambda:TagResource",
        "lambda:InvokeFunction",
        "iam:PassRole",
        "s3:GetObject",
        # a function in a VPC that mounts a file system (LabEfs): Lambda checks its network and mount targets
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "elasticfilesystem:DescribeMountTargets",
    ),
    leftovers=Leftovers(
        tag_arn="lambda:function",
        names=names("lambda", "list_functions", "Functions", "FunctionName"),
        exists=probe("lambda", "get_function", "FunctionName"),
    ),
    # each function may run once per learner at the same time
    quota=QuotaUse("lambda", "L-B99A9384"),
)
VERSION = ResourceType(
    cfn_type="AWS::Lambda::Version",
    price=Hourly(_price_provisioned),
    deploy_actions=(
        "lambda:PublishVersion",
        "lambda:GetFunctionConfiguration",
        "lambda:ListVersionsByFunction",
        "lambda:DeleteFunction",
    ),
    leftovers=Leftovers(goes_with="a version of its function, deleted with it"),
    tagged=False,
)
ALIAS = ResourceType(
    cfn_type="AWS::Lambda::Alias",
    price=Hourly(_price_provisioned),
    deploy_actions=(
        "lambda:CreateAlias",
        "lambda:UpdateAlias",
        "lambda:DeleteAlias",
        "lambda:GetAlias",
        "lambda:PutProvisionedConcurrencyConfig",
        "lambda:GetProvisionedConcurrencyConfig",
        "lambda:DeleteProvisionedConcurrencyConfig",
    ),
    leftovers=Leftovers(goes_with="an alias of its function, deleted with it"),
    tagged=False,
    running=Running(
        sees="Lambda provisioned concurrency, on aliases and versions",
        reads="lambda:ListProvisionedConcurrencyConfigs",
        scan=_running_provisioned,
    ),
)
EVENT_SOURCE_MAPPING = ResourceType(
    cfn_type="AWS::Lambda::EventSourceMapping",
    price=Free(),
    deploy_actions=(
        "lambda:CreateEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
        "lambda:DeleteEventSourceMapping",
        "lambda:GetEventSourceMapping",
    ),
    leftovers=Leftovers(
        tag_arn="lambda:event-source-mapping", exists=probe("lambda", "get_event_source_mapping", "UUID")
    ),
)
PERMISSION = ResourceType(
    cfn_type="AWS::Lambda::Permission",
    price=Free(),
    # its resource schema's read and list handlers call GetPolicy (the Spot lab's rule invoking its filter)
    deploy_actions=("lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"),
    leftovers=Leftovers(goes_with="a statement of its function's policy, deleted with it"),
    tagged=False,
)
EVENT_INVOKE_CONFIG = ResourceType(
    cfn_type="AWS::Lambda::EventInvokeConfig",
    price=Free(),
    deploy_actions=(
        "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionEventInvokeConfig",
        "lambda:DeleteFunctionEventInvokeConfig",
        "lambda:GetFunctionEventInvokeConfig",
    ),
    leftovers=Leftovers(goes_with="a setting of its function, deleted with it"),
    tagged=False,
)
LAYER_VERSION = ResourceType(
    cfn_type="AWS::Lambda::LayerVersion",
    price=ByUse(),
    deploy_actions=(
        "lambda:PublishLayerVersion",
        "lambda:DeleteLayerVersion",
        "lambda:GetLayerVersion",
        "s3:GetObject",
    ),
    leftovers=Leftovers(names=names("lambda", "list_layers", "Layers", "LayerName")),
    tagged=False,
)
