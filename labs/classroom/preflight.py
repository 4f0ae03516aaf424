"""Before the class: will the whole class fit? The landing-zone preflight for each lab, and the quotas of
every learner deploying every listed lab at once (one learner's needs summed over the labs, times the roster).

The region, bootstrap, boundary and zone lines are `labkit preflight`'s own (labs/preflight), once each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from labs.classroom.accounts import Place, Unreachable
from labs.cost.prices import PriceTable
from labs.preflight.quotas import QUOTA_READS, Need, QuotaSource, checks_for_needs, lab_needs
from labs.preflight.results import FAIL, Line, unreadable

if TYPE_CHECKING:
    from labs.deployed.bootstrap import Bootstrap


def class_needs(
    templates: Mapping[str, Mapping[str, Any]], labs: Sequence[str], prices: PriceTable
) -> dict[str, Need]:
    """Quota name -> what one learner needs with every lab in `labs` deployed at once."""
    needs: dict[str, Need] = {}
    for lab_id in labs:
        for name, need in lab_needs(templates[lab_id], prices).items():
            before = needs.get(name, Need(at_deploy=0, at_most=0))
            needs[name] = Need(
                at_deploy=before.at_deploy + need.at_deploy, at_most=before.at_most + need.at_most
            )
    return needs


def class_quota_lines(
    needs: Mapping[str, Need], learners: int, *, ec2: Any, quotas: QuotaSource, clients: Any = None
) -> list[Line]:
    """A line per quota the labs touch: the account's use plus every learner's needs, against the limit."""
    try:
        checks = checks_for_needs(needs, ec2=ec2, quotas=quotas, learners=learners, clients=clients)
    except ClientError as error:
        return [unreadable("quotas", error, fix=QUOTA_READS)]
    return [check.line() for check in checks]


def once_each(lines: Iterable[Line]) -> list[Line]:
    """The lines in order, each line the labs share (region, bootstrap, boundary) only once."""
    return list(dict.fromkeys(lines))


def place_lines(
    place: Place,
    learners: int,
    *,
    labs: Sequence[str],
    templates: Mapping[str, Mapping[str, Any]],
    prices: PriceTable,
    bootstrap: Bootstrap,
    boundary: str | None,
    zone: str | None,
    label: bool,
) -> list[Line]:
    """One place's landing-zone lines (once each) and its quotas for the `learners` who work there;
    `label`: each line names the place (a class across accounts)."""
    from labs.preflight.command import landing_zone_lines
    from labs.preflight.log_policies import log_policy_line
    from labs.preflight.quotas import ServiceQuotasSource

    session = place.session
    per_lab = [
        landing_zone_lines(
            session,
            lab_id=lab_id,
            template=dict(templates[lab_id]),
            region=place.region,
            bootstrap=bootstrap,
            boundary=boundary,
            zone=zone,
        )
        for lab_id in labs
    ]
    lines = once_each(line for lab_lines in per_lab for line in lab_lines)
    if not lines[0].blocks:  # a denied region: nothing else can be read
        needs = class_needs(templates, labs, prices)
        quotas = ServiceQuotasSource(session.client("service-quotas"))
        lines += class_quota_lines(
            needs, learners, ec2=session.client("ec2"), quotas=quotas, clients=session.client
        )
        policies = log_policy_line(
            session.client("logs"),
            labs=labs,
            templates=[templates[lab_id] for lab_id in labs],
            learners=learners,
        )
        lines += [policies] if policies else []
    if not label:
        return lines
    return [replace(line, check=f"{place.label}: {line.check}") for line in lines]


def unreachable_line(away: Unreachable) -> Line:
    """A learner's account the teacher cannot reach: nothing there can be checked, a blocker."""
    return Line(
        check=f"{away.owner}: reach account {away.account}",
        status=FAIL,
        detail=f"role {away.role_arn} cannot be assumed: {away.reason}",
        fix="deploy the teacher-access stack (LabkitTeacherAccess) into the learner's account, trusting "
        "you with the class's external id (README: Accounts per learner)",
    )
