"""`labkit watch`'s own decisions before it calls AWS: the deploy's context, the code folder, the guard."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from labs.constructs.function_facts import KIT_CODE, CodeSource
from labs.settings import AccountNotAllowedError, LabSettings, SettingsError
from labs.watch.command import code_source, context_of, guard


def settings_of(context: dict[str, str]) -> LabSettings:
    return LabSettings.from_context(context.get, {}, now=datetime.now(UTC), keys=context.keys())


def test_the_context_is_cdk_json_s_with_the_options_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdk.json").write_text('{"context": {"owner": "ada", "ttlHours": 8}}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    context = context_of(["owner=bob", "handlerCode=my-labs/LabDdbStream"])

    assert context == {"owner": "bob", "ttlHours": 8, "handlerCode": "my-labs/LabDdbStream"}
    with pytest.raises(SettingsError, match="is not KEY=VALUE"):
        context_of(["owner"])


def test_the_code_is_the_learner_s_folder_even_while_it_is_broken(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return {\n", encoding="utf-8")
    context = {"handlerCode": str(tmp_path)}

    assert code_source(context, settings_of(context), KIT_CODE) == CodeSource(tmp_path.resolve())
    assert code_source({}, settings_of({}), KIT_CODE) == KIT_CODE


def test_a_folder_without_a_handler_stops_the_watch_as_it_stops_the_deploy(tmp_path: Path) -> None:
    context = {"handlerCode": str(tmp_path / "nowhere")}

    with pytest.raises(SettingsError, match="is not a folder"):
        code_source(context, settings_of(context), KIT_CODE)


def test_an_account_outside_the_sandbox_list_is_refused_and_no_list_is_a_warning() -> None:
    console = Console(record=True, width=200)
    listed = settings_of({"sandboxAccounts": "111111111111"})

    with pytest.raises(
        AccountNotAllowedError, match="refusing to watch LabDdbStream in account 222222222222"
    ):
        guard(listed, "222222222222", "LabDdbStream", console)
    guard(listed, "111111111111", "LabDdbStream", console)
    assert console.export_text() == ""
    guard(settings_of({}), "222222222222", "LabDdbStream", console)
    assert "no sandboxAccounts set" in console.export_text()


def test_ctrl_c_ends_the_watch_by_its_deadline_even_when_a_round_swallows_the_interrupt() -> None:
    import signal
    import subprocess
    import sys
    import time

    swallowing = (
        "import signal, time\n"
        "from labs.watch import command\n"
        "command.STOP_DEADLINE_S = 1.0\n"
        "signal.signal(signal.SIGINT, command.interrupt_with_deadline)\n"
        "ready = False\n"
        "while True:\n"
        "    try:\n"
        "        if not ready:  # said inside the try: the interrupt can only come where it is caught\n"
        "            ready = print('ready', flush=True) or True\n"
        "        while True:\n"
        "            time.sleep(0.05)\n"
        "    except KeyboardInterrupt:\n"
        "        pass  # a call that swallowed it: the watch would wait on\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", swallowing],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)

    assert process.returncode == 130
    assert err.strip() == "labkit watch: stopped (1 s after Ctrl-C)."
    assert time.monotonic() - started < 10
