"""`labkit exercise LAB`: the starter it writes, what it prints next, the learner's work it never loses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labs.cli import main
from labs.exercises.starters import starter
from labs.registry import all_labs, lab_ids

ROOT = Path(__file__).resolve().parents[3]
# each lab's hands-on steps, as its spec.py lists them and its descriptor hands them on
STEPS = {lab_id: described.steps for lab_id, described in all_labs().items()}


def test_every_lab_has_a_starter() -> None:
    assert [lab_id for lab_id in lab_ids() if all_labs()[lab_id].starter is None] == []


@pytest.mark.parametrize("lab_id", lab_ids())
def test_a_starter_lists_the_labs_steps_as_todos_in_the_courses_order(lab_id: str, tmp_path: Path) -> None:
    text = starter(lab_id).write(tmp_path).read_text(encoding="utf-8")

    todos = re.findall(r"# TODO step (\d+): (.+)\.\n", text)
    assert todos == [(str(n), step) for n, step in enumerate(STEPS[lab_id], start=1)]
    compile(text, f"{lab_id} starter", "exec")  # valid Python as written
    assert "${" not in text


def test_the_function_starters_show_the_chapters_two_powertools_lines_and_the_put_object_example(
    tmp_path: Path,
) -> None:
    text = starter("LabDdbStream").write(tmp_path).read_text(encoding="utf-8")

    assert "from aws_lambda_powertools import Logger\n" in text
    assert "logger = Logger()\n" in text
    assert 's3.put_object(Bucket=os.environ["BUCKET_NAME"]' in text
    assert f"cdk deploy LabDdbStream -c handlerCode={tmp_path / 'LabDdbStream'}" in text


def test_the_command_writes_the_starter_and_prints_what_to_do_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["exercise", "LabEc2", "--dir", str(tmp_path), "--owner", "alice"])

    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert (tmp_path / "LabEc2" / "stack.py").is_file()
    assert f"cdk deploy MyLabEc2 -c myLabs={tmp_path} -c owner=alice" in out
    assert "labkit check LabEc2 --stack alice-MyLabEc2" in out
    assert "labs/ec2/stack.py" in out


def test_a_learners_work_is_kept_unless_they_start_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = starter("LabDdbStream").write(tmp_path)
    path.write_text("def handler(event, context):\n    return 'mine'\n", encoding="utf-8")

    assert main(["exercise", "LabDdbStream", "--dir", str(tmp_path)]) == 2
    assert "already exists and is kept as it is; pass --force" in capsys.readouterr().err
    assert "mine" in path.read_text(encoding="utf-8")

    assert main(["exercise", "LabDdbStream", "--dir", str(tmp_path), "--force"]) == 0
    assert "# TODO step 1" in path.read_text(encoding="utf-8")


def test_git_ignores_the_default_starters_folder() -> None:
    assert "my-labs/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
