"""Each learner's lab check, graded: pass, fail (the first failing item and its hint), or not deployed.

The checks are the labs' own (labs/registry.py), run side by side for the class without live status lines;
a lab nobody on the roster deployed is graded only when asked for by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from labs.checks.render import counts
from labs.checks.report import CheckItem, CheckReport, Outcome
from labs.classroom.accounts import ClassReach, Unreachable
from labs.classroom.inventory import is_kit_lab, list_lab_stacks
from labs.classroom.roster import Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.deployed.session import aws_failure
from labs.registry import lab, lab_ids, run_check
from labs.shared_facts import stack_name
from labs.teacher_access.facts import STACK_ID as TEACHER_STACK
from labs.terminal import ProgressUpdate

if TYPE_CHECKING:
    import boto3


class Grade(Enum):
    """A grade in the class's words; `outcome` is what it means in the kit's one vocabulary."""

    PASS = "pass"  # noqa: S105 - a grade, not a password
    FAIL = "fail"
    NOT_DEPLOYED = "not deployed"
    # nothing failed, nothing could be verified where the check ran: never counted as a pass
    NOT_VERIFIED = "not verified"
    # the check itself could not run (an AWS error, a bug): says nothing about the learner's work
    ERROR = "error"

    @property
    def outcome(self) -> Outcome:
        """PASS, FAIL or NOT_DEPLOYED as they are; an unverified lab and a check that could not run
        are SKIPPED: neither counts as a pass, and neither says the learner's work failed."""
        return GRADE_OUTCOMES[self]

    @property
    def graded(self) -> bool:
        """Whether the grade says something of the learner's work (a score): a lab that could not be
        checked, or where nothing could be verified, is not graded, neither a pass nor a zero."""
        return self.outcome is not Outcome.SKIPPED


GRADE_OUTCOMES = {
    Grade.PASS: Outcome.PASS,
    Grade.FAIL: Outcome.FAIL,
    Grade.NOT_DEPLOYED: Outcome.NOT_DEPLOYED,
    Grade.NOT_VERIFIED: Outcome.SKIPPED,
    Grade.ERROR: Outcome.SKIPPED,
}


@dataclass(frozen=True, kw_only=True)
class GradedCell:
    """One learner's lab: its grade, what a teacher reads first, and the whole report behind it."""

    owner: str
    lab_id: str
    stack_name: str
    grade: Grade
    headline: str  # the first failing item ("Stack deployed: ..."), the error, or the counts
    hint: str = ""
    report: CheckReport | None = None
    seconds: float = 0.0

    @property
    def first_failure(self) -> CheckItem | None:
        if self.report is None:
            return None
        return next((item for item in self.report.items if item.outcome is Outcome.FAIL), None)


@dataclass(frozen=True, kw_only=True)
class ClassGrid:
    """The class's graded checks, learner by lab, in the roster's and the kit's order."""

    roster: Roster
    labs: tuple[str, ...]
    checked_at: datetime
    region: str
    cells: Mapping[tuple[str, str], GradedCell] = field(default_factory=dict)

    def cell(self, owner: str, lab_id: str) -> GradedCell:
        """The graded cell of one learner's lab."""
        return self.cells[(owner, lab_id)]

    def rows(self) -> Iterator[tuple[str, list[GradedCell]]]:
        """Each learner with its cells, in the roster's and the labs' order."""
        for owner in self.roster.owners:
            yield owner, [self.cell(owner, lab_id) for lab_id in self.labs]

    def count(self, grade: Grade) -> int:
        """How many cells have that grade."""
        return sum(1 for cell in self.cells.values() if cell.grade is grade)

    @property
    def all_passed(self) -> bool:
        return all(cell.grade.outcome is Outcome.PASS for cell in self.cells.values())


def grade_report(owner: str, lab_id: str, report: CheckReport, *, seconds: float) -> GradedCell:
    """A learner's cell from a check report: failed at its first failure, else passed or not verified."""
    failed = next((item for item in report.items if item.outcome is Outcome.FAIL), None)
    if failed is not None:
        grade, headline, hint = Grade.FAIL, f"{failed.name}: {failed.detail}", failed.hint
    elif report.passed:
        grade, headline, hint = Grade.PASS, counts(report), ""
    else:
        grade, headline, hint = Grade.NOT_VERIFIED, f"nothing could be verified here ({counts(report)})", ""
    return GradedCell(
        owner=owner,
        lab_id=lab_id,
        stack_name=report.stack_name,
        grade=grade,
        headline=headline,
        hint=hint,
        report=report,
        seconds=seconds,
    )


def not_deployed(owner: str, lab_id: str) -> GradedCell:
    """The cell of a learner whose lab stack is not there."""
    name = stack_name(lab_id, owner)
    return GradedCell(
        owner=owner,
        lab_id=lab_id,
        stack_name=name,
        grade=Grade.NOT_DEPLOYED,
        headline=f"no stack {name}",
        hint=f"cdk deploy {lab_id} -c owner={owner}",
    )


