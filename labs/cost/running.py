"""What runs in one account now, in every region it has enabled, each resource priced as `labkit cost` prices
a template.

Not billing data (Cost Explorer lags up to a day): each catalogue entry with a running scan (labs/catalogue/:
instances on-demand and Spot, EBS volumes, Elastic IPs, NAT gateways, load balancers, Lambda provisioned
concurrency, Fargate tasks, EKS clusters) is read with its Describe and List calls in every region the
account has enabled (ec2:DescribeRegions with AllRegions, by OptInStatus), and priced with the kit's price
table, so a spend shows within minutes of its start, whoever made it and however. What the scan could not
read is named, never taken as clean: a region it could not reach, a call AWS refused, regions it could not
list.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from labs.catalogue import entries
from labs.catalogue.entry import RegionReach, ResourceType
from labs.cost.items import RunningResource
from labs.cost.prices import PriceTable
from labs.deployed.session import error_text

if TYPE_CHECKING:
    import boto3

__all__ = ["AccountScan", "RunningResource", "Unverified", "scan_account", "seen_by_the_scan"]

# a region the account may use: AWS enables these by default, or the account opted in
ENABLED = frozenset({"opt-in-not-required", "opted-in"})
# regions scanned at once, each with its own clients
REGION_WORKERS = 8


@dataclass(frozen=True)
class Unverified:
    """Something the scan could not see: where, what, and AWS's answer. Never counted as clean."""

    where: str
    what: str
    why: str

    @property
    def line(self) -> str:
        return f"could not verify {self.what} in {self.where}: {self.why}"


@dataclass(frozen=True, kw_only=True)
class AccountScan:
    """What runs in one account: the priced resources, what could not be verified, the regions read."""

    resources: tuple[RunningResource, ...]
    unverified: tuple[Unverified, ...]
    regions: tuple[str, ...]
    # enabled regions the teacher chose not to scan (--regions): shown, their spend unknown
    not_scanned: tuple[str, ...] = ()


def running_entries() -> list[ResourceType]:
    """The catalogue's entries the scan reads: those with a running scan."""
    return [found for found in entries().values() if found.running is not None]


def seen_by_the_scan() -> list[str]:
    """What the scan sees, in words, one per entry (the guard's output and the README say it)."""
    return [found.running.sees for found in running_entries() if found.running is not None]


def enabled_regions(session: boto3.Session) -> tuple[list[str], Unverified | None]:
    """The regions the account has enabled, in the session's partition; on failure the session's region alone,
    with what that leaves unverified."""
    home = str(session.region_name)
    partition = session.get_partition_for_region(home)
    try:
        answer = session.client("ec2").describe_regions(AllRegions=True)
    except (ClientError, BotoCoreError) as error:
        why = error_text(error) if isinstance(error, ClientError) else str(error)
        return [home], Unverified("every region but " + home, "what runs", f"ec2:DescribeRegions: {why}")
    names = [
        str(region["RegionName"])
        for region in answer.get("Regions", [])
        if region.get("OptInStatus", "opt-in-not-required") in ENABLED
        and session.get_partition_for_region(str(region["RegionName"])) == partition
    ]
    return sorted(set(names) | {home}), None


def scan_account(
    session: boto3.Session,
    prices: PriceTable,
    *,
    regions: Sequence[str] | None = None,
    workers: int = REGION_WORKERS,
) -> AccountScan:
    """Every billed resource the account runs, in each region it has enabled (or, with `regions`, in those
    of them), priced by the hour; what could not be read is in `unverified`."""
    enabled, unlisted = enabled_regions(session)
    chosen = [r for r in enabled if regions is None or r in regions]
    unverified = [unlisted] if unlisted else []
    if regions is not None:
        unverified += [
            Unverified(r, "what runs", "not enabled in this account") for r in regions if r not in enabled
        ]
    lock = threading.Lock()
    tasks = [(region, found) for region in chosen for found in running_entries()]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda task: _scan(session, lock, task[0], task[1], prices), tasks))
    resources = [r for found, _ in results for r in found]
    unverified += [problem for _, problem in results if problem is not None]
    return AccountScan(
        resources=tuple(resources),
        unverified=tuple(_merged(unverified)),
        regions=tuple(chosen),
        not_scanned=tuple(r for r in enabled if r not in chosen),
    )


def _scan(
    session: boto3.Session, lock: threading.Lock, region: str, found: ResourceType, prices: PriceTable
) -> tuple[list[RunningResource], Unverified | None]:
    running = found.running
    assert running is not None  # running_entries() holds only entries with a scan
    reach = RegionReach(name=region, client=_client_factory(session, lock, region))
    try:
        scanned = list(running.scan(reach, prices))
    except ClientError as error:
        return [], Unverified(region, running.sees, f"{running.reads}: {error_text(error)}")
    except BotoCoreError as error:  # the region's endpoint cannot be reached
        return [], Unverified(region, running.sees, f"unreachable: {error}")
    return [r if r.resource_type else replace(r, resource_type=found.cfn_type) for r in scanned], None


def _client_factory(session: boto3.Session, lock: threading.Lock, region: str) -> Callable[[str], Any]:
    def client(service: str) -> Any:
        # a boto3 session makes clients one thread at a time; the clients themselves are thread-safe
        with lock:
            return session.client(service, region_name=region)  # type: ignore[call-overload]

    return client


def _merged(problems: list[Unverified]) -> list[Unverified]:
    """One line per region for an endpoint that cannot be reached at all, not one per service."""
    unreachable = {p.where for p in problems if p.why.startswith("unreachable")}
    kept = [p for p in problems if p.where not in unreachable]
    kept += [
        Unverified(where, "what runs", "unreachable (no answer from its endpoints)")
        for where in sorted(unreachable)
    ]
    return kept
