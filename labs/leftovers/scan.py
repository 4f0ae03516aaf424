"""`labkit leftovers`: everything the labs left behind in an account, after `cdk destroy` or an expiry.

Two sources, because neither alone sees everything:

- tags: every lab resource carries `labkit:lab` and `labkit:owner` (Resource Groups Tagging API, plus
  EC2's own tag filters);
- names and per-type listings: CloudFormation names a stack's resources `<stack name>-...` (functions,
  roles, log groups, tables, queues, buckets in lower case), Lambda names its log groups
  `/aws/lambda/<function>`, and Elastic IPs, volumes and network interfaces are found by what they are
  attached to.

A deleted lab stack's types the kit's catalogue does not know are named too: the scan cannot look for them.
A resource counts only while no live stack owns it: resources of deployed labs are not leftovers (the
deployed stack itself is reported, since it is still there). Untagged Elastic IPs, volumes and network
interfaces attached to nothing are attributed to a lab only on the emulator (whose CloudFormation drops
their tags) or with --include-untagged: on a real account the kit's own are always tagged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from labs.deployed.session import on_emulator
from labs.leftovers.blind_spots import scan_deleted_stacks
from labs.leftovers.by_name import scan_named
from labs.leftovers.by_tag import scan_tagged
from labs.leftovers.ec2 import Ec2Scan
from labs.leftovers.model import Findings, Leftover, Scope
from labs.leftovers.stacks import scan_stacks
from labs.registry import lab_ids

if TYPE_CHECKING:
    import boto3


def scan_leftovers(
    session: boto3.Session,
    *,
    lab_id: str | None = None,
    owner: str | None = None,
    include_untagged: bool | None = None,
    now: datetime | None = None,
) -> list[Leftover]:
    """Everything of `lab_id` (all labs when None) and `owner` (any when None) still in the account.

    `include_untagged` (default: only on the emulator) also counts untagged Elastic IPs, volumes and
    network interfaces that are attached to nothing and owned by no live stack. A lab stack still there
    after its expiry time (`now`, default the clock) is reported overdue, with its status and the reason.
    """
    if lab_id is not None and lab_id not in lab_ids():
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(lab_ids())}")
    scope = Scope(labs=(lab_id,) if lab_id else lab_ids(), owner=owner)
    untagged = on_emulator(session) if include_untagged is None else include_untagged
    findings = Findings()
    live = scan_stacks(session, scope, findings, every_stack=untagged, now=now or datetime.now(UTC))
    Ec2Scan(session, scope, live, findings, untagged=untagged).run()
    scan_tagged(session, scope, live, findings)
    scan_named(session, scope, live, findings)
    scan_deleted_stacks(session, scope, live, findings)
    return findings.sorted()
