"""The README's roster examples, read from the README itself, are rosters the kit accepts as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labs.classroom.roster import read_roster

README = Path(__file__).resolve().parents[3] / "README.md"
# a fenced block whose first line names a roster file: `# class-1a.txt` or `# class-1b.txt: ...`
_ROSTER_BLOCK = re.compile(r"```[a-z]*\n(# (class-[\w-]+\.txt)[^\n]*\n.*?)```", re.DOTALL)


def readme_rosters() -> dict[str, str]:
    return {name: text for text, name in _ROSTER_BLOCK.findall(README.read_text(encoding="utf-8"))}


def test_the_readme_shows_both_rosters() -> None:
    assert {"class-1a.txt", "class-1b.txt"} <= set(readme_rosters())


@pytest.mark.parametrize("name", ["class-1a.txt", "class-1b.txt"])
def test_each_readme_roster_parses_as_written(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(readme_rosters()[name], encoding="utf-8")

    roster = read_roster(path)

    assert len(roster) >= 3
    if name == "class-1b.txt":
        placements = {learner.owner: learner.placement for learner in roster.learners}
        assert placements["alice"].role_arn == "arn:aws:iam::111111111111:role/LabkitTeacher"
        assert placements["alice"].external_id  # the class's sts:ExternalId, from the settings line
        assert placements["carol"].account is None  # the teacher's own account
