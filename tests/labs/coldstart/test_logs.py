"""Reading REPORT lines (Text and JSON formats) and Powertools' cold_start, and showing them."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from labs.coldstart.logs import invocations, median_init_ms, parse_report, warm_after_cold
from labs.coldstart.render import (
    DURATION_GLYPH,
    INIT_GLYPH,
    bar_plot,
    environment_label,
    invocation_table,
    rows_of,
)
from labs.coldstart.spec import parse_provisioned, provisioned_usd_per_hour

COLD = "\t".join(
    [
        "REPORT RequestId: r-1",
        "Duration: 12.50 ms",
        "Billed Duration: 104 ms",
        "Memory Size: 128 MB",
        "Max Memory Used: 40 MB",
        "Init Duration: 91.20 ms",
        "",
    ]
)
WARM = "\t".join(
    [
        "REPORT RequestId: r-2",
        "Duration: 3.10 ms",
        "Billed Duration: 4 ms",
        "Memory Size: 128 MB",
        "Max Memory Used: 40 MB",
    ]
)

JSON_COLD = json.dumps(
    {
        "time": "2026-12-06T10:00:00.000Z",
        "type": "platform.report",
        "record": {
            "requestId": "r-3",
            "metrics": {
                "durationMs": 2.0,
                "billedDurationMs": 80,
                "memorySizeMB": 1024,
                "initDurationMs": 77.4,
            },
            "status": "success",
        },
    }
)


def powertools(request_id: str, cold: bool) -> str:
    return json.dumps(
        {"level": "INFO", "message": "invoked", "cold_start": cold, "function_request_id": request_id}
    )


def events(*lines: tuple[str, str]) -> list[dict[str, object]]:
    return [
        {"logStreamName": stream, "timestamp": 1000 + index, "message": line}
        for index, (stream, line) in enumerate(lines)
    ]


def test_a_text_report_with_init_duration_is_a_cold_start() -> None:
    report = parse_report(COLD)

    assert report == {
        "request_id": "r-1",
        "duration_ms": 12.5,
        "billed_ms": 104.0,
        "memory_mb": 128,
        "max_memory_mb": 40,
        "init_ms": 91.2,
        "status": "success",
        "error_type": None,
    }
    assert parse_report(WARM)["init_ms"] is None  # type: ignore[index]


def test_a_json_platform_report_reads_the_same() -> None:
    report = parse_report(JSON_COLD)

    assert report is not None
    assert (report["init_ms"], report["memory_mb"], report["billed_ms"]) == (77.4, 1024, 80)
    assert parse_report('{"type": "platform.start"}') is None
    assert parse_report("START RequestId: r-1 Version: $LATEST") is None


def test_records_carry_powertools_cold_start_and_show_reuse_of_an_environment() -> None:
    records = invocations(
        events(
            ("2026/12/06/[$LATEST]aaa", powertools("r-1", True)),
            ("2026/12/06/[$LATEST]aaa", COLD),
            ("2026/12/06/[$LATEST]aaa", powertools("r-2", False)),
            ("2026/12/06/[$LATEST]aaa", WARM),
        )
    )

    assert [(r.request_id, r.cold, r.cold_start) for r in records] == [
        ("r-1", True, True),
        ("r-2", False, False),
    ]
    warm = warm_after_cold(records)
    assert warm is not None
    assert warm.request_id == "r-2"
    assert median_init_ms(records) == pytest.approx(91.2)


def test_a_warm_start_in_another_environment_is_not_reuse() -> None:
    records = invocations(events(("[$LATEST]aaa", COLD), ("[$LATEST]bbb", WARM)))

    assert warm_after_cold(records) is None


def test_the_table_and_plot_show_cold_and_warm_with_init_first() -> None:
    records = invocations(events(("2026/12/06/[1]abcdef012345", COLD), ("2026/12/06/[1]abcdef012345", WARM)))
    rows = rows_of([("light 128 MB", records)], last=5)
    console = Console(width=120, record=True, color_system=None)

    console.print(invocation_table(rows))
    for line in bar_plot(rows, width=20):
        console.print(line)
    text = console.export_text()

    assert "cold" in text
    assert "warm" in text
    assert "91.2" in text
    assert "v1 abcdef01" in text
    bars = [line for line in text.splitlines() if line.startswith("light 128 MB #")]
    assert len(bars) == 2
    assert bars[0].count("░") > 0
    assert bars[1].count("░") == 0
    assert bars[0].endswith("cold")


def test_environment_label_names_the_version() -> None:
    assert environment_label("2026/12/06/[$LATEST]0123456789") == "$LATEST 01234567"
    assert environment_label("2026/12/06/[3]0123456789") == "v3 01234567"


@pytest.mark.parametrize(("value", "expected"), [(None, 0), ("", 0), ("0", 0), ("1", 1), ("true", 1), (2, 2)])
def test_the_provisioned_concurrency_flag(value: object, expected: int) -> None:
    assert parse_provisioned(value) == expected


@pytest.mark.parametrize("value", ["3", "-1", "many"])
def test_a_bad_provisioned_concurrency_flag_is_refused_with_the_range(value: str) -> None:
    with pytest.raises(ValueError, match="provisionedConcurrency must be 0 to 2"):
        parse_provisioned(value)


def test_provisioned_concurrency_costs_about_a_seventh_of_a_cent_an_hour_at_128_mb() -> None:
    assert provisioned_usd_per_hour() == pytest.approx(0.0015, abs=0.00002)


STREAM = "2026/12/06/[$LATEST]aaa"


def report(request_id: str, *extra: str) -> str:
    return "\t".join(
        [f"REPORT RequestId: {request_id}", "Duration: 5.00 ms", "Billed Duration: 5 ms", *extra]
    )


def test_an_unhandled_error_belongs_to_its_invocation_with_what_it_wrote() -> None:
    records = invocations(
        events(
            (STREAM, "START RequestId: r-1 Version: $LATEST"),
            (STREAM, "invoked light"),
            (STREAM, "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the code."),
            (STREAM, '[ERROR] ValueError: boom\rTraceback (most recent call last):\r  File "handler.py"'),
            (STREAM, "END RequestId: r-1"),
            (STREAM, report("r-1")),
            (STREAM, "START RequestId: r-2 Version: $LATEST"),
            # a line the handler logged at ERROR level through the logging module is not a failure
            (STREAM, "[ERROR]\t2026-12-06T10:00:00.000Z\tr-2\tdisk almost full"),
            (STREAM, "END RequestId: r-2"),
            (STREAM, report("r-2")),
        )
    )

    failed, logged = records
    assert failed.error == "ValueError: boom"
    assert failed.output[0] == "invoked light"
    assert len(failed.output) == 2
    assert logged.error is None
    assert not logged.failed


def test_a_timeout_and_a_failed_init_say_what_happened() -> None:
    records = invocations(
        events(
            (STREAM, "START RequestId: r-3 Version: $LATEST"),
            (STREAM, "2026-12-06T10:00:10.000Z r-3 Task timed out after 10.00 seconds"),
            (STREAM, "END RequestId: r-3"),
            (STREAM, report("r-3", "Status: timeout")),
            ("other", "INIT_START Runtime Version: python:3.13.v20"),
            (
                "other",
                "[ERROR] Runtime.ImportModuleError: Unable to import module 'handler': No module named 'x'",
            ),
            ("other", "INIT_REPORT Init Duration: 80.00 ms\tPhase: init\tStatus: error"),
            ("other", "START RequestId: r-4 Version: $LATEST"),
            ("other", "END RequestId: r-4"),
            ("other", report("r-4", "Status: error", "Error Type: Runtime.ImportModuleError")),
            ("third", "START RequestId: r-5 Version: $LATEST"),
            ("third", report("r-5", "Status: timeout")),
        )
    )

    assert [record.error for record in records] == [
        "timed out after 10 s",
        "Runtime.ImportModuleError: Unable to import module 'handler': No module named 'x'",
        "timed out after 0 s",
    ]


def test_the_plot_tells_init_from_duration_without_colour_and_marks_a_failure() -> None:
    records = invocations(
        events(
            (STREAM, COLD),
            (STREAM, "START RequestId: r-9 Version: $LATEST"),
            (STREAM, "[ERROR] KeyError: 'userId'"),
            (STREAM, report("r-9")),
        )
    )
    rows = rows_of([("light 128 MB", records)], last=5)
    # piped or NO_COLOR: no colour at all, only the glyphs and the legend
    console = Console(width=120, record=True, color_system=None, no_color=True)

    console.print(invocation_table(rows))
    for line in bar_plot(rows, width=20):
        console.print(line)
    text = console.export_text()

    legend = next(line for line in text.splitlines() if "init +" in line)
    assert f"{INIT_GLYPH * 2} init + {DURATION_GLYPH * 2} duration" in legend
    assert "failed" in legend
    cold, failed = (line for line in text.splitlines() if line.startswith("light 128 MB #"))
    assert cold.index(INIT_GLYPH) < cold.index(DURATION_GLYPH)
    assert "×" in failed
    assert failed.endswith("FAILED")
    assert "FAILED: KeyError: 'userId'" in text


def test_the_latest_cold_start_and_the_invocations_just_made_always_show() -> None:
    lines = [(STREAM, COLD)] + [(STREAM, report(f"w-{n}")) for n in range(8)]
    records = invocations(events(*lines))

    rows = rows_of([("light 128 MB", records)], last=3, also={"w-1"})

    assert [row.index for row in rows] == [1, 3, 7, 8, 9]
    assert rows[0].record.cold
