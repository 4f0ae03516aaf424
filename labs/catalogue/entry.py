"""One entry per CloudFormation resource type: what `labkit cost`, `preflight`, `leftovers` and the spend
guard need of it, in one `ResourceType(...)` value in the module of its AWS service (labs/catalogue/ec2.py
holds AWS::EC2::Instance, ::Volume, ...). Lookups go through labs/catalogue/__init__.py: a type without an
entry is named as unknown by every tool, never priced at $0 or skipped.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from labs.cost.items import LineItem, PerRun, RunningResource
    from labs.cost.prices import PriceTable
    from labs.cost.template_values import Machines

Properties = Mapping[str, Any]
# the catalogue's folder, named in every "add an entry" message
CATALOGUE_DIR = "labs/catalogue/"


class Pricing(Protocol):
    """What a price rule may ask of the template being priced (labs/cost/calculator.py answers)."""

    @property
    def prices(self) -> PriceTable:
        """The price table."""
        ...

    def machines(self, logical_id: str) -> Machines:
        """The instances an instance or Auto Scaling group resource runs."""
        ...

    def elastic_ip_target(self, logical_id: str) -> str | None:
        """The instance or NAT gateway an Elastic IP serves, None when idle."""
        ...

    def of_type(self, resource_type: str) -> dict[str, Properties]:
        """Logical id -> properties of the template's resources of a type."""
        ...


PriceRule = Callable[[Pricing, str, Properties], Iterable["LineItem"]]
# what each use of it costs (an FIS experiment run), never counted in the hourly figure
PerRunRule = Callable[[Pricing, str, Properties], Iterable["PerRun"]]


@dataclass(frozen=True)
class Free:
    """AWS bills nothing for it by itself (plumbing, permissions, wiring between resources)."""


@dataclass(frozen=True)
class ByUse:
    """$0 while idle: billed per request, per GB stored or per execution; `per_run` prices one use."""

    per_run: PerRunRule | None = None


@dataclass(frozen=True)
class Hourly:
    """Billed by the hour while it exists: `rule` yields its line items (none: free as configured)."""

    rule: PriceRule
    # these properties make it bill by use instead (a DynamoDB table on demand)
    by_use_when: Callable[[Properties], bool] | None = None


Price = Free | ByUse | Hourly


@dataclass(frozen=True)
class RegionReach:
    """One region of one account, as a running scan sees it: `client("ec2")` answers there."""

    name: str
    client: Callable[[str], Any]


# (the region, the price table) -> what of the type runs there and bills by the hour, priced
RunningScan = Callable[[RegionReach, "PriceTable"], Iterable["RunningResource"]]


@dataclass(frozen=True, kw_only=True)
class Running:
    """How the spend guard finds what of this type runs and bills by the hour, one region at a time."""

    # what the scan sees, in the guard's words ("EC2 instances, on-demand and Spot")
    sees: str
    # the API it reads, named when that API refuses ("ec2:DescribeInstances")
    reads: str
    scan: RunningScan
    # the AWS CLI command that stops one ({id}: its identifier as the scan gives it); "" for none
    stop: str = ""


@dataclass(frozen=True, kw_only=True)
class Leftovers:
    """How `labkit leftovers` finds the type's resources once their stack is gone, or why it need not."""

    # the Resource Groups Tagging API lists it: the `service:kind` its ARNs start with ("ec2:instance", "s3:")
    tag_arn: str = ""
    # the EC2 scan judges it together with the VPCs and instances it belongs to (labs/leftovers/ec2.py)
    ec2_scan: bool = False
    # lists its names (session -> names), matched against CloudFormation's `<stack name>-...`
    names: Callable[[Any], Iterable[str]] | None = None
    # where a stack's name sits in those names (a log group: after /aws/lambda/, ...)
    name_prefixes: tuple[str, ...] = ("",)
    lower_case_names: bool = False
    # does a resource a DELETE_FAILED stack still lists exist? (session, physical id) -> it, or None when gone
    exists: Callable[[Any, str], Any] | None = None
    # what its service answers for one that is gone
    gone_codes: frozenset[str] = frozenset()
    # not searched: why nothing of it outlives its stack or bills alone, in words
    goes_with: str = ""

    @property
    def searched(self) -> bool:
        """Whether leftovers looks for it at all."""
        return bool(self.tag_arn or self.ec2_scan or self.names)


@dataclass(frozen=True)
class QuotaUse:
    """The service quota one resource of the type counts against (Service Quotas' codes)."""

    service_code: str
    quota_code: str
    # one per resource, or the vCPUs of the instances it runs
    counts: Literal["resources", "vcpus"] = "resources"


@dataclass(frozen=True, kw_only=True)
class ResourceType:
    """Everything the kit's tools know of one CloudFormation resource type."""

    cfn_type: str
    price: Price
    # the API calls CloudFormation makes to create, update and delete it (the handlers' permissions in its
    # resource schema, cut to the properties the kit uses); None: not listed, so preflight cannot simulate it
    deploy_actions: tuple[str, ...] | None
    leftovers: Leftovers
    # CloudFormation gives it the stack's tags (False: it may come without them, on AWS or the emulator)
    tagged: bool = True
    # what AWS creates beside it without the stack's tags (an instance's root volume and network interface)
    untagged_companions: tuple[str, ...] = ()
    quota: QuotaUse | None = None
    running: Running | None = None

    def __post_init__(self) -> None:
        if not (self.leftovers.searched or self.leftovers.goes_with):
            raise ValueError(f"{self.cfn_type}: say how leftovers finds it, or why it need not (goes_with)")


class UnknownResourceTypeError(LookupError):
    """A resource type the catalogue has no entry for: every tool names it instead of guessing."""

    def __init__(self, cfn_type: str) -> None:
        self.cfn_type = cfn_type
        super().__init__(
            f"{cfn_type} is not in the kit's catalogue of resource types: add its entry to "
            f"{CATALOGUE_DIR}{service_module(cfn_type)}.py"
        )


def service_module(cfn_type: str) -> str:
    """The catalogue module a type's entry belongs in: its AWS service in lower case (`awslambda` for
    Lambda, whose name is a Python keyword)."""
    parts = cfn_type.split("::")
    service = parts[1].lower() if len(parts) == 3 else "cloudformation"
    return f"aws{service}" if keyword.iskeyword(service) else service
