"""What "LabColdStart works" means, read from the functions' own logs, the same way on AWS and the emulator:

a cold start (a REPORT with Init Duration, Powertools' `cold_start: true`), a warm start in that same
execution environment (its log stream) without Init Duration, the heavy function's init longer than the light
one's, and alias `live` served without Init Duration when its provisioned concurrency is on. The check
invokes each function twice itself, so a fresh deploy has something to show; earlier invocations count too.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.coldstart.deployed import (
    DeployedFunction,
    Invoked,
    invoke,
    lab_functions,
    provisioned_status,
    read_records,
)
from labs.coldstart.logs import InvocationRecord, latest_cold, median_warm_ms, warm_after_cold
from labs.coldstart.spec import (
    ALIAS,
    COLD_ITEM,
    HEAVY_128,
    HEAVY_1024,
    INVOCATIONS_ITEM,
    LAB_ID,
    LIGHT_128,
    PROVISIONED_CONTEXT,
    STEPS,
    WARM_ITEM,
    provisioned_usd_per_hour,
)

if TYPE_CHECKING:
    import boto3

INVOCATIONS_EACH = 2
FORCE_COLD = "the stack's ForceColdStartCommand output, then invoke again"


def check(
    session: boto3.Session,
    *,
    stack_name: str,
    on_emulator: bool,
    waiter: Waiter | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Check LabColdStart: its functions, their cold and warm starts, and provisioned concurrency."""
    report, stack = begin_report(LAB_ID, session, stack_name, on_emulator=on_emulator, now=now)
    if stack is None:
        return report
    lambda_client = session.client("lambda")
    functions, missing = lab_functions(lambda_client, stack)
    check_functions(report, functions, missing)
    if missing:
        return report
    invoked = {
        f.role.construct_id: [invoke(lambda_client, f.name) for _ in range(INVOCATIONS_EACH)]
        for f in functions
    }
    failed = [
        f"{f.role.label}: {i.error}" for f in functions for i in invoked[f.role.construct_id] if i.error
    ]
    report.add(
        INVOCATIONS_ITEM,
        not failed,
        f"{INVOCATIONS_EACH} invocations of each function succeeded" if not failed else "; ".join(failed),
        hint="read the function's log group (aws logs tail <group> --since 10m) for the error",
    )
    read_logs(session, functions, invoked, waiter or Waiter.for_run(on_emulator=on_emulator))
    by_role = {f.role.construct_id: f for f in functions}
    check_cold_and_warm(report, by_role[LIGHT_128.construct_id])
    check_heavy_init(report, by_role)
    memory_note(report, by_role, on_emulator=on_emulator)
    check_provisioned(report, lambda_client, by_role[LIGHT_128.construct_id])
    return report


def check_functions(report: CheckReport, functions: list[DeployedFunction], missing: list[str]) -> None:
    """Check that each function is there, with its role's memory, on arm64."""
    problems = [f"no {label} function" for label in missing]
    for function in functions:
        configuration = function.configuration
        if int(configuration.get("MemorySize", 0)) != function.role.memory_mb:
            problems.append(f"{function.role.label} has {configuration.get('MemorySize')} MB")
        if configuration.get("Architectures", ["arm64"]) != ["arm64"]:
            problems.append(f"{function.role.label} is not arm64")
    report.add(
        "Functions",
        not problems,
        ", ".join(f"{f.role.label} ({f.name})" for f in functions) if not problems else "; ".join(problems),
        hint="redeploy the lab to restore its functions",
    )


def read_logs(
    session: boto3.Session,
    functions: list[DeployedFunction],
    invoked: dict[str, list[Invoked]],
    waiter: Waiter,
) -> None:
    """Each function's records, once its log shows the REPORTs of the check's own invocations."""
    logs = session.client("logs")
    expected = {
        f.role.construct_id: {i.report["request_id"] for i in invoked[f.role.construct_id] if i.report}
        for f in functions
    }

    def probe() -> tuple[bool | None, str]:
        waiting = 0
        for function in functions:
            function.records = read_records(logs, function.log_group)
            seen = {record.request_id for record in function.records}
            waiting += len(expected[function.role.construct_id] - seen)
        return (True if waiting == 0 else None), f"{waiting} REPORT lines not in the logs yet"

    waiter.until(probe, what="reading the functions' logs")


