"""What Batch does after an attempt ends, as its retry and timeout documentation says: the plain rules."""

from __future__ import annotations

import pytest

from local_aws.services.batch.retries import (
    FAILED,
    RUNNABLE,
    SUCCEEDED,
    TIMEOUT_REASON,
    AttemptEnd,
    attempts_allowed,
    glob_matches,
    next_step,
)

pytestmark = pytest.mark.unit

EXITED = "Essential container in task exited"
TWO_ATTEMPTS = {"attempts": 2}


def ended(code: int | None, **kw: object) -> AttemptEnd:
    return AttemptEnd(exit_code=code, status_reason=str(kw.pop("status_reason", EXITED)), **kw)  # type: ignore[arg-type]


def test_exit_code_zero_succeeds_whatever_the_strategy() -> None:
    assert next_step(None, ended(0), 1) == SUCCEEDED
    assert next_step(TWO_ATTEMPTS, ended(0), 1) == SUCCEEDED


def test_a_failed_attempt_is_retried_while_attempts_remain() -> None:
    assert next_step(TWO_ATTEMPTS, ended(1), 1) == RUNNABLE
    assert next_step(TWO_ATTEMPTS, ended(1), 2) == FAILED


def test_without_a_retry_strategy_a_job_has_one_attempt() -> None:
    assert attempts_allowed(None) == 1
    assert next_step(None, ended(1), 1) == FAILED


def test_attempts_are_capped_at_ten() -> None:
    assert attempts_allowed({"attempts": 50}) == 10


def test_a_timed_out_or_terminated_attempt_is_never_retried() -> None:
    timed_out = ended(137, status_reason=TIMEOUT_REASON, timed_out=True)
    terminated = ended(143, status_reason="stopped by hand", terminated=True)
    assert next_step(TWO_ATTEMPTS, timed_out, 1) == FAILED
    assert next_step(TWO_ATTEMPTS, terminated, 1) == FAILED


def test_the_first_matching_condition_decides_and_its_action_is_case_insensitive() -> None:
    strategy = {
        "attempts": 3,
        "evaluateOnExit": [{"onExitCode": "2", "action": "exit"}, {"onExitCode": "*", "action": "RETRY"}],
    }
    assert next_step(strategy, ended(2), 1) == FAILED
    assert next_step(strategy, ended(1), 1) == RUNNABLE


def test_no_matching_condition_means_the_job_is_retried() -> None:
    strategy = {"attempts": 2, "evaluateOnExit": [{"onExitCode": "2", "action": "EXIT"}]}
    assert next_step(strategy, ended(1), 1) == RUNNABLE


def test_every_pattern_of_a_condition_must_match() -> None:
    strategy = {
        "attempts": 2,
        "evaluateOnExit": [{"onExitCode": "1", "onStatusReason": "Host EC2*", "action": "EXIT"}],
    }
    assert next_step(strategy, ended(1), 1) == RUNNABLE
    assert next_step(strategy, ended(1, status_reason="Host EC2 terminated"), 1) == FAILED


def test_an_exit_code_condition_never_matches_a_container_that_never_ran() -> None:
    strategy = {"attempts": 2, "evaluateOnExit": [{"onExitCode": "*", "action": "EXIT"}]}
    never_ran = AttemptEnd(
        exit_code=None, reason="CannotPullContainerError: ...", status_reason="Task failed"
    )
    assert next_step(strategy, never_ran, 1) == RUNNABLE


def test_a_glob_matches_exactly_or_as_a_prefix_when_it_ends_with_a_star() -> None:
    assert glob_matches("CannotPull*", "CannotPullContainerError: i/o timeout")
    assert not glob_matches("CannotPull", "CannotPullContainerError")
    assert glob_matches("137", "137")
    assert not glob_matches("13", "137")
