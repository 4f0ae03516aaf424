"""AWS calls for a whole class: bounded worker threads sharing one session, clients made under a lock.

A boto3 Session is not safe to create clients from in several threads at once, but its clients are safe
to share: so the session makes each client once, under a lock, and every thread reuses it. Retries are
botocore's standard mode, the pinned botocore's default (3 attempts, backoff with jitter, throttling
retried); a retry_mode the user configured still wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

import boto3

# enough to hide the round trips of a class of 30, few enough to stay under the APIs' request rates
DEFAULT_WORKERS = 8

T = TypeVar("T")
R = TypeVar("R")


class SharedSession(boto3.Session):
    """A session whose clients are made once, under a lock, and shared by every thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, *args: Any, **kwargs: Any) -> Any:
        """A client per service and options, made once and shared between threads."""
        key = (repr(args), repr(sorted((name, _identity(value)) for name, value in kwargs.items())))
        with self._lock:
            if key not in self._clients:
                self._clients[key] = super().client(*args, **kwargs)
            return self._clients[key]


def _identity(value: Any) -> Any:
    # a Config has no value equality: the kit passes module constants, so their identity is the key
    return value if isinstance(value, str | int | float | bool | None) else id(value)


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
