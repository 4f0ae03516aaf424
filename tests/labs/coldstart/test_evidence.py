"""What LabColdStart's grade rests on: several cold starts with a margin, an error, what was logged."""

from __future__ import annotations

import itertools
import json

import pytest

from labs.coldstart.deployed import describe_error
from labs.coldstart.evidence import ROUNDS, InitComparison, heavy_init_gap, logging_gap

TIMED_OUT = "2026-12-06T10:00:10.012Z r-1 Task timed out after 10.01 seconds"
SAME_CODE = 100.0
HEAVY_CODE = 600.0
# what a loaded machine does to one sample: up to three times as long
SLOWDOWNS = (1.0, 3.0)


def noisy(base: float) -> list[tuple[float, ...]]:
    """Every way one of the ROUNDS samples can be slowed down (the others as they are)."""
    return [
        tuple(base * factor for factor in factors)
        for factors in itertools.product(SLOWDOWNS, repeat=ROUNDS)
        if sum(factor > 1 for factor in factors) <= 1
    ]


def test_the_same_code_in_both_functions_never_passes_whatever_one_slow_sample_does() -> None:
    verdicts = {
        InitComparison(light_ms=light, heavy_ms=heavy).heavier
        for light in noisy(SAME_CODE)
        for heavy in noisy(SAME_CODE)
    }

    assert verdicts == {False}


def test_clients_built_at_init_always_pass_whatever_one_slow_sample_does() -> None:
    verdicts = {
        InitComparison(light_ms=light, heavy_ms=heavy).heavier
        for light in noisy(SAME_CODE)
        for heavy in noisy(HEAVY_CODE)
    }

    assert verdicts == {True}


def test_too_few_samples_never_pass_and_say_how_many_there_were() -> None:
    comparison = InitComparison(light_ms=(100.0,), heavy_ms=(600.0, 610.0, 590.0))

    assert not comparison.heavier
    assert comparison.describe() == "1 light and 3 heavy cold starts succeeded; the grade needs 3 of each"


def test_a_small_gap_is_not_heavy_enough() -> None:
    # importing boto3 in both profiles and building clients only in the heavy one: 1.4x, not the lesson
    assert not InitComparison(light_ms=(430.0,) * 3, heavy_ms=(600.0,) * 3).heavier
    # twice as long but only 60 ms more: within what a busy machine adds
    assert not InitComparison(light_ms=(60.0,) * 3, heavy_ms=(120.0,) * 3).heavier


def test_the_heavy_init_hint_says_the_same_for_any_ratio_under_the_bar() -> None:
    # the same code in both (1.05x) and a little more in heavy (1.4x): under load one becomes the other
    hints = {
        heavy_init_gap(
            InitComparison(light_ms=(100.0,) * 3, heavy_ms=(heavy,) * 3), profile_variable="P", heavy="h"
        ).split(", so ", 1)[1]
        for heavy in (105.0, 140.0, 240.0)
    }

    assert len(hints) == 1
    (hint,) = hints
    assert "nothing heavy runs at init yet" in hint
    assert "import boto3 and create its clients at module level, not inside the handler" in hint
    assert "keep the light profile light" in hint


@pytest.mark.parametrize(
    ("output", "says"),
    [
        (['{"level":"INFO","location":"handler:9","message":"invoked","service":"coldstart"}'], "decorate"),
        (["invoked light"], "print or the logging module"),
        ([], "the handler logs nothing"),
    ],
)
def test_the_logging_hint_names_what_the_invocation_lacked(output: list[str], says: str) -> None:
    assert says in logging_gap(output)


def test_print_under_the_decorator_is_not_told_to_add_the_decorator() -> None:
    hint = logging_gap(["invoked light"])

    assert hint.startswith("the handler writes plain text")
    assert 'logger.info("invoked") instead' in hint


def test_an_error_answer_names_the_type_message_and_line_of_the_functions_own_code() -> None:
    payload = {
        "errorMessage": "boom",
        "errorType": "ValueError",
        "stackTrace": [
            '  File "/var/task/handler.py", line 31, in handler\n    rows = parse(event)\n',
            '  File "/var/task/rows.py", line 7, in parse\n    raise ValueError("boom")\n',
            '  File "/var/lang/lib/python3.13/json/__init__.py", line 346, in loads\n',
        ],
        "requestId": "r-1",
    }

    assert describe_error(json.dumps(payload).encode(), "Unhandled") == "ValueError: boom (rows.py line 7)"


@pytest.mark.parametrize(
    "payload",
    [
        {"errorMessage": TIMED_OUT},
        {"errorType": "Sandbox.Timedout", "errorMessage": TIMED_OUT},
    ],
)
def test_a_timeout_answer_says_timed_out_after_so_many_seconds(payload: dict[str, str]) -> None:
    assert describe_error(json.dumps(payload).encode(), "Unhandled") == "timed out after 10.01 s"


def test_an_unreadable_error_answer_falls_back_to_the_function_error() -> None:
    assert describe_error(b"not json", "Unhandled") == "Unhandled"
