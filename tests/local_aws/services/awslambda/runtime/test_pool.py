"""Warm and cold execution environments, driven without an emulator: real processes, a fake idle clock."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws.services.awslambda.runtime.invoke import FunctionSpec, Invocation, RuntimeFiles
from local_aws.services.awslambda.runtime.pool import EnvironmentPool
from tests.local_aws.services.stacks import function_zip

COUNTER = """
    import os
    import time
    time.sleep(float(os.environ.get("INIT_SLEEP", "0")))
    CALLS = []

    def handler(event, context):
        CALLS.append(event)
        print("call", len(CALLS))
        return {"calls": len(CALLS), "pid": os.getpid(), "type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]}
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def files(tmp_path: Path) -> Iterator[RuntimeFiles]:
    runtime = RuntimeFiles(tmp_path / "runtime-files")
    yield runtime
    runtime.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pool(files: RuntimeFiles, clock: FakeClock) -> Iterator[EnvironmentPool]:
    environments = EnvironmentPool(
        files=files, endpoint="http://localhost:9", idle_s=60, clock=clock, reap_every_s=3600
    )
    yield environments
    environments.shutdown()


def spec(
    *, environment: dict[str, str] | None = None, log_format: str = "Text", version: str = "$LATEST"
) -> FunctionSpec:
    return FunctionSpec(
        name="counter",
        arn="arn:aws:lambda:us-east-1:123456789012:function:counter",
        handler="app.handler",
        runtime="python3.13",
        timeout_s=10,
        memory_mb=256,
        environment=environment or {},
        code_zip=function_zip({"app.py": COUNTER}),
        log_group="/aws/lambda/counter",
        region="us-east-1",
        credentials={"AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c"},
        version=version,
        log_format=log_format,
    )


def test_a_package_built_seconds_later_is_the_same_bytes_and_the_same_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two spec() calls seconds apart once hashed to different code (zipfile stamps the current time), so a
    warm environment was not found again under load: a package's entries carry a fixed date instead."""
    first, first_spec = function_zip({"app.py": COUNTER}), spec()
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda seconds=None: time.gmtime(later))

    second, second_spec = function_zip({"app.py": COUNTER}), spec()

    assert first == second
    assert first_spec.fingerprint == second_spec.fingerprint
    with zipfile.ZipFile(io.BytesIO(second)) as bundle:
        assert "def handler(event, context):" in bundle.read("app.py").decode()
        assert bundle.getinfo("app.py").external_attr >> 16 == 0o644


def answer(invocation: Invocation) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(invocation.payload)
    return decoded


def report(invocation: Invocation) -> str:
    return next(line for line in invocation.log_lines if line.startswith("REPORT"))


def test_the_first_invocation_is_cold_and_the_second_warm_in_the_same_process(pool: EnvironmentPool) -> None:
    first = pool.invoke(spec(), {"n": 1}, request_id="r-1")
    second = pool.invoke(spec(), {"n": 2}, request_id="r-2")

    assert answer(first)["calls"] == 1
    assert answer(second)["calls"] == 2  # module state survived: the same environment
    assert answer(first)["pid"] == answer(second)["pid"]
    assert first.log_stream == second.log_stream  # one log stream per environment
    assert first.log_lines[0].startswith("INIT_START Runtime Version: ")
    assert "\tInit Duration: " in report(first)
    assert "Init Duration" not in report(second)
    assert not any(line.startswith("INIT_START") for line in second.log_lines)
    assert first.init_ms is not None
    assert first.init_ms > 0
    assert second.init_ms is None


def test_init_duration_measures_the_handler_modules_own_init(pool: EnvironmentPool) -> None:
    quick = pool.invoke(spec(), {}, request_id="r-quick")
    slow = pool.invoke(spec(environment={"INIT_SLEEP": "0.4"}), {}, request_id="r-slow")

    assert quick.init_ms is not None
    assert slow.init_ms is not None
    assert slow.init_ms - quick.init_ms > 300


def test_an_idle_environment_is_reclaimed_and_the_next_invocation_is_cold(
    pool: EnvironmentPool, clock: FakeClock
) -> None:
    first = pool.invoke(spec(), {}, request_id="r-1")
    clock.now += 30
    assert pool.reap() == 0
    clock.now += 31

    assert pool.reap() == 1
    again = pool.invoke(spec(), {}, request_id="r-2")

    assert answer(again)["calls"] == 1
    assert again.log_stream != first.log_stream
    assert "\tInit Duration: " in report(again)


def test_a_configuration_change_starts_a_new_environment(pool: EnvironmentPool) -> None:
    pool.invoke(spec(), {}, request_id="r-1")
    changed = pool.invoke(spec(environment={"STAGE": "2"}), {}, request_id="r-2")

    assert answer(changed)["calls"] == 1
    assert "\tInit Duration: " in report(changed)
    assert len(pool.environments()) == 1  # the old configuration's environment was shut down


def test_provisioned_environments_start_ahead_and_report_no_init_duration(pool: EnvironmentPool) -> None:
    version = spec(version="1")
    started = pool.provision(version, key="counter:live", count=1)
    init_lines = started[0].take_init_lines()

    served = pool.invoke(version, {}, request_id="r-1", provisioned_for="counter:live")

    assert init_lines[0].startswith("INIT_START")
    assert answer(served)["type"] == "provisioned-concurrency"
    assert served.log_stream == started[0].log_stream
    assert served.log_stream.endswith(f"[1]{started[0].id}")
    assert served.log_lines[0] == "START RequestId: r-1 Version: 1"
    assert "Init Duration" not in report(served)


def test_a_busy_provisioned_environment_spills_over_to_an_on_demand_one(pool: EnvironmentPool) -> None:
    version = spec(version="1")
    pool.provision(version, key="counter:live", count=1)
    # the version invoked without its alias does not use the alias's environments
    direct = pool.invoke(version, {}, request_id="r-1")

    assert answer(direct)["type"] == "on-demand"
    assert "\tInit Duration: " in report(direct)


def test_json_log_format_writes_the_platform_events(pool: EnvironmentPool) -> None:
    first = pool.invoke(spec(log_format="JSON"), {}, request_id="r-1")
    events = [json.loads(line) for line in first.log_lines if line.startswith("{")]
    kinds = [event["type"] for event in events]

    assert kinds == ["platform.initStart", "platform.start", "platform.runtimeDone", "platform.report"]
    assert events[0]["record"]["initializationType"] == "on-demand"
    metrics = events[-1]["record"]["metrics"]
    assert metrics["initDurationMs"] > 0
    assert metrics["billedDurationMs"] >= metrics["durationMs"] + metrics["initDurationMs"]
    assert events[-1]["record"]["status"] == "success"
    second = pool.invoke(spec(log_format="JSON"), {}, request_id="r-2")
    assert "initDurationMs" not in json.loads(second.log_lines[-1])["record"]["metrics"]


def test_a_timeout_closes_the_environment(pool: EnvironmentPool) -> None:
    source = "import time\ndef handler(event, context):\n    time.sleep(event['s'])\n    return 1\n"
    slow = FunctionSpec(**{**spec().__dict__, "timeout_s": 1, "code_zip": function_zip({"app.py": source})})
    timed_out = pool.invoke(slow, {"s": 5}, request_id="r-1")
    after = pool.invoke(slow, {"s": 0}, request_id="r-2")

    assert timed_out.timed_out
    assert "Status: timeout" in report(timed_out)
    assert "\tInit Duration: " in report(after)  # a fresh environment
