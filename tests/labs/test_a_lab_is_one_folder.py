"""Adding a lab is adding a folder: a throwaway lab folder, and no other file changed, reaches every tool.

The test copies the kit's code into a scratch project, adds `labs/throwaway/` there, and runs the tools as
a user does (`labkit --help`, `cdk ls` through app.py, `labkit check`, `labkit cost`, `labkit exercise`,
`labkit watch`, `labkit demo --plan`, which is `make demo ARGS=--plan`). The copy keeps the real checkout
untouched while the rest of the suite runs beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from labs.registry import lab_ids

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
# runs the CDK app, the pinned CLI and labkit in processes of their own
pytestmark = pytest.mark.synth

LAB_ID = "LabThrowaway"
THROWAWAY = {
    "__init__.py": "",
    "spec.py": f'''"""The throwaway lab's facts."""

LAB_ID = "{LAB_ID}"
STEPS = ("make a queue", "see it")
''',
    "lab.py": '''"""The throwaway lab, as the tooling sees it."""

from labs.cost.cheapest import idle_serverless
from labs.descriptor import SHARED_TEMPLATES, CheapestSetup, Lab, StarterSpec
from labs.throwaway import spec

LAB = Lab(
    package=__package__,
    lab_id=spec.LAB_ID,
    title="a queue that exists only in this test",
    order=99,
    stack_class="ThrowawayStack",
    steps=spec.STEPS,
    starter=StarterSpec(
        kind="handler", template=SHARED_TEMPLATES / "handler.py.tmpl", solution="nowhere", rest="a queue"
    ),
    cheapest=CheapestSetup(description="idle", usd_per_hour=idle_serverless),
)
''',
    "stack.py": '''"""The throwaway lab's stack: one queue on the kit's lab stack base."""

from aws_cdk import aws_sqs as sqs

from labs.constructs.lab_stack import LabStack
from labs.throwaway.spec import LAB_ID


class ThrowawayStack(LabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, LAB_ID, settings=settings, description="a throwaway lab")
        sqs.Queue(self, "Queue", enforce_ssl=True, encryption=sqs.QueueEncryption.SQS_MANAGED)
''',
    "check.py": '''"""What "the throwaway lab works" means: here, that its check was reached."""

from labs.checks.report import CheckReport
from labs.throwaway.spec import LAB_ID


def check(session, *, stack_name, on_emulator, waiter=None):
    report = CheckReport(LAB_ID, stack_name)
    report.add("Throwaway check reached", True, f"checked {stack_name}")
    return report
''',
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's code in a scratch folder, with one more lab folder and nothing else changed."""
    copy = tmp_path_factory.mktemp("kit") / "kit"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("labs", "lambda_src"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    for name in ("app.py", "cdk.json"):
        shutil.copy2(ROOT / name, copy / name)
    for name in (".venv", "node_modules"):
        (copy / name).symlink_to(ROOT / name)
    lab_folder = copy / "labs" / "throwaway"
    lab_folder.mkdir()
    for name, text in THROWAWAY.items():
        (lab_folder / name).write_text(text, encoding="utf-8")
    return copy


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "CDK_"))}
    env |= {
        "PATH": f"{VENV / 'bin'}:{env.get('PATH', '')}",
        # the copy's labs package first, before the checkout's editable install
        "PYTHONPATH": str(project),
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_CLI_TELEMETRY_DISABLED": "1",
        "COLUMNS": "200",
    }
    return subprocess.run(
        list(command), cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def labkit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(project, str(VENV / "bin" / "python"), "-m", "labs.cli", *args)


def test_the_throwaway_lab_is_in_labkit_help(project: Path) -> None:
    shown = labkit(project, "--help")
    assert shown.returncode == 0, shown.stderr
    assert f"{LAB_ID}" in shown.stdout
    assert "a queue that exists only in this test" in shown.stdout


def test_cdk_synthesizes_the_throwaway_lab_beside_the_others(project: Path) -> None:
    listed = run(project, str(VENV / "bin" / "cdk"), "ls", "--output", str(project / "cdk.out"))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == [*lab_ids(), LAB_ID]
    template = (project / "cdk.out" / f"{LAB_ID}.template.json").read_text(encoding="utf-8")
    assert "AWS::SQS::Queue" in template
    # the lab stack base gave it the kit's guardrails: its expiry schedule
    assert "AWS::Scheduler::Schedule" in template


def test_labkit_check_runs_the_throwaway_labs_own_check(project: Path) -> None:
    checked = labkit(project, "check", LAB_ID)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"checked {LAB_ID}" in checked.stdout


def test_labkit_cost_prices_the_throwaway_lab(project: Path) -> None:
    priced = labkit(project, "cost", "--json")
    assert priced.returncode == 0, priced.stdout + priced.stderr
    assert f'"lab": "{LAB_ID}"' in priced.stdout


def test_labkit_exercise_writes_the_throwaway_labs_starter(project: Path, tmp_path: Path) -> None:
    written = labkit(project, "exercise", LAB_ID, "--dir", str(tmp_path))
    assert written.returncode == 0, written.stderr
    starter = (tmp_path / LAB_ID / "handler.py").read_text(encoding="utf-8")
    assert "# TODO step 1: make a queue." in starter


def test_labkit_watch_says_the_throwaway_lab_has_no_handler_to_watch(project: Path) -> None:
    # its descriptor declares no handler loop (it deploys no function): one line, no AWS call
    watched = labkit(project, "watch", LAB_ID)
    assert watched.returncode == 2
    assert watched.stderr.strip().splitlines() == [
        f"labkit watch: {LAB_ID} has no handler to watch (it deploys no Lambda function of yours): edit "
        f"labs/throwaway/stack.py and run `cdk deploy {LAB_ID}`"
    ]


def test_the_demo_plans_the_throwaway_lab(project: Path) -> None:
    planned = labkit(project, "demo", "--plan")
    assert planned.returncode == 0, planned.stderr
    assert LAB_ID in planned.stdout
    assert [name for name in (*lab_ids(), LAB_ID) if name not in planned.stdout] == []


def test_nothing_outside_the_lab_folder_names_it(project: Path) -> None:
    named = [
        path.relative_to(project)
        for folder in ("labs", "lambda_src")
        for path in (project / folder).rglob("*.py")
        if LAB_ID in path.read_text(encoding="utf-8") and "throwaway" not in path.parts
    ]
    assert named == []
