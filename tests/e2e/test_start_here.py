"""The README's "Start here", its commands as written, for a learner and a teacher, on `labkit emulator`.

They run in a folder of their own that links the checkout's files (so `labkit exercise` writes a fresh
my-labs/), in bash with the emulator's exports sourced from the file it wrote. Three lines are the test's
to provide, not to type: `make setup` made the venv the shell already uses, the emulator runs as a
fixture, and `make demo` is CI's own step.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Terminal, new_terminal

pytestmark = pytest.mark.e2e
PROVIDED = ("make setup", "labkit emulator ", "make demo")
# what the README says ends in exit 1, by command and occurrence: the check of the starter as written (it
# fails by step), and preflight for a class of 30 (the emulator has AWS's default quotas)
EXPECTED_FAILURES = {
    ("labkit check LabDdbStream", 2): 1,
    ("labkit preflight LabEc2 --learners 30", 1): 1,
}
SHARED = (
    "app.py",
    "cdk.json",
    "labs",
    "lambda_src",
    ".venv",
    "node_modules",
    "package.json",
    "pyproject.toml",
)


def start_here_commands() -> list[str]:
    """Every command line of the section's bash blocks, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Start here", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_section_starts_both_paths_and_shows_make_demo_and_make_test_above_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme.split("## Start here", 1)[0]

    assert "make demo" in top
    assert "make test" in top
    assert "**As a learner**" in readme.split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert "**As a teacher**" in readme.split("## Start here", 1)[1].split("\n## ", 1)[0]


def test_the_start_here_commands_work_as_written(emulator: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kit"
    folder.mkdir()
    for name in SHARED:
        (folder / name).symlink_to(ROOT / name)
    shell: Terminal = new_terminal(emulator, tmp_path)
    seen: dict[str, int] = {}
    # one shell session: what a `source` line set holds for the commands after it
    sourced: list[str] = []

    for command in start_here_commands():
        if command.startswith(PROVIDED):
            continue
        typed = command.replace(".labkit/emulator.env", str(emulator))
        session = "; ".join([*sourced, typed])
        if typed.startswith("source "):
            sourced.append(typed.split("#")[0].strip())
        done = subprocess.run(
            ["bash", "-c", session],
            cwd=folder,
            env=shell.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        typed_alone = command.split("#")[0].strip()
        seen[typed_alone] = seen.get(typed_alone, 0) + 1
        expected = EXPECTED_FAILURES.get((typed_alone, seen[typed_alone]), 0)
        assert done.returncode == expected, f"`{command}` ({done.returncode}):\n{done.stdout}{done.stderr}"

    assert (folder / "my-labs" / "LabDdbStream" / "handler.py").is_file()
    assert seen["labkit check LabDdbStream"] == 2
