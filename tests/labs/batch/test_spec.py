"""LabBatch's facts: the command the job definition carries, the input set, and what the child and the lab
agree on (exit codes, columns), CDK-free."""

from __future__ import annotations

import ast
import json

import pytest

from array_child import child
from labs.batch import spec

pytestmark = pytest.mark.unit

# ECS allows a task's overrides 8192 characters in all (ECS API reference, RunTask): leave room for
# Batch's own variables and a submission's overrides
COMMAND_BUDGET = 6500


def test_the_command_runs_the_childs_code_without_its_docstrings() -> None:
    command = spec.child_command()
    assert command[:2] == ["python3", "-c"]
    assert command[3:] == ["Ref::inputs", "Ref::results"]
    source = command[2]
    tree = ast.parse(source)
    assert ast.get_docstring(tree) is None
    assert {node.name for node in tree.body if isinstance(node, ast.FunctionDef)} >= {
        "main",
        "sign",
        "summarize",
    }
    assert "if __name__ == '__main__':" in source


def test_the_command_stays_far_under_the_limit_of_a_tasks_overrides() -> None:
    assert len(json.dumps(spec.child_command())) < COMMAND_BUDGET


def test_the_lab_and_the_child_agree_on_exit_codes_and_columns() -> None:
    assert child.BAD_INPUT == spec.BAD_INPUT_EXIT_CODE
    assert ",".join(child.INPUT_COLUMNS) == spec.INPUT_HEADER
    assert ",".join(child.RESULT_COLUMNS) == spec.RESULT_HEADER


def test_each_child_has_its_own_input_and_every_input_reads_as_the_child_reads_it() -> None:
    inputs = spec.input_set()
    assert sorted(inputs) == [f"inputs/part-{i:04d}.csv" for i in range(spec.ARRAY_SIZE)]
    assert len(set(inputs.values())) == spec.ARRAY_SIZE
    for text in inputs.values():
        assert sum(int(row["orders"]) for row in child.summarize(text)) == spec.ROWS_PER_INPUT


def test_the_input_set_is_the_same_at_every_deploy() -> None:
    assert spec.input_set() == spec.input_set()
    assert spec.input_csv(3).startswith(spec.INPUT_HEADER + "\no-0003-0,")
