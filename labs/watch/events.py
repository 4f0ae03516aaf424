"""What a watch reports, one value per thing that happened; `labkit watch` (command.py) prints them."""

from __future__ import annotations

from dataclasses import dataclass

from labs.checks.report import CheckItem
from labs.watch.logs import HandlerError
from labs.watch.package import SyntaxProblem


@dataclass(frozen=True)
class Note:
    """A line of information (`style`: a colour for warnings)."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Problem:
    """Something failed that the learner did not write (an AWS call); the loop goes on."""

    text: str


@dataclass(frozen=True)
class NotParsing:
    """The handler's files that do not parse: nothing was uploaded, the function keeps its code."""

    problems: tuple[SyntaxProblem, ...]


@dataclass(frozen=True)
class Refused:
    """The learner's folder is one `cdk deploy` refuses (no handler function, an import Python cannot find):
    nothing was uploaded."""

    text: str


@dataclass(frozen=True)
class Unchanged:
    """The functions run this code already (a save without a change)."""

    code_sha256: str
    functions: str


@dataclass(frozen=True)
class Live:
    """The edit is live: each function reports the package's CodeSha256."""

    why: str
    functions: tuple[str, ...]
    code_sha256: str
    seconds: float
    # the time this same code was live before (an undo), or None
    back_to: str | None
    confirmed: bool


@dataclass(frozen=True)
class Exercising:
    """What the watch is about to do, in the hands-on's words."""

    says: str


@dataclass(frozen=True)
class ExerciseDone:
    """What the exercise did and answered."""

    did: str
    result: str
    failed: bool


@dataclass(frozen=True)
class NewLogLines:
    """The function's new log lines, readable."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class HandlerFailed:
    """The handler failed to import or raised: where, and the traceback's last lines."""

    error: HandlerError


@dataclass(frozen=True)
class Graded:
    """The lab's check items that grade the function, and the whole check's counts."""

    lab_id: str
    items: tuple[CheckItem, ...]
    counts: str


@dataclass(frozen=True)
class Redeploying:
    """A stack edit (or a stack not deployed yet) takes a deploy: why, and the command."""

    reason: str
    command: str


@dataclass(frozen=True)
class DeployOutput:
    """One line the CDK CLI printed."""

    text: str


@dataclass(frozen=True)
class Redeployed:
    """The deploy ended."""

    ok: bool
    seconds: float


@dataclass(frozen=True)
class Drift:
    """After the watch: the stack's functions run code its template does not name, or ran it until the watch
    put the template's own code back (`reconciled`)."""

    stack_name: str
    reconciled: bool
    command: str


Event = (
    Note
    | Problem
    | NotParsing
    | Refused
    | Unchanged
    | Live
    | Exercising
    | ExerciseDone
    | NewLogLines
    | HandlerFailed
    | Graded
    | Redeploying
    | DeployOutput
    | Redeployed
    | Drift
)
