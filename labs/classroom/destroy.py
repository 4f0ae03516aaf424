"""After the class: delete the roster's lab stacks, wait for the deletions, scan each learner for leftovers.

Only a kit lab of an owner on the roster is ever deleted: its name is `<owner>-<LabId>` and its kit tags
say the same. It is deleted by stack id, so a stack made again under the same name meanwhile is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.classroom.accounts import ClassReach, Place
from labs.classroom.inventory import LabStackListing, is_kit_lab, list_lab_stacks
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.deployed.expiry import read_expiry
from labs.deployed.session import error_text
from labs.deployed.stack import failure_reason
from labs.deployed.stuck import WayOut, way_out
from labs.leftovers.model import Leftover
from labs.leftovers.scan import scan_leftovers
from labs.registry import lab_ids

if TYPE_CHECKING:
    import boto3

# a real lab stack deletes in one to five minutes (an instance's termination, a VPC's interfaces)
DEFAULT_TIMEOUT_S = 1800.0
# CloudFormation deletes a stack's resources with its service role, else with the caller's own rights
# (CloudFormation API reference, DeleteStack: RoleARN); the teacher's role has none on resources
NO_SERVICE_ROLE = (
    "the stack has no service role, so CloudFormation deleted its resources with the caller's own rights, "
    "which the teacher-access role does not give: delete it with the learner's credentials (cdk destroy)"
)


@dataclass(frozen=True, kw_only=True)
class DestroyPlan:
    """The stacks a destroy deletes, and those it leaves because they are not the kit's."""

    targets: tuple[LabStackListing, ...]
    # named like a roster learner's lab, but without the kit's tags: never touched
    not_kit: tuple[LabStackListing, ...] = ()
    # --expired-only: the roster's lab stacks still within their time
    not_expired: tuple[LabStackListing, ...] = ()
    # stack id -> the session of the account it is in (a stack id names its account)
    sessions: Mapping[str, boto3.Session] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Deletion:
    """How the deletion of one stack went."""

    listing: LabStackListing
    outcome: str  # "deleted", "DELETE_FAILED", "timed out" or "refused" (DeleteStack itself failed)
    reason: str = ""
    seconds: float = 0.0
    # DELETE_FAILED on resources that block every delete again: the delete that retains them, and what stays
    way_out: WayOut | None = None

    @property
    def deleted(self) -> bool:
        return self.outcome == "deleted"


def plan_destroy(
    reach: ClassReach,
    *,
    labs: Sequence[str] = (),
    owners: Sequence[str] | None = None,
    expired_only: bool = False,
    now: datetime,
    workers: int = DEFAULT_WORKERS,
) -> DestroyPlan:
    """The reached learners' (or `owners'`) kit lab stacks of `labs` (every lab when empty), in every place
    they work (with --expired-only: those past their expiry)."""
    labs = tuple(labs) or lab_ids()
    wanted = set(reach.reached if owners is None else owners)
    groups = [(place, tuple(o for o in group if o in wanted)) for place, group in reach.groups()]
    groups = [(place, group) for place, group in groups if group]
    listed = run_bounded(groups, lambda group: list_lab_stacks(group[0].session), workers=workers)
    candidates: list[tuple[Place, LabStackListing]] = [
        (place, s)
        for (place, group), found in zip(groups, listed, strict=True)
        for s in found
        if s.owner in group and s.lab_id in labs
    ]
    verified = run_bounded(candidates, lambda pair: is_kit_lab(pair[0].session, pair[1]), workers=workers)
    kit = [pair for pair, ok in zip(candidates, verified, strict=True) if ok]
    not_kit = tuple(pair[1] for pair, ok in zip(candidates, verified, strict=True) if not ok)
    sessions = {listing.stack_id: place.session for place, listing in kit}
    if not expired_only:
        return DestroyPlan(targets=tuple(pair[1] for pair in kit), not_kit=not_kit, sessions=sessions)
    overdue = run_bounded(
        kit,
        lambda pair: read_expiry(
            pair[0].session, pair[1].deployed(pair[0].session), check_scope=False
        ).overdue(now),
        workers=workers,
    )
    return DestroyPlan(
        targets=tuple(pair[1] for pair, due in zip(kit, overdue, strict=True) if due),
        not_kit=not_kit,
        not_expired=tuple(pair[1] for pair, due in zip(kit, overdue, strict=True) if not due),
        sessions=sessions,
    )


