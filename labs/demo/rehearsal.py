"""One demo run: one emulator, one synth and one bootstrap, then deploy, check, destroy and scan per lab.

Each step is timed and shown as it runs; a failed step is recorded on its lab (never raised), so the
lab's clean-up still runs and the other labs still rehearse.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.markup import escape

from labs.contract import owner_of
from labs.demo.landing_zone import LandingZone
from labs.demo.results import emulator_notes, results_table
from labs.demo.runs import LabRun, StepError

if TYPE_CHECKING:
    import boto3
    from rich.console import Console

    from labs.emulator.local_aws import LocalAws

CHECK_TIMEOUT_S = 60.0
GOAL_S = 180.0
T = TypeVar("T")


class Demo:
    def __init__(
        self,
        console: Console,
        labs: Sequence[str],
        *,
        fail_fast: bool = False,
        landing_zone: LandingZone | None = None,
    ) -> None:
        self.console = console
        self.landing_zone = landing_zone or LandingZone()
        self.labs = tuple(labs)
        self.fail_fast = fail_fast
        self.runs: list[LabRun] = []
        self.total_steps = 3 + 4 * len(self.labs)
        self.step = 0

    def run(self) -> int:
        from labs.demo.cdk_cli import CdkCliError
        from labs.emulator.local_aws import EmulatorError, LocalAws

        started = time.monotonic()
        self.console.rule("labkit demo: every lab on a local AWS emulator, with the pinned CDK CLI")
        try:
            # the emulator stops when this block ends: normally, on an error or on Ctrl-C
            with ExitStack() as resources:
                aws, _ = self.timed(
                    "starting the local AWS emulator", lambda: resources.enter_context(LocalAws())
                )
                # a default boto3 client anywhere in this process reaches the emulator, never AWS
                resources.enter_context(aws.patched_environ())
                workdir = resources.enter_context(tempfile.TemporaryDirectory(prefix="labkit-demo-"))
                return self._run_on(aws, Path(workdir) / "cdk.out", started)
        except (EmulatorError, StepError, CdkCliError) as error:
            self.console.print(f"[red]✘ {escape(str(error))}[/red]", highlight=False)
            return 1

    def _run_on(self, aws: LocalAws, assembly: Path, started: float) -> int:
        self.prepare(aws, assembly)
        stack_names = stack_names_of(assembly)
        session = aws.session()
        for lab_id in self.labs:
            lab_run = LabRun(lab_id, stack_names.get(lab_id, lab_id))
            self.runs.append(lab_run)
            self.rehearse(lab_run, aws, session, assembly)
            if self.fail_fast and not lab_run.passed:
                break
        self.summary(aws, time.monotonic() - started)
        return 0 if len(self.runs) == len(self.labs) and all(r.passed for r in self.runs) else 1

    # -- steps ------------------------------------------------------------------------------------
    def prepare(self, aws: LocalAws, assembly: Path) -> None:
        """Synthesize once (the account guard sees the emulator's account) and bootstrap once."""
        from labs.demo.cdk_cli import run_cdk

        context = ["-c", f"sandboxAccounts={aws.account_id}", *self.landing_zone.synth_args()]
        synth = ["synth", "--quiet", "--output", str(assembly), *context]
        self.timed("synthesizing the four labs", lambda: run_cdk(synth, env=aws.env))
        self.landing_zone.prepare(aws.session())
        bootstrap = ["bootstrap", f"aws://{aws.account_id}/{aws.region}", "--app", str(assembly)]
        bootstrap += self.landing_zone.bootstrap_args()
        self.timed("bootstrapping the emulator's account", lambda: run_cdk(bootstrap, env=aws.env))

    def rehearse(self, lab_run: LabRun, aws: LocalAws, session: boto3.Session, assembly: Path) -> None:
        lab = lab_run.lab_id
        deployed = self.attempt(lab_run, "deploy", lambda: self.deploy(lab_run, aws, assembly))
        if deployed:
            self.attempt(lab_run, "check", lambda: self.check(lab_run, session))
        else:
            self.skip(f"{lab}: check skipped, the deploy failed")
        if deployed or stack_exists(session, lab_run.stack_name):
            self.attempt(lab_run, "destroy", lambda: self.destroy(lab_run, aws, session, assembly))
        else:
            self.skip(f"{lab}: destroy skipped, the failed deploy left no stack")
        self.attempt(lab_run, "leftover scan", lambda: self.scan(lab_run, session))

    def deploy(self, lab_run: LabRun, aws: LocalAws, assembly: Path) -> None:
        from labs.demo.cdk_cli import run_cdk

        command = ["deploy", lab_run.lab_id, "--app", str(assembly), "--exclusively"]
        command += ["--require-approval", "never", "--progress", "events", *self.landing_zone.deploy_args()]
        _, lab_run.deploy_s = self.timed(
            f"{lab_run.lab_id}: deploying", lambda: run_cdk(command, env=aws.env)
        )
        self.landing_zone.verify(aws.session(), lab_run.stack_name)

    def check(self, lab_run: LabRun, session: boto3.Session) -> None:
        from labs.checks.render import print_report
        from labs.kit import lab

        self.advance(f"{lab_run.lab_id}: checking")
        checked = lab(lab_run.lab_id)
        report = checked.run_check(
            session=session,
            stack_name=lab_run.stack_name,
            on_emulator=True,
            timeout_s=CHECK_TIMEOUT_S,
            # every opt-in part too (LabAsg's self-heal): the emulator does at once what AWS does in minutes
            options={option.keyword: True for option in checked.check_options},
        )
        lab_run.report = report
        print_report(report, self.console)
        if not report.passed:
            raise StepError(f"{lab_run.lab_id}: the check did not pass")

    def destroy(self, lab_run: LabRun, aws: LocalAws, session: boto3.Session, assembly: Path) -> None:
        from labs.demo.cdk_cli import run_cdk

        command = ["destroy", lab_run.lab_id, "--app", str(assembly), "--exclusively", "--force"]
        _, lab_run.destroy_s = self.timed(
            f"{lab_run.lab_id}: destroying", lambda: run_cdk(command, env=aws.env)
        )

    def scan(self, lab_run: LabRun, session: boto3.Session) -> None:
        from labs.leftovers.render import print_leftovers
        from labs.leftovers.scan import scan_leftovers

        owner = owner_of(lab_run.stack_name, lab_run.lab_id)
        leftovers, _ = self.timed(
            f"{lab_run.lab_id}: scanning for leftovers",
            lambda: scan_leftovers(session, lab_id=lab_run.lab_id, owner=owner),
        )
        lab_run.leftovers = leftovers
        if leftovers:
            print_leftovers(leftovers, lab_run.lab_id, self.console)
            raise StepError(f"{lab_run.lab_id}: {len(leftovers)} resource(s) left behind")

    # -- progress display -------------------------------------------------------------------------
    def attempt(self, lab_run: LabRun, step: str, action: Callable[[], None]) -> bool:
        """Run a step; a failure is recorded on the lab (never raised) so the lab's clean-up still runs."""
        from labs.demo.cdk_cli import CdkCliError

        try:
            action()
        except (StepError, CdkCliError) as error:
            lab_run.failures.append(f"{step}: {error}")
            self.console.print(f"[red]✘ {escape(str(error))}[/red]", highlight=False)
            return False
        except Exception as error:  # a bug or an emulator error in one lab must not hide the others
            lab_run.failures.append(f"{step}: {type(error).__name__}: {error}")
            self.console.print(
                f"[red]✘ {lab_run.lab_id}: {step} raised {type(error).__name__}: {escape(str(error))}[/red]"
            )
            return False
        return True

    def advance(self, what: str) -> None:
        self.step += 1
        self.console.print(f"[dim][{self.step}/{self.total_steps}][/dim] {what}", highlight=False)

    def skip(self, what: str) -> None:
        self.step += 1
        self.console.print(f"[dim][{self.step}/{self.total_steps}] {what}[/dim]", highlight=False)

    def timed(self, what: str, action: Callable[[], T]) -> tuple[T, float]:
        """Run `action` under a spinner, then print how long it took; returns its result and the time."""
        self.step += 1
        label = f"[{self.step}/{self.total_steps}] {what}"
        start = time.monotonic()
        with self.console.status(label):
            result = action()
        elapsed = time.monotonic() - start
        self.console.print(f"[green]✔[/green] {label} [dim]({elapsed:.1f} s)[/dim]", highlight=False)
        return result, elapsed

    # -- summary ----------------------------------------------------------------------------------
    def summary(self, aws: LocalAws, total_s: float) -> None:
        self.console.rule("Summary")
        self.console.print(results_table(self.runs))
        for line in emulator_notes(aws, self.runs):
            self.console.print(line, highlight=False)
        verdict = (
            "[green]all labs passed[/green]" if all(r.passed for r in self.runs) else "[red]FAILED[/red]"
        )
        goal = "within" if total_s <= GOAL_S else "over"
        self.console.print(f"{verdict} in {total_s:.0f} s ({goal} the {GOAL_S:.0f} s goal)", highlight=False)


def stack_names_of(assembly: Path) -> dict[str, str]:
    """Each lab's stack name as synthesized (`alice-LabEc2` when cdk.json sets an owner)."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    names = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") == "aws:cloudformation:stack":
            names[artifact_id] = artifact.get("properties", {}).get("stackName", artifact_id)
    return names


def stack_exists(session: boto3.Session, stack_name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError:
        return False
    return bool(stacks) and stacks[0]["StackStatus"] != "DELETE_COMPLETE"
