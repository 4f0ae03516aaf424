"""Adding a lab is adding a folder, and a resource type new to the kit is one catalogue entry: a throwaway lab
folder reaches every tool, and its SNS topic (a type no lab had) is named as unknown by each tool until one
file, labs/catalogue/sns.py, is added; then each tool handles it.

The test copies the kit's code into two scratch projects (without, then with, that entry), adds
`labs/throwaway/` to both, and runs the tools as a user does (`labkit --help`, `cdk ls` through app.py,
`labkit check`, `labkit cost`, `labkit preflight` with a permissions boundary, `labkit leftovers`, `labkit
exercise`, `labkit demo --plan`), against the kit's emulator where a tool reads an account. The copies keep
the real checkout untouched while the rest of the suite runs beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from labs.registry import lab_ids
from local_aws.client import LocalAws

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
# runs the CDK app, the pinned CLI and labkit in processes of their own
pytestmark = pytest.mark.synth

LAB_ID = "LabThrowaway"
NEW_TYPE = "AWS::SNS::Topic"
BOUNDARY = "ThrowawayBoundary"
THROWAWAY = {
    "__init__.py": "",
    "spec.py": f'''"""The throwaway lab's facts."""

LAB_ID = "{LAB_ID}"
STEPS = ("make a topic", "see it")
''',
    "lab.py": '''"""The throwaway lab, as the tooling sees it."""

from labs.cost.cheapest import idle_serverless
from labs.descriptor import SHARED_TEMPLATES, CheapestSetup, Lab, StarterSpec
from labs.throwaway import spec

LAB = Lab(
    package=__package__,
    lab_id=spec.LAB_ID,
    title="a topic that exists only in this test",
    order=99,
    stack_class="ThrowawayStack",
    steps=spec.STEPS,
    starter=StarterSpec(
        kind="handler", template=SHARED_TEMPLATES / "handler.py.tmpl", solution="nowhere", rest="a topic"
    ),
    cheapest=CheapestSetup(description="idle", usd_per_hour=idle_serverless),
)
''',
    "stack.py": '''"""The throwaway lab's stack: an SNS topic (a type new to the kit), on LabStack."""

from aws_cdk import aws_sns as sns

from labs.constructs.lab_stack import LabStack
from labs.throwaway.spec import LAB_ID


class ThrowawayStack(LabStack):
    def __init__(self, scope, *, settings):
        super().__init__(scope, LAB_ID, settings=settings, description="a throwaway lab")
        sns.Topic(self, "Alerts")
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
# the one file a new type needs: its catalogue entry, in the module of its AWS service
SNS_ENTRY = '''"""Amazon SNS's topic (billed per request and delivery)."""

from labs.catalogue.entry import ByUse, Leftovers, ResourceType

TOPIC = ResourceType(
    cfn_type="AWS::SNS::Topic",
    price=ByUse(),
    deploy_actions=(
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:TagResource",
        "sns:ListTagsForResource",
    ),
    leftovers=Leftovers(tag_arn="sns:"),
)
'''


def copy_kit(destination: Path, *, with_entry: bool) -> Path:
    """The kit's code in a scratch folder, with the throwaway lab folder (and the SNS entry) added."""
    destination.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("labs", "lambda_src", "container_src"):
        shutil.copytree(ROOT / folder, destination / folder, ignore=ignore)
    for name in ("app.py", "cdk.json"):
        shutil.copy2(ROOT / name, destination / name)
    for name in (".venv", "node_modules"):
        (destination / name).symlink_to(ROOT / name)
    lab_folder = destination / "labs" / "throwaway"
    lab_folder.mkdir()
    for name, text in THROWAWAY.items():
        (lab_folder / name).write_text(text, encoding="utf-8")
    if with_entry:
        (destination / "labs" / "catalogue" / "sns.py").write_text(SNS_ENTRY, encoding="utf-8")
    return destination


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit with the throwaway lab folder and nothing else changed: the catalogue knows no SNS topic."""
    return copy_kit(tmp_path_factory.mktemp("kit") / "kit", with_entry=False)


@pytest.fixture(scope="module")
def with_entry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, plus one file: the catalogue's entry for the SNS topic."""
    return copy_kit(tmp_path_factory.mktemp("kit-sns") / "kit", with_entry=True)


