"""LabBatch's facts, shared by its stack, its check, its cost and the emulator's rehearsal, CDK-free.

The array job's children run the kit's child script (container_src/array_child/child.py) in a public Python
image on Fargate, ARM64: child *i* reads `inputs/part-000i.csv` from the lab's bucket and writes one result,
`results/part-000i.csv`, with the job role's credentials.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from labs.checks.options import CheckOption

LAB_ID = "LabBatch"
# ten children of one minute at most each: about a quarter of a cent on Fargate (labs/cost/prices.json)
ARRAY_SIZE = 10
# a compute environment's ceiling: 16 children of 0.25 vCPU at once, and a runaway array job stays capped
MAX_VCPUS = 4
CHILD_VCPUS = 0.25
CHILD_MEMORY_MIB = 512
# Graviton: Fargate Linux/ARM costs about 20% less than x86; Fargate Spot runs no ARM64 at all
CPU_ARCHITECTURE = "ARM64"
# a public image with a command override needs no Docker on the learner's machine (ECR Public mirrors the
# Docker official images, arm64 included); its Python has no boto3: the child signs its S3 requests itself
IMAGE = "public.ecr.aws/docker/library/python:3.13-slim"
# AWS Batch's minimum is 60 s; a child takes seconds, so a stuck one is stopped within two minutes
ATTEMPT_TIMEOUT_S = 120
# one retry, for what a retry can fix (an S3 or network error: exit 1); a bad input (exit 2) is not retried
RETRY_ATTEMPTS = 2
BAD_INPUT_EXIT_CODE = 2
# a job that waits in RUNNABLE this long for capacity it will never get is cancelled (AWS's minimum: 600 s)
RUNNABLE_LIMIT_S = 600
INPUT_PREFIX = "inputs/"
RESULT_PREFIX = "results/"
# the awslogs stream prefix: each attempt logs to `child/default/<ECS task id>` in the stack's log group
LOG_STREAM_PREFIX = "child"
JOB_NAME = "lab-array"
# the job definition's parameters, substituted into the command (Ref::inputs, Ref::results)
PARAMETERS = {"inputs": INPUT_PREFIX, "results": RESULT_PREFIX}
CHILD_SCRIPT = Path(__file__).resolve().parents[2] / "container_src" / "array_child" / "child.py"
# the sample orders of each input file: rows per file, and the regions they cycle through
ROWS_PER_INPUT = 5
REGIONS = ("eu-west-1", "us-east-1", "ap-south-1")
INPUT_HEADER = "orderId,region,amountCents"
RESULT_HEADER = "region,orders,amountCents"


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


@functools.cache
def child_source() -> str:
    """The child script as the job definition carries it: its code without docstrings, comments or function
    annotations, indented by one space, so the command stays far under the 8192 characters ECS allows a
    task's overrides (ECS API reference, RunTask)."""
    tree = ast.parse(CHILD_SCRIPT.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_docstring(body[0]):
            body[:1] = [] if len(body) > 1 else [ast.Pass()]
        if isinstance(node, ast.FunctionDef):
            node.returns = None
            for argument in (*node.args.args, *node.args.kwonlyargs):
                argument.annotation = None
    lines = []
    for line in ast.unparse(tree).splitlines():
        # ast.unparse indents by four spaces and writes every string on one line
        code = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(code)) // 4) + code)
    return "\n".join(lines)


def child_command() -> list[str]:
    """The container's command: the image's python3 runs the child, given the input and result prefixes."""
    return ["python3", "-c", child_source(), "Ref::inputs", "Ref::results"]


def input_key(index: int, prefix: str = INPUT_PREFIX) -> str:
    """`inputs/part-0003.csv`: the input child 3 reads."""
    return f"{prefix}part-{index:04d}.csv"


def result_key(index: int, prefix: str = RESULT_PREFIX) -> str:
    """`results/part-0003.csv`: the result child 3 writes."""
    return f"{prefix}part-{index:04d}.csv"


def input_csv(index: int) -> str:
    """The orders of input file `index`: the same text at every deploy, different for every index."""
    rows = [INPUT_HEADER]
    for row in range(ROWS_PER_INPUT):
        number = index * ROWS_PER_INPUT + row
        region = REGIONS[number % len(REGIONS)]
        rows.append(f"o-{index:04d}-{row},{region},{(number * 7919) % 10_000 + 100}")
    return "\n".join(rows) + "\n"


def input_set(size: int = ARRAY_SIZE) -> dict[str, str]:
    """Key -> CSV text of the whole input set, one file per child."""
    return {input_key(index): input_csv(index) for index in range(size)}


# the hands-on's steps in the course's order: the starter's TODOs and the check's hints name them
STEPS = (
    "write the job definition: the public Python image on Fargate ARM64, 0.25 vCPU and 0.5 GB, a public IP, "
    "the child's command, a job role that may only read the inputs and write the results, a timeout, a "
    "retry strategy and logs to the stack's log group",
    f"submit the array job: {ARRAY_SIZE} children over the input set, child i reads input i "
    "(AWS_BATCH_JOB_ARRAY_INDEX)",
    "watch the children's states and read a child's log",
    f"list the results: one object per index under {RESULT_PREFIX}",
)

# `labkit check LabBatch --submit`: Fargate takes a minute or so to start a task on AWS
SUBMIT_TIMEOUT_S = 600.0
CHECK_OPTIONS = (
    CheckOption(
        flag="--submit",
        help=f"submit the array job ({ARRAY_SIZE} children; on AWS about $0.003) and wait for every child",
        timeout_s=SUBMIT_TIMEOUT_S,
    ),
)
