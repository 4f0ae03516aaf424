"""What "LabColdStart works" means, read from the check's own invocations and the functions' own logs, the
same way on AWS and the emulator:

every invocation succeeds (else the error, the line it came from and the log's command); a cold start (a
REPORT with Init Duration, Powertools' `cold_start: true`) and a warm start in that same execution environment
(its log stream) without Init Duration; the heavy function's init clearly longer than the light one's over
several forced cold starts (labs/coldstart/evidence.py); alias `live` served without Init Duration when its
provisioned concurrency is on. Only the check's own invocations are graded: the code deployed now, never an
earlier version's log lines.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from labs.checks.report import CheckReport
from labs.checks.stack_items import begin_report
from labs.checks.steps import step_hint
from labs.checks.waiting import Waiter
from labs.coldstart.deployed import (
    DeployedFunction,
    Invoked,
    force_cold_start,
    invoke,
    lab_functions,
    provisioned_status,
    read_records,
)
from labs.coldstart.evidence import ROUNDS, InitComparison, heavy_init_gap, logging_gap
from labs.coldstart.logs import latest_cold, median_warm_ms, warm_after_cold
from labs.coldstart.spec import (
    ALIAS,
    COLD_ITEM,
    HEAVY,
    HEAVY_128,
    HEAVY_1024,
    INVOCATIONS_ITEM,
    LAB_ID,
    LIGHT_128,
    PROFILE_VARIABLE,
    PROVISIONED_CONTEXT,
    STEPS,
    TIMEOUT_S,
    WARM_ITEM,
    provisioned_usd_per_hour,
)

if TYPE_CHECKING:
    import boto3

FORCE_COLD = "the stack's ForceColdStartCommand output, then invoke again"


@dataclass
class Invocations:
    """What the check invoked, per function (by construct id): every invocation, and which were forced
    cold starts (the heavy-init samples)."""

    made: dict[str, list[Invoked]] = field(default_factory=dict)
    forced: dict[str, list[Invoked]] = field(default_factory=dict)

    def add(self, role: str, invoked: Invoked, *, forced: bool = False) -> Invoked:
        """Record one invocation of the role's function."""
        self.made.setdefault(role, []).append(invoked)
        if forced:
            self.forced.setdefault(role, []).append(invoked)
        return invoked

    def failed(self, role: str) -> list[Invoked]:
        """The role's invocations that failed or timed out."""
        return [i for i in self.made.get(role, []) if i.error]

    def request_ids(self, role: str) -> set[str]:
        """The request ids of the role's invocations: what the check grades."""
        return {i.request_id for i in self.made.get(role, [])}

    def init_samples(self, role: str) -> tuple[float, ...]:
        """The Init Durations of the role's forced cold starts that succeeded: never a failed one."""
        return tuple(
            float(i.report["init_ms"])
            for i in self.forced.get(role, [])
            if not i.error and i.report and i.report.get("init_ms") is not None
        )


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
    waiter = waiter or Waiter.for_run(on_emulator=on_emulator)
    by_role = {f.role.construct_id: f for f in functions}
    invocations = invoke_for_the_check(lambda_client, by_role, waiter)
    check_invocations(report, functions, invocations)
    read_logs(session, functions, invocations, waiter)
    check_cold_and_warm(report, by_role[LIGHT_128.construct_id], invocations)
    check_heavy_init(report, by_role, invocations)
    memory_note(report, by_role, on_emulator=on_emulator)
    check_provisioned(report, lambda_client, by_role[LIGHT_128.construct_id])
    return report


def invoke_for_the_check(
    lambda_client: Any, by_role: dict[str, DeployedFunction], waiter: Waiter
) -> Invocations:
    """Each function once (side by side: a function that times out costs its timeout once), then ROUNDS
    forced cold starts of the light and the heavy 128 MB function, one after the other so both see the same
    machine, then one warm invocation of each in the environment its last cold start began."""
    invocations = Invocations()
    with ThreadPoolExecutor(max_workers=len(by_role)) as pool:
        first = {role: pool.submit(invoke, lambda_client, f.name) for role, f in by_role.items()}
        for role, answer in first.items():
            invocations.add(role, answer.result())
    # a quick wait per configuration change: Lambda applies a description change in about a second
    applied = Waiter(timeout_s=60.0, poll_s=1.0, progress=waiter.progress)
    compared = [LIGHT_128.construct_id, HEAVY_128.construct_id]
    for round_number in range(ROUNDS):
        # light first, then heavy first: a machine busier for the second of each pair favours neither
        for role in compared if round_number % 2 == 0 else reversed(compared):
            if invocations.failed(role):
                continue
            force_cold_start(lambda_client, by_role[role], applied)
            invocations.add(role, invoke(lambda_client, by_role[role].name), forced=True)
    for role, function in by_role.items():
        if not invocations.failed(role):
            invocations.add(role, invoke(lambda_client, function.name))
    return invocations


