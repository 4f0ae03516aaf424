"""Reaching each learner where they work: the teacher's own account, or the learner's through a role.

A learner with an account on the roster is reached with sts:AssumeRole into the role named there (the
teacher-access stack's `LabkitTeacher`, labs/teacher_access), with the class's `sts:ExternalId`, the teacher's
name as `SourceIdentity` (which the role requires, and which stays on every call in the learner's
CloudTrail) and a session name that says the same (`labkit-<teacher>`). The credentials refresh themselves
before they expire (a long destroy or check outlives an hour's session), and before anything is done with
them `sts:GetCallerIdentity` must name the roster's account: a role that lands elsewhere is a problem for
that learner, never a place to act in. Learners who share an account, role, external id and region share
one session. A role that cannot be assumed makes that learner unreachable, with AWS's reason, and the rest
of the class goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from labs.cdk_json import KIT_CDK_JSON, cdk_json_context
from labs.classroom.roster import Placement, Roster
from labs.classroom.sessions import DEFAULT_WORKERS, run_bounded
from labs.deployed.session import error_text
from labs.deployed.shared_session import SharedSession, core_session
from labs.teacher_access.facts import EXTERNAL_ID, EXTERNAL_ID_KEY

SESSION_PREFIX = "labkit-"
# AssumeRole's RoleSessionName: 2-64 characters of [\w+=,.@-] (STS API reference, AssumeRole)
_SESSION_NAME_CHARACTERS = re.compile(r"[^\w+=,.@-]")
_SESSION_NAME_MAX = 64
# AssumeRole's longest session for a role with the default MaxSessionDuration; refreshed before it ends
SESSION_SECONDS = 3600
# SourceIdentity: 2-64 characters of [\w+=,.@-] (STS API reference, AssumeRole)
_SOURCE_IDENTITY_MAX = 64


def configured_external_id(cdk_json: Path = KIT_CDK_JSON) -> str | None:
    """The class's external id from cdk.json (`classExternalId`, what the teacher-access stack was deployed
    with), None when it names none (or none AssumeRole takes: the stack's deploy refuses that too)."""
    value = str(cdk_json_context(cdk_json).get(EXTERNAL_ID_KEY) or "").strip()
    return value if EXTERNAL_ID.match(value) else None


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


def source_identity(teacher: str) -> str:
    """The teacher's name as AssumeRole's SourceIdentity accepts it (the same characters as a session
    name, so never the reserved `aws:` prefix), at least two characters long."""
    text = _SESSION_NAME_CHARACTERS.sub("-", teacher)[:_SOURCE_IDENTITY_MAX]
    return text if len(text) >= 2 else f"teacher-{text}"


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

    fix: str = (
        "deploy the teacher-access stack there (LabkitTeacherAccess: it trusts the teacher's principals "
        "with the class's external id), or check the roster's external-id=, then run this again"
    )

    @property
    def line(self) -> str:
        where = f"role {self.role_arn} in account {self.account}"
        return f"{self.owner}: {where} cannot be assumed ({self.reason}); {self.fix}"


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


# (the placement with the role's ARN as its role, the session name) -> a session acting in that account
Connect = Callable[[Placement, str], boto3.Session]
# (account, role ARN, region, external id) of one place
_Key = tuple[str | None, str | None, str, str | None]
# the teacher's name as the class's SourceIdentity (the default), or none sent (a role that does not allow
# sts:SetSourceIdentity: not the teacher-access stack's, which requires it)
TEACHER_NAME = "teacher's name"


def reach_class(
    base: SharedSession,
    roster: Roster,
    *,
    region: str | None = None,
    workers: int = DEFAULT_WORKERS,
    connect: Connect | None = None,
    source: str | None = TEACHER_NAME,
) -> ClassReach:
    """A place for every learner: the teacher's session for a shared account, an assumed role's session
    for a learner's own account (one per account, role, external id and region), verified to act in the
    roster's account, in parallel and bounded. `source`: the SourceIdentity (the teacher's name by
    default; None sends none).

    Raises ClientError or BotoCoreError when the teacher's own identity cannot be read (nothing can run).
    """
    teacher = "teacher"
    if roster.across_accounts:
        teacher = teacher_name(base.client("sts").get_caller_identity()["Arn"])
    name = session_name(teacher)
    identity = source_identity(teacher) if source == TEACHER_NAME else source
    default_region = region or base.region_name or ""
    keys: dict[str, _Key] = {}
    for learner in roster.learners:
        p = learner.placement
        keys[learner.owner] = (p.account, p.role_arn, p.region or default_region, p.external_id)
    distinct = sorted(set(keys.values()), key=lambda key: tuple(part or "" for part in key))
    join = connect or assume_role_session(base, source_identity=identity)

    def open_place(key: _Key) -> Place | str:
        account, role_arn, place_region, external_id = key
        if account is None or role_arn is None:
            session: boto3.Session = (
                base if place_region == base.region_name else SharedSession(region_name=place_region)
            )
            return Place(account=None, region=place_region, role_arn=None, session=session)
        placement = Placement(account=account, role=role_arn, region=place_region, external_id=external_id)
        try:
            session = join(placement, name)
            acting_in = session.client("sts").get_caller_identity()["Account"]
        except (ClientError, BotoCoreError) as error:
            return error_text(error) if isinstance(error, ClientError) else str(error)
        if acting_in != account:
            return (
                f"its credentials act in account {acting_in}, not in the roster's {account}: "
                "nothing was read or done there"
            )
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


def _now() -> datetime:
    return datetime.now(UTC)


def assume_role_session(
    base: SharedSession,
    *,
    source_identity: str | None = None,
    duration_s: int = SESSION_SECONDS,
    clock: Callable[[], datetime] | None = None,
) -> Connect:
    """The default way into a learner's account: AssumeRole (with the placement's external id and the
    teacher's source identity), as credentials that assume the role again before they expire."""
    sts = base.client("sts")

    def connect(placement: Placement, name: str) -> boto3.Session:
        arguments: dict[str, Any] = {
            "RoleArn": placement.role,
            "RoleSessionName": name,
            "DurationSeconds": duration_s,
        }
        if placement.external_id:
            arguments["ExternalId"] = placement.external_id
        if source_identity:
            arguments["SourceIdentity"] = source_identity

        def fetch() -> dict[str, Any]:
            answer = sts.assume_role(**arguments)["Credentials"]
            return {
                "access_key": answer["AccessKeyId"],
                "secret_key": answer["SecretAccessKey"],
                "token": answer["SessionToken"],
                "expiry_time": answer["Expiration"].isoformat(),
            }

        first = fetch()
        credentials = RefreshableCredentials(
            access_key=first["access_key"],
            secret_key=first["secret_key"],
            token=first["token"],
            expiry_time=datetime.fromisoformat(first["expiry_time"]),
            refresh_using=fetch,
            method="sts-assume-role",
            time_fetcher=clock or _now,
        )
        core = core_session()
        # botocore's own way to give a session credentials that refresh (as its assume-role provider does)
        core._credentials = credentials  # type: ignore[attr-defined]
        return SharedSession(botocore_session=core, region_name=placement.region)

    return connect


def one_account(session: boto3.Session, roster: Roster) -> ClassReach:
    """The whole roster in the session's own account and region (a shared class account)."""
    place = Place(account=None, region=session.region_name or "", role_arn=None, session=session)
    return ClassReach(roster=roster, teacher="teacher", places=dict.fromkeys(roster.owners, place))
