"""`labkit cost`: each lab's hourly cost from its synthesized template, beside the lab on CDK's defaults."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from labs.cost.calculator import TemplateCost, price_template
from labs.cost.goals import MIN_RATIO_TO_CDK_DEFAULTS, WITHIN_CHEAPEST, LabCost, lab_cost
from labs.cost.prices import CostError, PriceTable, load_prices
from labs.cost.synth_options import add_assembly_argument
from labs.markdown import markdown_table
from labs.outcomes import ExitStatus
from labs.registry import lab, lab_argument
from labs.settings import DEFAULT_TTL_HOURS

if TYPE_CHECKING:
    from labs.cost.synth import SynthesizedLabs

HELP = "price each lab per hour from its synthesized template, beside the same lab built on CDK's defaults"

Row = tuple[str, ...]
SUMMARY_HEADERS: Row = (
    "Lab",
    "Kit $/h",
    f"Kit $ per {DEFAULT_TTL_HOURS:g} h lab (default TTL)",
    "Cheapest workable $/h",
    "CDK defaults $/h",
    "CDK defaults ÷ kit",
    "Goal met",
)
LINE_HEADERS: Row = ("Lab", "Resource", "What", "Qty", "$/h")
NUMERIC_COLUMNS = frozenset(
    {"Kit $/h", "Cheapest workable $/h", "CDK defaults $/h", "CDK defaults ÷ kit", "Qty", "$/h"}
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit cost`."""
    parser.add_argument(
        "labs", nargs="*", type=lab_argument, metavar="LAB", help="only these labs (default: every lab)"
    )
    add_assembly_argument(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--markdown", action="store_true", help="print the tables as Markdown (for the README)"
    )
    output.add_argument("--json", action="store_true", help="print the figures and line items as JSON")
    parser.add_argument(
        "--cdk-defaults-lines",
        action="store_true",
        help="also list the line items of the labs built on CDK's defaults",
    )


