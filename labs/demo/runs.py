"""What happened to each lab in a demo run, step by step: the life of a lab, not only its birth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labs.outcomes import Outcome

if TYPE_CHECKING:
    from labs.checks.report import CheckReport
    from labs.leftovers.model import Leftover

DEPLOY, CHECK, REDEPLOY, RECHECK, EXPIRE, SCAN = (
    "deploy",
    "check",
    "redeploy",
    "check again",
    "expiry",
    "leftovers",
)
# every lab goes through these, in this order; a lab passes only when each of them did
STEPS = (DEPLOY, CHECK, REDEPLOY, RECHECK, EXPIRE, SCAN)
# only when the expiry left the stack behind (or the run was interrupted): never counted as a pass
CLEANUP = "clean-up"


class StepError(Exception):
    """A step of the demo failed; the message says what happened in the learner's terms."""


@dataclass
class Step:
    """One step of one lab: its outcome, how long it took when it passed, and what it showed."""

    seconds: float | None = None
    detail: str = ""
    outcome: Outcome = Outcome.PASS

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAIL


@dataclass
class LabRun:
    """What happened to one lab: each step's time and outcome, in the order they ran."""

    lab_id: str
    stack_name: str
    steps: dict[str, Step] = field(default_factory=dict)
    reports: dict[str, CheckReport] = field(default_factory=dict)
    leftovers: list[Leftover] | None = None
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def done(self, step: str, seconds: float, detail: str = "") -> None:
        """Record a step that completed."""
        self.steps[step] = Step(seconds=seconds, detail=detail)

    def fail(self, step: str, reason: str) -> None:
        """Record a step that failed, and why."""
        self.steps[step] = Step(detail=reason, outcome=Outcome.FAIL)
        self.failures.append(f"{step}: {reason}")

    def succeeded(self, step: str) -> bool:
        """Whether the step ran to completion."""
        found = self.steps.get(step)
        return found is not None and not found.failed and found.seconds is not None

    @property
    def passed(self) -> bool:
        checked = all(step in self.reports and self.reports[step].passed for step in (CHECK, RECHECK))
        steps = all(self.succeeded(step) for step in STEPS)
        return not self.failures and checked and steps and self.leftovers == []
