"""Reaching each learner where they work: the teacher's own account, or the learner's through a role.

A learner with an account on the roster is reached with sts:AssumeRole into the role named there, with a
session name that says which teacher acted (`labkit-<teacher>`, the teacher's name read from
sts:GetCallerIdentity), so the learner's CloudTrail shows who deleted their stacks. Learners who share an
account, role and region share one session. A role that cannot be assumed makes that learner unreachable,
with AWS's reason, and the rest of the class goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from labs.classroom.roster import Placement, Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.deployed.session import error_text
from labs.deployed.shared_session import SharedSession

SESSION_PREFIX = "labkit-"
# AssumeRole's RoleSessionName: 2-64 characters of [\w+=,.@-] (STS API reference, AssumeRole)
_SESSION_NAME_CHARACTERS = re.compile(r"[^\w+=,.@-]")
_SESSION_NAME_MAX = 64
# the class's calls are minutes long; a guard's deletions wait up to half an hour
SESSION_SECONDS = 3600


def teacher_name(caller_arn: str) -> str:
    """Who the teacher is, from sts:GetCallerIdentity's ARN: the user name, or the assumed role's session
    name (an SSO login's e-mail address), else the account's `root`."""
    resource = caller_arn.split(":", 5)[-1]
    if resource == "root":
        return "root"
    return resource.rsplit("/", 1)[-1] or "teacher"


def session_name(teacher: str) -> str:
    """`labkit-<teacher>`, trimmed to what AssumeRole accepts."""
    return (SESSION_PREFIX + _SESSION_NAME_CHARACTERS.sub("-", teacher))[:_SESSION_NAME_MAX]


@dataclass(frozen=True, kw_only=True)
class Place:
    """Where some learners work: an account and region, reached with `session`."""

    account: str | None  # None: the teacher's own account (a shared class account)
    region: str
    role_arn: str | None
    session: boto3.Session

    @property
    def label(self) -> str:
        return f"{self.account or 'shared account'} {self.region}"


@dataclass(frozen=True, kw_only=True)
class Unreachable:
    """A learner whose account the teacher could not reach: the role and AWS's answer."""

    owner: str
    account: str
    role_arn: str
    reason: str

    @property
    def line(self) -> str:
        return (
            f"{self.owner}: role {self.role_arn} in account {self.account} cannot be assumed "
            f"({self.reason}); "
            "ask for that role to trust the teacher's account, then run this again"
        )


@dataclass(frozen=True, kw_only=True)
class ClassReach:
    """Every learner on the roster, reached (in a place) or not (with the reason)."""

    roster: Roster
    teacher: str
    places: Mapping[str, Place]  # owner -> where that learner works
    unreachable: Mapping[str, Unreachable] = field(default_factory=dict)

    def groups(self) -> Iterator[tuple[Place, tuple[str, ...]]]:
        """Each place once, with the reached learners who work there, in the roster's order."""
        seen: dict[int, tuple[Place, list[str]]] = {}
        for owner in self.roster.owners:
            place = self.places.get(owner)
            if place is not None:
                seen.setdefault(id(place), (place, []))[1].append(owner)
        for place, owners in seen.values():
            yield place, tuple(owners)

    @property
    def reached(self) -> tuple[str, ...]:
        return tuple(owner for owner in self.roster.owners if owner in self.places)


Connect = Callable[[Placement, str], boto3.Session]


def reach_class(
    base: SharedSession,
    roster: Roster,
    *,
    region: str | None = None,
    workers: int = DEFAULT_WORKERS,
    connect: Connect | None = None,
) -> ClassReach:
    """A place for every learner: the teacher's session for a shared account, an assumed role's session
    for a learner's own account (one per account, role and region), in parallel and bounded.

    Raises ClientError or BotoCoreError when the teacher's own identity cannot be read (nothing can run).
    """
    teacher = "teacher"
    if roster.across_accounts:
        teacher = teacher_name(base.client("sts").get_caller_identity()["Arn"])
    name = session_name(teacher)
    default_region = region or base.region_name or ""
    keys: dict[str, tuple[str | None, str | None, str]] = {}
    for learner in roster.learners:
        p = learner.placement
        keys[learner.owner] = (p.account, p.role_arn, p.region or default_region)
    distinct = sorted(set(keys.values()), key=lambda key: tuple(part or "" for part in key))
    join = connect or _assume_role_session(base, name)

    def open_place(key: tuple[str | None, str | None, str]) -> Place | str:
        account, role_arn, place_region = key
        if account is None or role_arn is None:
            session: boto3.Session = (
                base if place_region == base.region_name else SharedSession(region_name=place_region)
            )
            return Place(account=None, region=place_region, role_arn=None, session=session)
        try:
            session = join(Placement(account=account, role=role_arn, region=place_region), name)
        except (ClientError, BotoCoreError) as error:
            return error_text(error) if isinstance(error, ClientError) else str(error)
        return Place(account=account, region=place_region, role_arn=role_arn, session=session)

    opened = dict(zip(distinct, run_bounded(distinct, open_place, workers=workers), strict=True))
    places: dict[str, Place] = {}
    unreachable: dict[str, Unreachable] = {}
    for owner, key in keys.items():
        result = opened[key]
        if isinstance(result, Place):
            places[owner] = result
        else:
            unreachable[owner] = Unreachable(
                owner=owner, account=key[0] or "", role_arn=key[1] or "", reason=result
            )
    return ClassReach(roster=roster, teacher=teacher, places=places, unreachable=unreachable)


def _assume_role_session(base: SharedSession, name: str) -> Connect:
    sts = base.client("sts")

    def connect(placement: Placement, _name: str) -> boto3.Session:
        credentials = sts.assume_role(
            RoleArn=placement.role, RoleSessionName=name, DurationSeconds=SESSION_SECONDS
        )["Credentials"]
        return SharedSession(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=placement.region,
        )

    return connect


def one_account(session: boto3.Session, roster: Roster) -> ClassReach:
    """The whole roster in the session's own account and region (a shared class account)."""
    place = Place(account=None, region=session.region_name or "", role_arn=None, session=session)
    return ClassReach(roster=roster, teacher="teacher", places=dict.fromkeys(roster.owners, place))
