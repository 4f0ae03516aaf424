"""AWS calls for a whole class: bounded worker threads sharing one session (labs.deployed.shared_session,
whose clients are made once, under a lock, and reused by every thread). Retries are
botocore's standard mode, the pinned botocore's default (3 attempts, backoff with jitter, throttling
retried); a retry_mode the user configured still wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TypeVar

# enough to hide the round trips of a class of 30, few enough to stay under the APIs' request rates
DEFAULT_WORKERS = 8

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    items: Sequence[T],
    work: Callable[[T], R],
    *,
    workers: int = DEFAULT_WORKERS,
    on_done: Callable[[T], None] | None = None,
) -> list[R]:
    """`work` on every item, at most `workers` at a time; results in the items' order.

    The first exception is raised once the running calls are done; calls not started are cancelled.
    """
    if not items:
        return []
    results: dict[int, R] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(items))), thread_name_prefix="labkit-class")
    try:
        futures: dict[Future[R], int] = {pool.submit(work, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_done is not None:
                on_done(items[index])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[index] for index in range(len(items))]