def unreachable(cell_of: Unreachable, lab_id: str) -> GradedCell:
    """A learner whose account could not be reached: an error of the check, not of the learner."""
    return GradedCell(
        owner=cell_of.owner,
        lab_id=lab_id,
        stack_name=stack_name(lab_id, cell_of.owner),
        grade=Grade.ERROR,
        headline=f"account {cell_of.account} not reached: role {cell_of.role_arn} cannot be assumed "
        f"({cell_of.reason})",
        # the kit's own role stack is how a learner account trusts the teacher (README, "The teacher's role")
        hint=f"in account {cell_of.account}, deploy {TEACHER_STACK} with -c teacherPrincipals=<your role's "
        "ARN> -c classExternalId=<the roster's external-id>, then rerun the class check",
    )


@contextmanager
def no_progress(_description: str, _timeout_s: float) -> Iterator[ProgressUpdate]:
    """Checks side by side share one terminal: none of them draws its own status line."""
    yield lambda _status, _elapsed: None


def check_class(
    reach: ClassReach,
    *,
    labs: Sequence[str] = (),
    on_emulator: bool,
    checked_at: datetime,
    options: Mapping[str, bool] | None = None,
    timeout_s: float | None = None,
    workers: int = DEFAULT_WORKERS,
    on_planned: Callable[[int], None] | None = None,
    on_done: Callable[[tuple[str, str]], None] | None = None,
) -> ClassGrid:
    """Every learner's check of every lab in `labs` (default: the labs someone on the roster deployed),
    each in the account and region where the learner works.

    Options a lab does not declare (a self-heal for a lab without one) are left out of that lab's check.
    """
    roster = reach.roster
    groups = list(reach.groups())
    listed = run_bounded(groups, lambda group: list_lab_stacks(group[0].session), workers=workers)
    # (owner, lab) -> the stack graded: the kit's `<owner>-<Lab>`, else the learner's own `<owner>-My<Lab>`;
    # a stack named like a lab without the kit's tags is nobody's lab (destroy leaves it alone too)
    deployed: dict[tuple[str, str], str] = {}
    for (place, owners), found in zip(groups, listed, strict=True):
        for s in found:
            key = (s.owner or "", s.lab_id)
            first_or_kits = key not in deployed or s.name == stack_name(s.lab_id, s.owner)
            if s.owner in owners and first_or_kits and is_kit_lab(place.session, s):
                deployed[key] = s.name
    chosen = tuple(labs) or tuple(lab_id for lab_id in lab_ids() if any(d[1] == lab_id for d in deployed))
    chosen = chosen or lab_ids()
    cells: dict[tuple[str, str], GradedCell] = {
        (owner, lab_id): unreachable(reach.unreachable[owner], lab_id)
        if owner in reach.unreachable
        else not_deployed(owner, lab_id)
        for owner in roster.owners
        for lab_id in chosen
        if (owner, lab_id) not in deployed
    }
    to_check = [
        (owner, lab_id) for owner in roster.owners for lab_id in chosen if (owner, lab_id) in deployed
    ]
    if on_planned is not None:
        on_planned(len(to_check))

    def run_one(pair: tuple[str, str]) -> GradedCell:
        owner, lab_id = pair
        return _check_one(
            reach.places[owner].session,
            owner,
            lab_id,
            stack=deployed[pair],
            on_emulator=on_emulator,
            timeout_s=timeout_s,
            options=options or {},
        )

    for cell in run_bounded(to_check, run_one, workers=workers, on_done=on_done):
        cells[(cell.owner, cell.lab_id)] = cell
    regions = sorted({place.region for place, _ in groups})
    accounts = {place.account for place, _ in groups}
    region = regions[0] if len(regions) == 1 else ", ".join(regions)
    if roster.across_accounts:
        region = f"{len(accounts)} account(s), {region}"
    return ClassGrid(roster=roster, labs=chosen, checked_at=checked_at, region=region, cells=cells)


def _check_one(
    session: boto3.Session,
    owner: str,
    lab_id: str,
    *,
    stack: str,
    on_emulator: bool,
    timeout_s: float | None,
    options: Mapping[str, bool],
) -> GradedCell:
    checked = lab(lab_id)
    own = {option.keyword for option in checked.check_options}
    started = time.monotonic()
    try:
        report = run_check(
            lab_id,
            session=session,
            stack_name=stack,
            on_emulator=on_emulator,
            timeout_s=timeout_s,
            options={name: on for name, on in options.items() if name in own},
            progress=no_progress,
        )
    except Exception as error:  # one learner's broken lab or a throttled call must not stop the class
        return GradedCell(
            owner=owner,
            lab_id=lab_id,
            stack_name=stack,
            grade=Grade.ERROR,
            headline=aws_failure(error) or f"{type(error).__name__}: {error}",
            hint="rerun the class check; `labkit check` for this learner shows the whole report",
            seconds=time.monotonic() - started,
        )
    return grade_report(owner, lab_id, report, seconds=time.monotonic() - started)
