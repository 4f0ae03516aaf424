"""The learner's inner loop through the real CLIs on the emulator (issue 33): `labkit exercise`, `cdk deploy`
with the starter, then `labkit watch` while the handler is edited, undone, broken and the stack edited, and
Ctrl-C; nothing is left behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import CONTEXT, ROOT, Running, Terminal

pytestmark = pytest.mark.e2e
OWNER = "e2e-watch"
STACK_FILE = ROOT / "labs" / "ddb_stream" / "stack.py"


def next_line(watch: Running, seen: Callable[[str], bool], within_s: float = 120) -> None:
    """Wait for a line printed from now on that `seen` accepts."""
    start = len(watch.lines)
    watch.wait_for(lambda line: seen(line) and line in watch.lines[start:], within_s=within_s)


def test_a_handler_edit_is_live_an_undo_undone_a_broken_handler_named_and_a_stack_edit_redeployed(
    terminal: Terminal, tmp_path: Path
) -> None:
    my_labs = tmp_path / "my-labs"
    terminal.run(f"labkit exercise LabDdbStream --dir {my_labs}")
    handler = my_labs / "LabDdbStream" / "handler.py"
    context = f"{CONTEXT} -c owner={OWNER} -c handlerCode={handler.parent}"
    terminal.run(f"cdk deploy LabDdbStream {context} --require-approval never")
    starter = handler.read_text(encoding="utf-8")
    stack_source = STACK_FILE.read_bytes()
    watch = terminal.start(f"labkit watch LabDdbStream {context}")
    try:
        watch.wait_for(lambda line: line.startswith("Watching "))

        handler.write_text(starter.replace("    return {}", '    print("e2e edit 2")\n    return {}'))
        next_line(watch, lambda line: "│ e2e edit 2" in line)
        next_line(watch, lambda line: "labkit check LabDdbStream, the function's items:" in line)

        handler.write_text(starter)
        next_line(watch, lambda line: "back to the code of the watch's start" in line)

        broken = starter.replace("    return {}", "    return {'rows': 1 / 0}")
        handler.write_text(broken)
        line = broken.splitlines().index("    return {'rows': 1 / 0}") + 1
        next_line(
            watch, lambda text: f"the handler failed at {handler} line {line}: ZeroDivisionError" in text
        )
        next_line(watch, lambda text: text.startswith("Watching "))
        assert watch.process.poll() is None  # the loop goes on

        handler.write_text(starter)
        next_line(watch, lambda text: "back to the code of the watch's start" in text)
        next_line(watch, lambda text: text.startswith("Watching "))
        STACK_FILE.write_bytes(
            stack_source + b"# an edit of the stack file, made by tests/e2e/test_watch.py\n"
        )
        next_line(watch, lambda text: "labs/ddb_stream/stack.py changed" in text)
        next_line(watch, lambda text: "deployed in" in text, within_s=300)
        next_line(watch, lambda text: text.startswith("Watching "))
        # Ctrl-C while the watch waits; the stack file is put back after it, so no deploy starts meanwhile
        done = watch.interrupt()
    finally:
        if watch.process.poll() is None:
            watch.interrupt()
        STACK_FILE.write_bytes(stack_source)

    printed = done.printed
    assert done.returncode == 130, printed
    assert printed.rstrip().splitlines()[-1] == "labkit watch: stopped watching LabDdbStream."
    assert "Traceback" not in printed.split("labkit watch: stopped")[-1]
    live = [text for text in printed.splitlines() if text.startswith("✔ live in ")]
    assert len(live) >= 3, printed
    assert STACK_FILE.read_bytes() == stack_source
    terminal.run(f"cdk destroy LabDdbStream --force {CONTEXT} -c owner={OWNER}")
    terminal.assert_nothing_left("LabDdbStream", OWNER)


def test_a_lab_without_functions_says_it_has_no_handler_to_watch(terminal: Terminal) -> None:
    done = terminal.run(f"labkit watch LabEc2 {CONTEXT}", check=False)

    assert done.returncode == 2
    assert done.printed.strip().splitlines() == [
        "labkit watch: LabEc2 has no handler to watch (it deploys no Lambda function of yours): edit "
        "labs/ec2/stack.py and run `cdk deploy LabEc2`"
    ]


def test_an_account_outside_the_sandbox_list_is_refused(terminal: Terminal) -> None:
    done = terminal.run("labkit watch LabDdbStream -c sandboxAccounts=111111111111", check=False)

    assert done.returncode == 2
    assert "refusing to watch LabDdbStream in account 123456789012" in done.printed
