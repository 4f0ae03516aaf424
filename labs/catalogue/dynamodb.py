"""Amazon DynamoDB's table: billed by use on demand, by the hour with provisioned capacity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from labs.catalogue.entry import Hourly, Leftovers, ResourceType
from labs.catalogue.reading import probe
from labs.cost.items import LineItem, line_item
from labs.cost.template_values import literal_int

if TYPE_CHECKING:
    from typing import Any

    from labs.catalogue.entry import Pricing, Properties

ON_DEMAND = "PAY_PER_REQUEST"


def _on_demand(props: Properties) -> bool:
    return props.get("BillingMode") == ON_DEMAND


def _price_provisioned(pricing: Pricing, logical_id: str, props: Properties) -> Iterator[LineItem]:
    if _on_demand(props):
        return
    throughputs = [props.get("ProvisionedThroughput", {})]
    throughputs += [
        index.get("ProvisionedThroughput", {}) for index in props.get("GlobalSecondaryIndexes", [])
    ]
    where = f"{logical_id} ProvisionedThroughput"
    reads = sum(literal_int(t.get("ReadCapacityUnits", 0), where=where) for t in throughputs)
    writes = sum(literal_int(t.get("WriteCapacityUnits", 0), where=where) for t in throughputs)
    prices = pricing.prices
    yield line_item(
        logical_id, "DynamoDB read capacity units", reads, prices.hourly("dynamodb_read_capacity_unit")
    )
    yield line_item(
        logical_id, "DynamoDB write capacity units", writes, prices.hourly("dynamodb_write_capacity_unit")
    )


def _table_names(session: Any) -> list[str]:
    return [
        n
        for page in session.client("dynamodb").get_paginator("list_tables").paginate()
        for n in page["TableNames"]
    ]


TABLE = ResourceType(
    cfn_type="AWS::DynamoDB::Table",
    price=Hourly(_price_provisioned, by_use_when=_on_demand),
    deploy_actions=(
        "dynamodb:CreateTable",
        "dynamodb:UpdateTable",
        "dynamodb:DeleteTable",
        "dynamodb:DescribeTable",
        "dynamodb:TagResource",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:DescribeContinuousBackups",
    ),
    leftovers=Leftovers(
        tag_arn="dynamodb:table", names=_table_names, exists=probe("dynamodb", "describe_table", "TableName")
    ),
)