def delete_stacks(
    session: boto3.Session,
    targets: Sequence[LabStackListing],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    poll_s: float,
    workers: int = DEFAULT_WORKERS,
    on_done: Callable[[Deletion], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    sessions: Mapping[str, boto3.Session] | None = None,
) -> list[Deletion]:
    """DeleteStack on every target, then poll until each is gone, failed, or the time is over.

    `sessions` (stack id -> session) names the account of a stack in another account than `session`'s.
    """

    def session_of(listing: LabStackListing) -> boto3.Session:
        return (sessions or {}).get(listing.stack_id, session)

    started = clock()
    finished: dict[str, Deletion] = {}

    def finish(deletion: Deletion) -> None:
        finished[deletion.listing.stack_id] = deletion
        if on_done is not None:
            on_done(deletion)

    def request(listing: LabStackListing) -> Deletion | None:
        try:
            session_of(listing).client("cloudformation").delete_stack(StackName=listing.stack_id)
        except ClientError as error:
            return Deletion(listing=listing, outcome="refused", reason=error_text(error))
        return None

    for refused in run_bounded(targets, request, workers=workers):
        if refused is not None:
            finish(refused)
    pending = [listing for listing in targets if listing.stack_id not in finished]
    while pending:
        states = run_bounded(
            pending, lambda listing: _deletion_state(session_of(listing), listing), workers=workers
        )
        elapsed = clock() - started
        for listing, (status, reason, out) in zip(pending, states, strict=True):
            if status == "DELETE_COMPLETE":
                finish(Deletion(listing=listing, outcome="deleted", seconds=elapsed))
            elif status == "DELETE_FAILED":
                why = reason if listing.role_arn else f"{reason} ({NO_SERVICE_ROLE})"
                finish(Deletion(listing=listing, outcome=status, reason=why, seconds=elapsed, way_out=out))
        pending = [listing for listing in pending if listing.stack_id not in finished]
        if pending and elapsed >= timeout_s:
            for listing in pending:
                finish(
                    Deletion(
                        listing=listing, outcome="timed out", reason=f"after {elapsed:.0f} s", seconds=elapsed
                    )
                )
            pending = []
        elif pending:
            sleep(poll_s)
    return [finished[listing.stack_id] for listing in targets]


def _deletion_state(session: boto3.Session, listing: LabStackListing) -> tuple[str, str, WayOut | None]:
    """The stack's status by id (a deleted stack's id still answers), why its deletion failed, and the way
    out when resources block it (a destroy again would fail the same)."""
    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=listing.stack_id)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return "DELETE_COMPLETE", "", None
        raise
    status = stacks[0]["StackStatus"] if stacks else "DELETE_COMPLETE"
    if status == "DELETE_FAILED":
        reason = failure_reason(session, listing.stack_id) or stacks[0].get("StackStatusReason", "")
        return status, reason, _way_out(session, listing)
    return status, "", None


def _way_out(session: boto3.Session, listing: LabStackListing) -> WayOut | None:
    """labkit leftovers' way out of a DELETE_FAILED stack that retains what blocks; None when there is none
    or the caller may not read what it needs (a bucket the teacher's role cannot list)."""
    try:
        found = way_out(session, listing.stack_id, lab_id=listing.lab_id)
    except ClientError:
        return None
    return found if found is not None and found.retains else None


def scan_learners(
    reach: ClassReach,
    owners: Sequence[str],
    *,
    labs: Sequence[str] = (),
    workers: int = DEFAULT_WORKERS,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, list[Leftover]]:
    """Each reached learner's leftovers of `labs` (every lab when empty; labkit leftovers' scan, once per
    learner, in the account where the learner works)."""
    labs = tuple(labs) or lab_ids()

    def scan(owner: str) -> list[Leftover]:
        session = reach.places[owner].session
        if tuple(labs) == lab_ids():
            return scan_leftovers(session, owner=owner)
        return [found for lab_id in labs for found in scan_leftovers(session, lab_id=lab_id, owner=owner)]

    reached = [owner for owner in owners if owner in reach.places]
    found = run_bounded(reached, scan, workers=workers, on_done=on_done)
    return dict(zip(reached, found, strict=True))
