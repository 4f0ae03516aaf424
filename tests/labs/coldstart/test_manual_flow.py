"""LabColdStart's hands-on as the docs say, on `labkit emulator`: its outputs pasted verbatim, then the check.

Cold then warm, cold again after a configuration change, heavy slower than light, `labkit coldstart`'s table,
`labkit check LabColdStart` passing, destroy and a clean leftover scan.
"""

from __future__ import annotations

import re

import pytest

from tests.manual_flow import Shell, check_destroy_and_scan, deploy, shell

pytestmark = pytest.mark.e2e
# the manual flow's fixture, shared rather than copied
__all__ = ["shell"]
INIT = re.compile(r"Init Duration: ([\d.]+) ms")


def init_ms(printed: str) -> float | None:
    found = INIT.search(printed)
    return float(found.group(1)) if found else None


def test_lab_coldstart_as_the_docs_say(shell: Shell) -> None:
    outputs = deploy(shell, "LabColdStart")

    first = shell.run(outputs["InvokeLightCommand"]).stdout
    second = shell.run(outputs["InvokeLightCommand"]).stdout
    shell.run(outputs["ForceColdStartCommand"])
    after_change = shell.run(outputs["InvokeLightCommand"]).stdout
    heavy = shell.run(outputs["InvokeHeavy128Command"]).stdout
    alias = shell.run(outputs["InvokeLiveCommand"]).stdout
    reports = shell.run(outputs["LastReportsCommand"]).stdout
    table = shell.run("labkit coldstart").stdout

    assert init_ms(first) is not None
    assert '"cold_start":true' in first
    assert init_ms(second) is None
    assert '"cold_start":false' in second
    assert init_ms(after_change) is not None
    light, heavy_init = init_ms(first), init_ms(heavy)
    assert light is not None
    assert heavy_init is not None
    assert heavy_init > light
    assert "REPORT RequestId" in alias
    assert reports.count("REPORT RequestId") >= 4
    assert "cold" in table
    assert "warm" in table
    check_destroy_and_scan(shell, "LabColdStart")
