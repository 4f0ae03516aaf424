"""What a lab folder declares about itself, in one `LAB = Lab(...)` value in `labs/<lab>/lab.py`.

The tooling (app.py, `labkit check`, `exercise`, `cost`, `preflight`, `leftovers`, `demo`, `class`) reads a
lab only through this descriptor, found by the registry (labs/registry.py): adding a lab is adding a folder.
A lab folder holds, by convention:

- `spec.py`   the lab's CDK-free facts (sizes, sample input, hands-on steps), shared by stack and check;
- `stack.py`  the stack class named by `stack_class`;
- `check.py`  a function `check(session, *, stack_name, on_emulator, waiter, **check options) -> CheckReport`;
- `lab.py`    this descriptor;
- optional: `baseline.py` (the lab rebuilt on CDK's defaults, named by `cdk_defaults_class`, for `labkit
  cost`), `starter.py.tmpl` (the exercise starter, when `starter.template` points at it) and a `labkit`
  command of the lab's own (`commands`: its name -> a module of the folder with HELP, add_arguments, run).

Importing this module costs nothing: no CDK, no boto3.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from labs.checks.options import CheckOption
from labs.constructs.function_facts import CodeSource

if TYPE_CHECKING:
    from aws_cdk import Stack

    from labs.checks.report import CheckReport
    from labs.cost.prices import PriceTable

# check(session, *, stack_name, on_emulator, waiter=None, **the lab's own check options) -> CheckReport
LabCheck = Callable[..., "CheckReport"]
STACK_MODULE = "stack"
CHECK_MODULE = "check"
BASELINE_MODULE = "baseline"
# the exercise starters that every lab of a kind shares (a lab may bring its own template instead)
SHARED_TEMPLATES = Path(__file__).resolve().parent / "exercises" / "templates"


@dataclass(frozen=True, kw_only=True)
class StarterSpec:
    """The lab's exercise starter: a whole stack (deployed as `My<Lab>`) or a handler (`-c handlerCode=`)."""

    kind: Literal["stack", "handler"]
    template: Path
    # where the kit's own solution is, for comparison
    solution: str
    # handler starters: what the kit builds around the learner's function, and what the new items are
    rest: str = ""
    items: str = ""


@dataclass(frozen=True, kw_only=True)
class ZoneNeeds:
    """Where the lab's instances go: preflight checks that each type is offered in each zone used."""

    # how many of the region's zones the lab's VPC takes, in CloudFormation's Fn::GetAZs order
    zone_count: int
    instance_types: tuple[str, ...]
    # the `availabilityZone` setting moves the lab's instance, else the first zones are used
    follows_zone_setting: bool = False


@dataclass(frozen=True, kw_only=True)
class CheapestSetup:
    """The least a lab can cost and still teach what it teaches, priced from the same table."""

    description: str
    usd_per_hour: Callable[[PriceTable], float]


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """How `labkit watch` runs the lab the way its hands-on does, once a handler edit is live."""

    # the AWS call: DynamoDB PutItem, Step Functions StartExecution, or a synchronous Lambda Invoke
    action: Literal["put_item", "start_execution", "invoke"]
    # what it calls, in the deployed stack: the resource's CloudFormation type and its logical id prefix
    target_type: str
    target_prefix: str = ""
    # the request for a fresh user id: the item (DynamoDB JSON), the execution's input, the invoke's event
    request: Callable[[str], Mapping[str, Any]]
    # in the hands-on's words, for the screen: "put a user into the Users table (PutItemCommand)"
    says: str
    # LabColdStart's hands-on invokes twice: a cold start, then a warm one in the same environment
    times: int = 1


@dataclass(frozen=True, kw_only=True)
class HandlerLoop:
    """What `labkit watch <Lab>` makes live without a synth: the lab's functions that run the handler."""

    # the functions the learner's handler runs in: logical id prefixes in the lab's template
    functions: tuple[str, ...]
    # their handler and code folder when no `-c handlerCode=<dir>` replaces them
    kit_handler: str
    kit_code: CodeSource
    exercise: Exercise
    # the items of the lab's check that grade the function, shown after each edit
    check_items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Lab:
    """Everything the tooling knows about one lab; the stack and check are imported only when used."""

    # the lab's package, `labs.ec2`: where its stack, check and baseline modules are
    package: str
    lab_id: str
    # what you build, in one line (the README's table, `labkit --help`)
    title: str
    # place in listings: the chapter's order
    order: int
    stack_class: str
    steps: tuple[str, ...]
    cheapest: CheapestSetup
    check_options: tuple[CheckOption, ...] = ()
    starter: StarterSpec | None = None
    zones: ZoneNeeds | None = None
    # resource types the lab creates that may come without the kit's tags (AWS or the emulator copies none):
    # what the catalogue derives from the lab's template, kept here so leftovers need not synthesize it
    # (tests/labs/test_catalogue.py checks the two agree)
    untagged_types: tuple[str, ...] = ()
    # its logging makes CloudWatch Logs create or extend the account's log-delivery resource policy
    extends_log_delivery_policy: bool = False
    # the service-linked roles its first deploy in an account creates (AWS keeps them: free, account-level)
    service_linked_roles: tuple[str, ...] = ()
    # the class in `baseline.py` that rebuilds the lab on CDK's defaults; None: the lab is its own baseline
    cdk_defaults_class: str | None = None
    # `labkit <name>` commands of the lab's own: name -> module of the lab folder (HELP, add_arguments, run)
    commands: Mapping[str, str] = field(default_factory=dict)
    # the lab `labkit emulator` walks a learner through by hand: the outputs to paste after `cdk deploy`
    walkthrough_outputs: tuple[str, ...] = ()
    # the function labs: how `labkit watch` makes a handler edit live and exercises it; None: no handler
    handler_loop: HandlerLoop | None = None

    @property
    def folder(self) -> Path:
        """The lab's folder on disk."""
        module = importlib.import_module(self.package)
        return Path(str(module.__file__)).resolve().parent

    def stack(self) -> Callable[..., Stack]:
        """The lab's stack class (imports the CDK): call it as `stack(app, settings=settings)`."""
        stack_class: Callable[..., Stack] = getattr(
            importlib.import_module(f"{self.package}.{STACK_MODULE}"), self.stack_class
        )
        return stack_class

    @property
    def check(self) -> LabCheck:
        """The lab's check function (imports boto3 and the terminal, never the CDK)."""
        check: LabCheck = importlib.import_module(f"{self.package}.{CHECK_MODULE}").check
        return check

    def command_modules(self) -> dict[str, ModuleType]:
        """The lab's own `labkit` commands, imported: name -> module."""
        return {
            name: importlib.import_module(f"{self.package}.{module}")
            for name, module in self.commands.items()
        }

    def cdk_defaults_stack(self) -> Callable[..., Stack] | None:
        """The lab on CDK's defaults (`labkit cost`), or None when the lab builds no network."""
        if self.cdk_defaults_class is None:
            return None
        baseline: Callable[..., Stack] = getattr(
            importlib.import_module(f"{self.package}.{BASELINE_MODULE}"), self.cdk_defaults_class
        )
        return baseline