def check_invocations(
    report: CheckReport, functions: list[DeployedFunction], invocations: Invocations
) -> None:
    """Every invocation the check made succeeded; else how each function failed, and its log's command."""
    failing = [f for f in functions if invocations.failed(f.role.construct_id)]
    if not failing:
        counts = ", ".join(f"{f.role.label} {len(invocations.made[f.role.construct_id])}" for f in functions)
        report.add(INVOCATIONS_ITEM, True, f"every invocation the check made succeeded ({counts})")
        return
    described = []
    for function in failing:
        failed = invocations.failed(function.role.construct_id)
        errors = list(dict.fromkeys(i.error for i in failed))
        made = len(invocations.made[function.role.construct_id])
        described.append(f"{function.role.label}: {'; '.join(errors)} ({len(failed)} of {made} failed)")
    first = failing[0]
    timed_out = any("timed out" in i.error for i in invocations.failed(first.role.construct_id))
    why = (
        f"the handler ran past the function's {first.configuration.get('Timeout', TIMEOUT_S)} s timeout "
        "(an endless loop, or a call that waits); "
        if timed_out
        else ""
    )
    report.add(
        INVOCATIONS_ITEM,
        False,
        "; ".join(described),
        hint=f"{why}read the error and its traceback in the function's log: "
        f"aws logs tail {first.log_group} --since 10m",
    )


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
    session: boto3.Session, functions: list[DeployedFunction], invocations: Invocations, waiter: Waiter
) -> None:
    """Each function's records, once its log shows the REPORTs of the check's own invocations."""
    logs = session.client("logs")
    expected = {
        f.role.construct_id: {
            i.report["request_id"] for i in invocations.made.get(f.role.construct_id, []) if i.report
        }
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


def check_cold_and_warm(report: CheckReport, light: DeployedFunction, invocations: Invocations) -> None:
    """The light function's latest cold start made by the check logged cold_start true, and a warm
    invocation after it in the same environment logged cold_start false."""
    own = invocations.request_ids(light.role.construct_id)
    records = [r for r in light.records if r.request_id in own and not r.failed]
    cold = latest_cold(records)
    if cold is None:
        failed = invocations.failed(light.role.construct_id)
        report.add(
            COLD_ITEM,
            False,
            f"{light.role.label}: "
            + ("no invocation succeeded" if failed else "no REPORT with Init Duration"),
            hint="fix the failing invocations first (the Invocations item above)"
            if failed
            else f"force one: {FORCE_COLD}",
        )
    else:
        report.add(
            COLD_ITEM,
            cold.cold_start is True,
            f"{light.role.label}: Init Duration {cold.init_ms:.1f} ms, Powertools cold_start: "
            f"{_flag(cold.cold_start)} (environment {cold.environment.rsplit(']', 1)[-1][:8]})",
            hint=step_hint(STEPS, 1, logging_gap(cold.output)),
        )
    warm = warm_after_cold(records)
    report.add(
        WARM_ITEM,
        warm is not None and warm.cold_start is False,
        f"{light.role.label}: the same environment answered again in {warm.duration_ms:.1f} ms, "
        f"no Init Duration, cold_start: {_flag(warm.cold_start)}"
        if warm is not None
        else "no invocation reused an environment whose cold start is in the log",
        hint="invoke the function twice within a minute: the second call reuses the environment"
        if warm is None
        else step_hint(STEPS, 1, logging_gap(warm.output)),
    )


def check_heavy_init(
    report: CheckReport, by_role: dict[str, DeployedFunction], invocations: Invocations
) -> None:
    """The heavy function's init is clearly longer than the light one's, over the check's forced cold starts
    (labs/coldstart/evidence.py: the rule and why noise cannot flip it)."""
    comparison = InitComparison(
        light_ms=invocations.init_samples(LIGHT_128.construct_id),
        heavy_ms=invocations.init_samples(HEAVY_128.construct_id),
    )
    large = latest_cold([r for r in by_role[HEAVY_1024.construct_id].records if not r.failed])
    detail = comparison.describe() + (
        f"; heavy 1024 MB: {large.init_ms:.0f} ms" if large and large.init_ms else ""
    )
    failing = [role.label for role in (LIGHT_128, HEAVY_128) if invocations.failed(role.construct_id)]
    if failing:
        hint = f"fix the failing invocations of {' and '.join(failing)} first (the Invocations item above)"
    elif not comparison.enough:
        hint = f"each forced cold start must report an Init Duration: {FORCE_COLD}"
    else:
        hint = step_hint(STEPS, 2, heavy_init_gap(comparison, profile_variable=PROFILE_VARIABLE, heavy=HEAVY))
    report.add("Heavy init", comparison.heavier, detail, hint=hint)


def memory_note(report: CheckReport, by_role: dict[str, DeployedFunction], *, on_emulator: bool) -> None:
    """Note how the heavy function's warm duration changes with its memory."""
    # a failed invocation's duration says nothing about the CPU
    small, large = (
        median_warm_ms(r for r in by_role[role.construct_id].records if not r.failed)
        for role in (HEAVY_128, HEAVY_1024)
    )
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


def _ms(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "none seen"


def _flag(value: bool | None) -> str:
    return "none logged" if value is None else str(value).lower()