def run(args: argparse.Namespace) -> int:
    """Synthesize the labs, price them and print the tables (or Markdown, or JSON); the exit status."""
    # the CDK import and synth take seconds: only `labkit cost` pays for them
    from labs.cost.synth import AssemblyError, synthesize_labs

    prices = load_prices()
    try:
        labs = synthesize_labs(with_cdk_defaults=True, only=tuple(args.labs), assembly=args.app)
        costs = price_labs(labs, prices)
    except (CostError, AssemblyError) as error:
        print(f"labkit cost: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    if args.json:
        print(json.dumps(as_json(costs, prices), indent=2))
    elif args.markdown:
        print(as_markdown(costs, prices, with_cdk_defaults_lines=args.cdk_defaults_lines))
    else:
        print_tables(costs, prices, with_cdk_defaults_lines=args.cdk_defaults_lines)
    return ExitStatus.of(all(cost.goal_met for cost in costs))


def price_labs(labs: SynthesizedLabs, prices: PriceTable) -> list[LabCost]:
    """Each synthesized lab's cost, with the same lab on CDK's defaults."""
    return [
        lab_cost(
            lab_id,
            kit=price_template(template, prices),
            cdk_defaults=price_template(labs.cdk_defaults[lab_id], prices),
            prices=prices,
        )
        for lab_id, template in labs.kit.items()
    ]


def summary_rows(costs: Sequence[LabCost]) -> list[Row]:
    """The summary table's rows: one per lab."""
    return [
        (
            cost.lab_id,
            _usd(cost.kit.usd_per_hour),
            _usd(cost.kit.usd_per_hour * DEFAULT_TTL_HOURS, places=3),
            "—" if cost.cheapest_usd_per_hour is None else _usd(cost.cheapest_usd_per_hour),
            _usd(cost.cdk_defaults.usd_per_hour),
            _idle_ratio(cost) if cost.ratio is None else f"{cost.ratio:.1f}×",
            cost.verdict(),
        )
        for cost in costs
    ]


def _idle_ratio(cost: LabCost) -> str:
    """The ratio column of a lab that costs nothing while idle."""
    return "n/a (both $0 idle)" if cost.cdk_defaults.usd_per_hour == 0 else "n/a (the kit's $0 idle)"


def line_rows(costs: Sequence[LabCost], *, cdk_defaults: bool = False) -> list[Row]:
    """The line-item table's rows, of the kit's labs or of their CDK-default twins."""
    rows: list[Row] = []
    for cost in costs:
        priced: TemplateCost = cost.cdk_defaults if cdk_defaults else cost.kit
        rows += [
            (cost.lab_id, item.logical_id, item.what, f"{item.quantity:g}", _usd(item.usd_per_hour))
            for item in priced.items
        ]
        if priced.has_spot:
            rows.append(
                (
                    cost.lab_id,
                    "—",
                    "for comparison, not counted: the same lab with its Spot instances on-demand",
                    "",
                    _usd(priced.on_demand_usd_per_hour),
                )
            )
        if priced.at_most_usd_per_hour > priced.usd_per_hour:
            rows.append(
                (
                    cost.lab_id,
                    "—",
                    "at most, not counted: during an interruption capacity rebalancing runs the replacement "
                    "beside the warned instance (the group at its maximum)",
                    "",
                    _usd(priced.at_most_usd_per_hour),
                )
            )
        rows += [
            (
                cost.lab_id,
                run.logical_id,
                f"per run, not per hour: {run.what}, ${run.usd_per_run:.2f}",
                "",
                "",
            )
            for run in priced.per_run
        ]
        if priced.usage_based:
            rows.append(
                (cost.lab_id, "—", f"usage-based, $0 while idle: {priced.usage_summary()}", "", _usd(0))
            )
    return rows


def price_note(prices: PriceTable) -> str:
    """The note under the tables: the goal and where the prices come from."""
    return (
        f"Goal: within {WITHIN_CHEAPEST:.0%} of the cheapest setup that still meets the lab, and at least "
        f"{MIN_RATIO_TO_CDK_DEFAULTS:g}× cheaper than the same lab on CDK's defaults "
        "(2 AZs, a NAT gateway in each). "
        f"Prices: {prices.region} on-demand list prices as of {prices.as_of}, "
        f"{prices.hours_per_month:g} h a month (labs/cost/prices.json). {prices.source} "
        f"Spot: {prices.spot_source} ({prices.spot_as_of}) Storage: {prices.storage_source}"
    )


def print_tables(costs: Sequence[LabCost], prices: PriceTable, *, with_cdk_defaults_lines: bool) -> None:
    """Print the cost tables on the console."""
    console = Console()
    console.print(
        _rich_table(
            f"Cost per lab-hour ({prices.region}, prices of {prices.as_of})",
            SUMMARY_HEADERS,
            summary_rows(costs),
        )
    )
    console.print(_rich_table("How the kit's figures are made", LINE_HEADERS, line_rows(costs)))
    if with_cdk_defaults_lines:
        lines = line_rows(costs, cdk_defaults=True)
        console.print(_rich_table("The same labs on CDK's defaults", LINE_HEADERS, lines))
    console.print(price_note(prices), style="dim")


def as_markdown(costs: Sequence[LabCost], prices: PriceTable, *, with_cdk_defaults_lines: bool) -> str:
    """The cost tables as Markdown, for the README."""
    parts = [
        _markdown_table(SUMMARY_HEADERS, summary_rows(costs)),
        "How the kit's figures are made:",
        _markdown_table(LINE_HEADERS, line_rows(costs)),
    ]
    if with_cdk_defaults_lines:
        parts += [
            "The same labs on CDK's defaults:",
            _markdown_table(LINE_HEADERS, line_rows(costs, cdk_defaults=True)),
        ]
    return "\n\n".join([*parts, price_note(prices)])


def as_json(costs: Sequence[LabCost], prices: PriceTable) -> dict[str, Any]:
    """The costs and the prices used, as JSON."""
    return {
        "prices": {
            "as_of": prices.as_of,
            "region": prices.region,
            "source": prices.source,
            "spot_as_of": prices.spot_as_of,
            "spot_source": prices.spot_source,
        },
        "lab_session_hours": DEFAULT_TTL_HOURS,
        "labs": [
            {
                "lab": cost.lab_id,
                "kit_usd_per_hour": cost.kit.usd_per_hour,
                "kit_on_demand_usd_per_hour": cost.kit.on_demand_usd_per_hour,
                "kit_at_most_usd_per_hour": cost.kit.at_most_usd_per_hour,
                "kit_usd_per_run": {run.logical_id: run.usd_per_run for run in cost.kit.per_run},
                "cheapest_usd_per_hour": cost.cheapest_usd_per_hour,
                "cheapest_setup": lab(cost.lab_id).cheapest.description,
                "cdk_defaults_usd_per_hour": cost.cdk_defaults.usd_per_hour,
                "ratio": cost.ratio,
                "goal_met": cost.goal_met,
                "kit": _cost_json(cost.kit),
                "cdk_defaults": _cost_json(cost.cdk_defaults),
            }
            for cost in costs
        ],
    }


def _cost_json(cost: TemplateCost) -> dict[str, Any]:
    return {
        "items": [
            {"resource": i.logical_id, "what": i.what, "quantity": i.quantity, "usd_per_hour": i.usd_per_hour}
            for i in cost.items
        ],
        "usage_based": [{"resource": u.logical_id, "type": u.resource_type} for u in cost.usage_based],
    }


def _usd(amount: float, *, places: int = 5) -> str:
    return "$0" if amount == 0 else f"${amount:.{places}f}"


def _rich_table(title: str, headers: Row, rows: Sequence[Row]) -> Table:
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header, justify="right" if _numeric(header) else "left")
    for row in rows:
        table.add_row(*row)
    return table


def _markdown_table(headers: Row, rows: Sequence[Row]) -> str:
    return markdown_table(headers, rows, right_aligned={header for header in headers if _numeric(header)})


def _numeric(header: str) -> bool:
    return header in NUMERIC_COLUMNS or header.startswith("Kit $ per")
