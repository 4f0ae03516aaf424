"""What AWS Batch does after an attempt ends: retry it, or stop the job (SUCCEEDED or FAILED), as its
documentation says. Plain code over plain values, tested without an emulator.

- Automated job retries (Batch user guide, job_retries): an attempt that fails is retried while the retry
  strategy's `attempts` (1 to 10, default 1) is greater than the attempt number; the job goes back to
  RUNNABLE.
  Jobs cancelled or terminated are not retried, nor jobs that fail for an invalid job definition.
- Job timeouts (job_timeouts): a job terminated for exceeding `attemptDurationSeconds` is not retried.
- EvaluateOnExit (API reference): up to 5 conditions, each with an action (RETRY or EXIT, any case) taken when
  all its given patterns match (onStatusReason, onReason, onExitCode: globs that may end with `*`); the first
  that matches decides; if none matches, the job is retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
RUNNABLE = "RUNNABLE"
MAX_ATTEMPTS = 10
# the statusReason AWS Batch gives an attempt stopped by its timeout
TIMEOUT_REASON = "Job attempt duration exceeded timeout"


@dataclass(frozen=True, kw_only=True)
class AttemptEnd:
    """How one attempt ended: the container's exit code (None when it never ran), its reason, the job's
    status reason, and whether Batch stopped it (timeout, TerminateJob, CancelJob)."""

    exit_code: int | None
    reason: str = ""
    status_reason: str = ""
    timed_out: bool = False
    terminated: bool = False

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and not (self.timed_out or self.terminated)


def glob_matches(pattern: str, value: str) -> bool:
    """A Batch glob: an exact match, or a prefix match when the pattern ends with `*`."""
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    return value == pattern


def condition_matches(condition: Mapping[str, Any], end: AttemptEnd) -> bool:
    """Whether every pattern an EvaluateOnExit condition gives matches the attempt's end."""
    checks = (
        ("onStatusReason", end.status_reason),
        ("onReason", end.reason),
        ("onExitCode", "" if end.exit_code is None else str(end.exit_code)),
    )
    for key, value in checks:
        pattern = condition.get(key)
        if pattern is None:
            continue
        if key == "onExitCode" and end.exit_code is None:
            return False
        if not glob_matches(str(pattern), value):
            return False
    return True


def attempts_allowed(retry_strategy: Mapping[str, Any] | None) -> int:
    """The number of attempts a retry strategy allows (1 when it names none)."""
    attempts = int((retry_strategy or {}).get("attempts") or 1)
    return max(1, min(MAX_ATTEMPTS, attempts))


def next_step(retry_strategy: Mapping[str, Any] | None, end: AttemptEnd, attempt: int) -> str:
    """After attempt number `attempt` (from 1): SUCCEEDED, FAILED, or RUNNABLE (retried)."""
    if end.succeeded:
        return SUCCEEDED
    if end.timed_out or end.terminated or attempt >= attempts_allowed(retry_strategy):
        return FAILED
    conditions: Sequence[Mapping[str, Any]] = (retry_strategy or {}).get("evaluateOnExit") or []
    for condition in conditions:
        if condition_matches(condition, end):
            return RUNNABLE if str(condition.get("action", "")).upper() == "RETRY" else FAILED
    return RUNNABLE
