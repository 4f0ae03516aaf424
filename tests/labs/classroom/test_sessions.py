"""A class's AWS calls: clients shared between threads, retried in standard mode, at most N at once."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.config import Config

from labs.classroom.sessions import run_bounded
from labs.deployed.shared_session import SharedSession

STREAMS = Config(account_id_endpoint_mode="disabled")


def test_each_client_is_made_once_and_retries_in_standard_mode() -> None:
    session = SharedSession(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")

    first = session.client("cloudformation")

    assert session.client("cloudformation") is first
    assert session.client("dynamodbstreams", config=STREAMS) is session.client(
        "dynamodbstreams", config=STREAMS
    )
    assert session.client("dynamodbstreams") is not session.client("dynamodbstreams", config=STREAMS)
    assert first.meta.config.retries["mode"] == "standard"


def test_work_runs_at_most_n_at_once_and_results_keep_the_items_order() -> None:
    running, most = 0, 0
    lock = threading.Lock()
    done: list[int] = []

    def work(item: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01 * (item % 3))
        with lock:
            running -= 1
        return item * 10

    results = run_bounded(list(range(12)), work, workers=3, on_done=done.append)

    assert results == [item * 10 for item in range(12)]
    assert most <= 3
    assert sorted(done) == list(range(12))


def test_a_failure_in_one_item_is_raised() -> None:
    def work(item: int) -> int:
        if item == 2:
            raise ValueError("item 2 broke")
        return item

    with pytest.raises(ValueError, match="item 2 broke"):
        run_bounded([1, 2, 3], work, workers=2)
    assert run_bounded([], work) == []
