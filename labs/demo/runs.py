"""What happened to each lab in a demo run, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labs.checks.report import CheckReport
    from labs.leftovers.model import Leftover


class StepError(Exception):
    """A step of the demo failed; the message says what happened in the learner's terms."""


@dataclass
class LabRun:
    """What happened to one lab: each step's time and outcome, in the order they ran."""

    lab_id: str
    stack_name: str
    deploy_s: float | None = None
    destroy_s: float | None = None
    report: CheckReport | None = None
    leftovers: list[Leftover] | None = None
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        checked = self.report is not None and self.report.passed
        return not self.failures and checked and self.destroy_s is not None and self.leftovers == []
