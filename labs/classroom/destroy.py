"""After the class: delete the roster's lab stacks, wait for the deletions, scan each learner for leftovers.

Only a kit lab of an owner on the roster is ever deleted: its name is `<owner>-<LabId>` and its kit tags
say the same. It is deleted by stack id, so a stack made again under the same name meanwhile is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.classroom.inventory import LabStackListing, is_kit_lab, list_lab_stacks
from labs.classroom.roster import Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.deployed.expiry import read_expiry
from labs.deployed.session import error_text
from labs.deployed.stack import failure_reason
from labs.leftovers.model import Leftover
from labs.leftovers.scan import scan_leftovers
from labs.registry import lab_ids

if TYPE_CHECKING:
    import boto3

# a real lab stack deletes in one to five minutes (an instance's termination, a VPC's interfaces)
DEFAULT_TIMEOUT_S = 1800.0


@dataclass(frozen=True, kw_only=True)
class DestroyPlan:
    targets: tuple[LabStackListing, ...]
    # named like a roster learner's lab, but without the kit's tags: never touched
    not_kit: tuple[LabStackListing, ...] = ()
    # --expired-only: the roster's lab stacks still within their time
    not_expired: tuple[LabStackListing, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Deletion:
    listing: LabStackListing
    outcome: str  # "deleted", "DELETE_FAILED", "timed out" or "refused" (DeleteStack itself failed)
    reason: str = ""
    seconds: float = 0.0

    @property
    def deleted(self) -> bool:
        return self.outcome == "deleted"


def plan_destroy(
    session: boto3.Session,
    roster: Roster,
    *,
    labs: Sequence[str] = (),
    expired_only: bool = False,
    now: datetime,
    workers: int = DEFAULT_WORKERS,
) -> DestroyPlan:
    """The roster's kit lab stacks of `labs` (every lab when empty; with --expired-only: those past their
    expiry)."""
    labs = tuple(labs) or lab_ids()
    candidates = [s for s in list_lab_stacks(session) if s.owner in roster and s.lab_id in labs]
    verified = run_bounded(candidates, lambda listing: is_kit_lab(session, listing), workers=workers)
    kit = [listing for listing, ok in zip(candidates, verified, strict=True) if ok]
    not_kit = tuple(listing for listing, ok in zip(candidates, verified, strict=True) if not ok)
    if not expired_only:
        return DestroyPlan(targets=tuple(kit), not_kit=not_kit)
    overdue = run_bounded(
        kit,
        lambda listing: read_expiry(session, listing.deployed(session), check_scope=False).overdue(now),
        workers=workers,
    )
    return DestroyPlan(
        targets=tuple(listing for listing, due in zip(kit, overdue, strict=True) if due),
        not_kit=not_kit,
        not_expired=tuple(listing for listing, due in zip(kit, overdue, strict=True) if not due),
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
) -> list[Deletion]:
    """DeleteStack on every target, then poll until each is gone, failed, or the time is over."""
    cloudformation = session.client("cloudformation")
    started = clock()
    finished: dict[str, Deletion] = {}

    def finish(deletion: Deletion) -> None:
        finished[deletion.listing.stack_id] = deletion
        if on_done is not None:
            on_done(deletion)

    def request(listing: LabStackListing) -> Deletion | None:
        try:
            cloudformation.delete_stack(StackName=listing.stack_id)
        except ClientError as error:
            return Deletion(listing=listing, outcome="refused", reason=error_text(error))
        return None

    for refused in run_bounded(targets, request, workers=workers):
        if refused is not None:
            finish(refused)
    pending = [listing for listing in targets if listing.stack_id not in finished]
    while pending:
        states = run_bounded(pending, lambda listing: _deletion_state(session, listing), workers=workers)
        elapsed = clock() - started
        for listing, (status, reason) in zip(pending, states, strict=True):
            if status == "DELETE_COMPLETE":
                finish(Deletion(listing=listing, outcome="deleted", seconds=elapsed))
            elif status == "DELETE_FAILED":
                finish(Deletion(listing=listing, outcome=status, reason=reason, seconds=elapsed))
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


def _deletion_state(session: boto3.Session, listing: LabStackListing) -> tuple[str, str]:
    """The stack's status by id (a deleted stack's id still answers), and why its deletion failed."""
    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=listing.stack_id)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return "DELETE_COMPLETE", ""
        raise
    status = stacks[0]["StackStatus"] if stacks else "DELETE_COMPLETE"
    if status == "DELETE_FAILED":
        reason = failure_reason(session, listing.stack_id) or stacks[0].get("StackStatusReason", "")
        return status, reason
    return status, ""


def scan_learners(
    session: boto3.Session,
    owners: Sequence[str],
    *,
    labs: Sequence[str] = (),
    workers: int = DEFAULT_WORKERS,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, list[Leftover]]:
    """Each learner's leftovers of `labs` (every lab when empty): labkit leftovers' scan, per learner."""
    labs = tuple(labs) or lab_ids()

    def scan(owner: str) -> list[Leftover]:
        if tuple(labs) == lab_ids():
            return scan_leftovers(session, owner=owner)
        return [found for lab_id in labs for found in scan_leftovers(session, lab_id=lab_id, owner=owner)]

    found = run_bounded(list(owners), scan, workers=workers, on_done=on_done)
    return dict(zip(owners, found, strict=True))
