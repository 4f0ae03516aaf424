"""The README's "Rehearsing it offline" block for a class across accounts, run as written in a teacher's
shell on the emulator: learner accounts with the teacher-access stack, a learner's deploy in her own
account, and the class's status reaching it through the role."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.e2e.conftest import ROOT, Terminal

pytestmark = pytest.mark.e2e
README = ROOT / "README.md"


def rehearsal_block() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("#### Rehearsing it offline") :]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_s_offline_class_rehearsal_runs_as_written(terminal: Terminal) -> None:
    commands = rehearsal_block()
    roster = ROOT / "class-1r.txt"
    learners = ROOT / ".labkit" / "learners"
    assert not roster.exists(), "a class-1r.txt of someone else's is in the checkout"
    try:
        made, deployed, status = (terminal.run(command, timeout_s=600) for command in commands)
    finally:
        roster.unlink(missing_ok=True)
        shutil.rmtree(learners, ignore_errors=True)

    assert "role=LabkitTeacher external-id=class-1b-2026" in made.printed
    assert "alice-LabDdbStream" in deployed.printed
    alice_account = re_account(made.printed, "alice")
    row = next((line for line in status.printed.splitlines() if "LabDdbStream" in line), "")
    assert "alice" in row, deployed.printed + status.printed
    assert alice_account in row
    assert "CREATE_COMPLETE" in row
    assert "On the roster with nothing deployed (1): bob" in status.printed


def re_account(printed: str, owner: str) -> str:
    found = re.search(rf"^{owner}\s+(\d{{12}})$", printed, re.MULTILINE)
    assert found is not None, printed
    return found.group(1)