@pytest.fixture(scope="module")
def account() -> Iterator[LocalAws]:
    """The kit's emulator with what the throwaway lab leaves: its stack deployed and destroyed, and a topic
    of it left behind, tagged; and the landing zone's permissions boundary, allowing everything."""
    with LocalAws() as aws:
        session = aws.session()
        tags = [{"Key": "labkit:lab", "Value": LAB_ID}, {"Key": "labkit:owner", "Value": "unset"}]
        cloudformation = session.client("cloudformation")
        template = {"Resources": {"Alerts": {"Type": NEW_TYPE}}}
        cloudformation.create_stack(StackName=LAB_ID, TemplateBody=json.dumps(template), Tags=tags)
        cloudformation.delete_stack(StackName=LAB_ID)
        session.client("sns").create_topic(Name=f"{LAB_ID}-Stray", Tags=tags)
        everything = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
        session.client("iam").create_policy(PolicyName=BOUNDARY, PolicyDocument=json.dumps(everything))
        yield aws


@pytest.fixture(scope="module")
def synthesized(project: Path) -> tuple[Path, str]:
    """The one synth of this module: `cdk ls` runs app.py, which writes the cloud assembly the other tools
    read (`--app`); the catalogue plays no part in a synth, so both copies share it. (assembly, listed)"""
    assembly = project / "cdk.out"
    listed = run(project, str(VENV / "bin" / "cdk"), "ls", "--output", str(assembly))
    assert listed.returncode == 0, listed.stderr
    return assembly, listed.stdout


