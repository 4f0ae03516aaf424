"""Before the class: will the whole class fit? The landing-zone preflight for each lab, and the quotas of
every learner deploying every listed lab at once (one learner's needs summed over the labs, times the roster).

The region, bootstrap, boundary and zone lines are `labkit preflight`'s own (labs/preflight), once each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from labs.cost.prices import PriceTable
from labs.preflight.quotas import Need, QuotaSource, checks_for_needs, lab_needs
from labs.preflight.results import Line, unreadable


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
    needs: Mapping[str, Need], learners: int, *, ec2: Any, quotas: QuotaSource
) -> list[Line]:
    """A line per quota the labs touch: the account's use plus every learner's needs, against the limit."""
    try:
        checks = checks_for_needs(needs, ec2=ec2, quotas=quotas, learners=learners)
    except ClientError as error:
        return [unreadable("quotas", error, fix="allow ec2:Describe* to read what the account uses")]
    return [check.line() for check in checks]


def once_each(lines: Iterable[Line]) -> list[Line]:
    """The lines in order, each line the labs share (region, bootstrap, boundary) only once."""
    return list(dict.fromkeys(lines))