def check_cold_and_warm(report: CheckReport, light: DeployedFunction) -> None:
    """Check that the light function logged a cold start, then a warm one in the same environment."""
    records = light.records
    cold = latest_cold(records)
    report.add(
        COLD_ITEM,
        cold is not None and cold.cold_start is True,
        f"{light.role.label}: Init Duration {cold.init_ms:.1f} ms, Powertools cold_start: "
        f"{str(cold.cold_start).lower()} (environment {cold.environment.rsplit(']', 1)[-1][:8]})"
        if cold is not None
        else f"no REPORT with Init Duration among {len(records)} invocations",
        hint=step_hint(STEPS, 1, "inject the Lambda context: @logger.inject_lambda_context on the handler")
        if cold is not None
        else f"force one: {FORCE_COLD}",
    )
    warm = warm_after_cold(records)
    report.add(
        WARM_ITEM,
        warm is not None and warm.cold_start is False,
        f"{light.role.label}: the same environment answered again in {warm.duration_ms:.1f} ms, "
        f"no Init Duration, cold_start: {str(warm.cold_start).lower()}"
        if warm is not None
        else "no invocation reused an environment whose cold start is in the log",
        hint="invoke the function twice within a minute: the second call reuses the environment"
        if warm is None
        else step_hint(STEPS, 1, "log with the Lambda context injected, so each line says cold_start"),
    )


def check_heavy_init(report: CheckReport, by_role: dict[str, DeployedFunction]) -> None:
    """Check that the heavy function's init takes longer than the light one's."""
    light, heavy, large = (
        latest_init_ms(by_role[role.construct_id].records) for role in (LIGHT_128, HEAVY_128, HEAVY_1024)
    )
    ok = light is not None and heavy is not None and heavy > light
    report.add(
        "Heavy init",
        ok,
        f"latest Init Duration: light {_ms(light)}, heavy {_ms(heavy)} at 128 MB, {_ms(large)} at 1024 MB",
        hint=step_hint(STEPS, 2, "create the boto3 clients at module level, not inside the handler")
        if light is not None and heavy is not None
        else f"a cold start of each function is needed: {FORCE_COLD}",
    )


def memory_note(report: CheckReport, by_role: dict[str, DeployedFunction], *, on_emulator: bool) -> None:
    """Note how the heavy function's warm duration changes with its memory."""
    small = median_warm_ms(by_role[HEAVY_128.construct_id].records)
    large = median_warm_ms(by_role[HEAVY_1024.construct_id].records)
    note = f"CPU follows memory: the heavy function's warm duration is {_ms(small)} at 128 MB, "
    note += f"{_ms(large)} at 1024 MB"
    if on_emulator:
        note += " (the emulator gives every function the same CPU; on AWS 128 MB gets 1/8 of 1024 MB's)"
    report.notes.append(note + ".")


def check_provisioned(report: CheckReport, lambda_client: Any, light: DeployedFunction) -> None:
    """Check the light function's provisioned concurrency, or note how to turn it on."""
    config = provisioned_status(lambda_client, light.name)
    if config is None:
        report.notes.append(
            f"Provisioned alias: not enabled. Deploy with -c {PROVISIONED_CONTEXT}=1 to see alias {ALIAS} "
            f"answer without Init Duration (about ${provisioned_usd_per_hour():.4f}/h while deployed)."
        )
        return
    status = str(config.get("Status"))
    served = invoke(lambda_client, light.name, qualifier=ALIAS) if status == "READY" else None
    report_line = served.report if served else None
    ok = report_line is not None and report_line.get("init_ms") is None and not (served and served.error)
    report.add(
        "Provisioned alias",
        ok,
        f"alias {ALIAS}: provisioned concurrency {config.get('AllocatedProvisionedConcurrentExecutions')} "
        f"{status}; its invocation took {report_line['duration_ms']:.1f} ms, no Init Duration"
        if ok and report_line is not None
        else f"alias {ALIAS}: provisioned concurrency {status}"
        + (f"; its invocation reported Init Duration {report_line.get('init_ms')} ms" if report_line else ""),
        hint="wait for Status READY (aws lambda get-provisioned-concurrency-config --function-name "
        f"{light.name} --qualifier {ALIAS}), then rerun the check",
    )


def latest_init_ms(records: list[InvocationRecord]) -> float | None:
    """The init duration of the latest cold start, or None."""
    cold = latest_cold(records)
    return cold.init_ms if cold is not None else None


def _ms(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "none seen"