def run(project: Path, *command: str, aws: LocalAws | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "CDK_", "LABKIT_"))}
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
        # wide enough that no table cell wraps
        "COLUMNS": "1000",
        "NO_COLOR": "1",
    }
    if aws is not None:
        env |= aws.env_vars
    return subprocess.run(
        list(command), cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def labkit(project: Path, *args: str, aws: LocalAws | None = None) -> subprocess.CompletedProcess[str]:
    return run(project, str(VENV / "bin" / "python"), "-m", "labs.cli", *args, aws=aws)


def line_with(text: str, *words: str) -> str:
    return next((line for line in text.splitlines() if all(word in line for word in words)), "")


def test_the_throwaway_lab_is_in_labkit_help(project: Path) -> None:
    shown = labkit(project, "--help")
    assert shown.returncode == 0, shown.stderr
    assert f"{LAB_ID}" in shown.stdout
    assert "a topic that exists only in this test" in shown.stdout


def test_cdk_synthesizes_the_throwaway_lab_beside_the_others(synthesized: tuple[Path, str]) -> None:
    assembly, listed = synthesized
    assert listed.split() == [*lab_ids(), LAB_ID]
    template = (assembly / f"{LAB_ID}.template.json").read_text(encoding="utf-8")
    assert NEW_TYPE in template
    # the lab stack base gave it the kit's guardrails: its expiry schedule
    assert "AWS::Scheduler::Schedule" in template


def test_labkit_check_runs_the_throwaway_labs_own_check(project: Path) -> None:
    checked = labkit(project, "check", LAB_ID)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"checked {LAB_ID}" in checked.stdout


def test_labkit_cost_cannot_price_the_new_type_and_prices_it_with_its_entry(
    project: Path, with_entry: Path
) -> None:
    without = labkit(project, "cost", LAB_ID, "--json")
    priced = labkit(with_entry, "cost", LAB_ID, "--json")

    assert without.returncode == 2, without.stdout + without.stderr
    assert f"cannot price {NEW_TYPE} (Alerts" in without.stderr
    assert "labs/catalogue/sns.py" in without.stderr
    assert priced.returncode == 0, priced.stdout + priced.stderr
    (lab,) = json.loads(priced.stdout)["labs"]
    assert lab["lab"] == LAB_ID
    assert {"resource": "Alerts", "type": NEW_TYPE} in [
        {"resource": u["resource"].split("Alerts")[0] + "Alerts", "type": u["type"]}
        for u in lab["kit"]["usage_based"]
    ]


def test_preflight_does_not_simulate_the_new_type_and_does_with_its_entry(
    project: Path, with_entry: Path, synthesized: tuple[Path, str], account: LocalAws
) -> None:
    options = (LAB_ID, "-c", f"permissionsBoundary={BOUNDARY}", "--app", str(synthesized[0]))
    without = labkit(project, "preflight", *options, aws=account).stdout
    known = labkit(with_entry, "preflight", *options, aws=account).stdout

    catalogue = line_with(without, f"the kit's catalogue knows every resource type of {LAB_ID}")
    assert "cannot tell" in catalogue, without
    assert f"unknown: {NEW_TYPE}: labkit cost cannot price it" in catalogue
    simulation = line_with(without, f"permissions boundary allows what {LAB_ID} needs")
    assert "cannot tell" in simulation, without
    assert f"its permissions are not simulated for {NEW_TYPE}" in simulation
    assert "pass" in line_with(known, f"the kit's catalogue knows every resource type of {LAB_ID}"), known
    simulated = line_with(known, f"permissions boundary allows what {LAB_ID} needs")
    assert "pass" in simulated, known
    assert "not simulated" not in known


def test_leftovers_cannot_look_for_the_new_type_and_finds_it_with_its_entry(
    project: Path, with_entry: Path, account: LocalAws
) -> None:
    without = labkit(project, "leftovers", LAB_ID, aws=account)
    known = labkit(with_entry, "leftovers", LAB_ID, aws=account)

    assert without.returncode == 1, without.stdout + without.stderr
    assert "not searched (deleted stack LabThrowaway had one)" in line_with(without.stdout, NEW_TYPE)
    assert line_with(without.stdout, "unknown type (sns)", f"{LAB_ID}-Stray")
    assert known.returncode == 1, known.stdout + known.stderr  # the stray topic is left behind
    assert line_with(known.stdout, NEW_TYPE, f"{LAB_ID}-Stray", "tagged labkit:lab=LabThrowaway")
    assert "not searched" not in known.stdout
    assert "unknown type" not in known.stdout


def test_labkit_exercise_writes_the_throwaway_labs_starter(project: Path, tmp_path: Path) -> None:
    written = labkit(project, "exercise", LAB_ID, "--dir", str(tmp_path))
    assert written.returncode == 0, written.stderr
    starter = (tmp_path / LAB_ID / "handler.py").read_text(encoding="utf-8")
    assert "# TODO step 1: make a topic." in starter


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


def changed_files(project: Path) -> set[str]:
    """Every file of the copy's code that the checkout lacks or holds otherwise (compiled bytecode aside)."""
    changed = set()
    for folder in ("labs", "lambda_src", "container_src"):
        for path in (project / folder).rglob("*"):
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            original = ROOT / path.relative_to(project)
            if not original.is_file() or original.read_bytes() != path.read_bytes():
                changed.add(str(path.relative_to(project)))
    for name in ("app.py", "cdk.json"):
        if (project / name).read_bytes() != (ROOT / name).read_bytes():
            changed.add(name)
    return changed


def test_a_new_lab_is_one_folder_and_a_new_type_one_catalogue_file_after_every_tool_ran(
    project: Path, with_entry: Path
) -> None:
    """Run last in this module: the tools above wrote nothing into the kit's code, and no shared module had to
    change for the lab or its type (the checkout never names the throwaway lab or holds an SNS entry)."""
    lab_files = {f"labs/throwaway/{name}" for name in THROWAWAY}
    assert changed_files(project) == lab_files
    assert changed_files(with_entry) == lab_files | {"labs/catalogue/sns.py"}
