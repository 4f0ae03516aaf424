"""A function's log made readable, and a failed handler's error pointed at the learner's own file and line,
whether the runtime ran the code from /var/task (AWS) or the emulator's folder."""

from __future__ import annotations

import json
from pathlib import Path

from labs.watch.logs import FunctionLogLine, ends_a_run, handler_error, readable

FOLDER = Path("/home/ada/my-labs/LabDdbStream")


def lines(*messages: str) -> list[FunctionLogLine]:
    return [FunctionLogLine("group", "stream", index, message) for index, message in enumerate(messages)]


def test_powertools_json_lines_read_as_level_location_message_and_extra_keys() -> None:
    line = json.dumps(
        {
            "level": "INFO",
            "location": "handler:12",
            "message": {"records": 1},
            "timestamp": "2026-12-07 10:00:00,000+0000",
            "service": "service_undefined",
            "cold_start": True,
            "function_request_id": "r-1",
        }
    )

    assert readable(line) == 'INFO handler:12  {"records":1} (cold_start=true)'


def test_lambda_s_own_lines_are_short_or_gone() -> None:
    report = "REPORT RequestId: r-1\tDuration: 5.27 ms\tBilled Duration: 6 ms\tMemory Size: 256 MB\t"
    report += "Max Memory Used: 53 MB\tInit Duration: 2175.99 ms"

    assert readable("START RequestId: r-1 Version: $LATEST") == ""
    assert readable("END RequestId: r-1") == ""
    assert readable(report) == "REPORT 5.27 ms, 53 MB, cold start: init 2175.99 ms"
    assert readable("[INFO]\t2026-12-07T10:00:00.000Z\tr-1\tsaved 3 rows") == "INFO saved 3 rows"
    assert readable("version 2") == "version 2"
    assert ends_a_run(FunctionLogLine("g", "s", 0, report))


def test_an_exception_on_aws_points_at_the_learner_s_file() -> None:
    logged = lines(
        "[ERROR] ZeroDivisionError: division by zero",
        "Traceback (most recent call last):",
        '\u00a0\u00a0File "/var/task/handler.py", line 37, in handler',
        '\u00a0\u00a0\u00a0\u00a0return {"rows": len(rows) / 0}',
        "REPORT RequestId: r-1\tDuration: 0.72 ms\tMax Memory Used: 53 MB",
    )

    error = handler_error(logged, ["handler.py"], FOLDER)

    assert error is not None
    assert (error.kind, error.message) == ("ZeroDivisionError", "division by zero")
    assert error.where == f"{FOLDER / 'handler.py'} line 37"
    assert error.last_lines[0] == f'  File "{FOLDER / "handler.py"}", line 37, in handler'


def test_the_emulator_s_copy_and_a_syntax_error_s_frame_point_at_the_learner_s_file() -> None:
    emulator = lines(
        "[ERROR] NameError: name 'NOT_DEFINED' is not defined",
        "Traceback (most recent call last):",
        '  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import',
        '  File "/tmp/labkit-lambda-x/code/ebded534/lib/settings.py", line 3, in <module>',
    )
    syntax = lines(
        "[ERROR] Runtime.UserCodeSyntaxError: Syntax error in module 'handler': invalid syntax (handler.py, "
        "line 9)",
        "Traceback (most recent call last):",
        '  File "/var/task/handler.py" Line 9',
    )

    named = handler_error(emulator, ["handler.py", "lib/settings.py"], FOLDER)
    unparsed = handler_error(syntax, ["handler.py"], FOLDER)

    assert named is not None
    assert named.where == f"{FOLDER / 'lib/settings.py'} line 3"
    assert unparsed is not None
    assert unparsed.kind == "Runtime.UserCodeSyntaxError"
    assert unparsed.where == f"{FOLDER / 'handler.py'} line 9"


def test_a_missing_module_is_found_at_the_line_that_imports_it(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("import json\nimport requests\n\n\ndef handler(e, c):\n    pass\n")
    logged = lines(
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'handler': No module named 'requests'"
    )

    error = handler_error(logged, ["handler.py"], tmp_path)

    assert error is not None
    assert error.where == f"{tmp_path / 'handler.py'} line 2"


def test_a_clean_run_has_no_error() -> None:
    assert (
        handler_error(lines("START RequestId: r", "hello", "REPORT RequestId: r\tDuration: 1 ms"), [], FOLDER)
        is None
    )
