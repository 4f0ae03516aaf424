"""One demo run: the life of each lab on the emulator, or on a sandbox account with `--aws`.

Two synths (the lab as deployed, and again with another time-to-live) and one bootstrap serve every lab;
each lab then goes through deploy, check, redeploy after AWS published a new image, check again, its
expiry firing with the schedule's own role, and the leftover scan. A failed step is recorded on its lab
(never raised), so the other labs still rehearse; whatever is still deployed at the end (a failed step,
Ctrl-C) is destroyed.
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

from labs.demo.emulator_or_account import expiry_time, image_parameters, instance_images, read_template
from labs.demo.landing_zone import LandingZone
from labs.demo.results import results_table, run_notes
from labs.demo.runs import CHECK, CLEANUP, DEPLOY, EXPIRE, RECHECK, REDEPLOY, SCAN, STEPS, LabRun, StepError
from labs.outcomes import ExitStatus
from labs.shared_facts import owner_of

if TYPE_CHECKING:
    import boto3
    from rich.console import Console

    from labs.demo.emulator_or_account import EmulatorTarget, Target

CHECK_TIMEOUT_S = 60.0
GOAL_S = 180.0
# the redeploy moves the expiry: another time-to-live than the first deploy's
REDEPLOY_TTL_HOURS = ("4", "6")
T = TypeVar("T")


class Demo:
    """A rehearsal of each lab's life: deploy, check, redeploy, expire, scan for leftovers."""

    def __init__(
        self,
        console: Console,
        labs: Sequence[str],
        *,
        fail_fast: bool = False,
        landing_zone: LandingZone | None = None,
        open_target: Callable[[ExitStack], Target] | None = None,
        step_timeout_s: float | None = None,
        verbose: bool = False,
    ) -> None:
        self.console = console
        self.landing_zone = landing_zone or LandingZone()
        self.labs = tuple(labs)
        self.fail_fast = fail_fast
        self.open_target = open_target or open_emulator
        self.step_timeout_s = step_timeout_s
        self.verbose = verbose
        self.runs: list[LabRun] = []
        self.total_steps = 4 + len(STEPS) * len(self.labs)
        self.step = 0

    def run(self) -> int:
        """Rehearse every lab, then print the summary; the exit status."""
        from labs.demo.cdk_cli import CdkCliError
        from local_aws.client import EmulatorError

        started = time.monotonic()
        try:
            # the emulator (or the account's session) is released when this block ends, whatever ends it
            with ExitStack() as resources:
                target = self.timed("opening the target", lambda: self.open_target(resources))[0]
                self.console.rule(f"labkit demo: {target.title}")
                workdir = Path(resources.enter_context(tempfile.TemporaryDirectory(prefix="labkit-demo-")))
                return self._run_on(target, workdir, started)
        except (EmulatorError, StepError, CdkCliError) as error:
            self.console.print(f"[red]✘ {escape(str(error))}[/red]", highlight=False)
            return ExitStatus.FAILED
        except KeyboardInterrupt:
            self.console.print("[red]✘ interrupted: what the demo had deployed is destroyed[/red]")
            return 130

    def _run_on(self, target: Target, workdir: Path, started: float) -> int:
        first, second = self.prepare(target, workdir)
        stack_names = stack_names_of(first)
        session = target.session()
        try:
            for lab_id in self.labs:
                lab_run = LabRun(lab_id, stack_names.get(lab_id, lab_id))
                self.runs.append(lab_run)
                self.rehearse(lab_run, target, session, first, second)
                if self.fail_fast and not lab_run.passed:
                    break
        finally:
            self.clean_up(target, session, first)
        self.summary(target, time.monotonic() - started)
        return ExitStatus.of(len(self.runs) == len(self.labs) and all(r.passed for r in self.runs))

    # -- preparation ------------------------------------------------------------------------------
    def prepare(self, target: Target, workdir: Path) -> tuple[Path, Path]:
        """Two synths (the account guard sees the target's account) and the bootstrap."""
        from labs.demo.cdk_cli import run_cdk

        first, second = workdir / "deploy.out", workdir / "redeploy.out"
        context = ["-c", f"sandboxAccounts={target.account_id}", *self.landing_zone.synth_args()]
        ttl = (
            REDEPLOY_TTL_HOURS[1]
            if self.landing_zone.context.get("ttlHours") == "4"
            else REDEPLOY_TTL_HOURS[0]
        )
        # the labs by name: a synth of every stack would stop on a learner's broken My<Lab> (its error)
        synth = ["synth", *self.labs, "--quiet", *context]
        self.timed("synthesizing the labs", lambda: run_cdk([*synth, "--output", str(first)], env=target.env))
        self.timed(
            f"synthesizing them again with ttlHours={ttl}, for the redeploy",
            lambda: run_cdk([*synth, "-c", f"ttlHours={ttl}", "--output", str(second)], env=target.env),
        )
        if target.on_emulator:
            self.landing_zone.prepare(target.session())
            bootstrap = ["bootstrap", f"aws://{target.account_id}/{target.region}", "--app", str(first)]
            bootstrap += self.landing_zone.bootstrap_args()
            self.timed("bootstrapping the emulator's account", lambda: run_cdk(bootstrap, env=target.env))
        else:
            self.timed(
                "checking the account's CDK bootstrap",
                lambda: self.landing_zone.require_bootstrap(target.session()),
            )
        return first, second

    # -- one lab's life ---------------------------------------------------------------------------
    def rehearse(
        self, lab_run: LabRun, target: Target, session: boto3.Session, first: Path, second: Path
    ) -> None:
        """Run one lab's steps in order, skipping each whose prerequisite step did not succeed."""
        steps: list[tuple[str, Callable[[], str]]] = [
            (DEPLOY, lambda: self.deploy(lab_run, target, first)),
            (CHECK, lambda: self.check(lab_run, target, session, CHECK)),
            (REDEPLOY, lambda: self.redeploy(lab_run, target, session, first, second)),
            (RECHECK, lambda: self.check(lab_run, target, session, RECHECK)),
            (EXPIRE, lambda: self.expire(lab_run, target)),
            (SCAN, lambda: self.scan(lab_run, session)),
        ]
        needs = {CHECK: DEPLOY, REDEPLOY: DEPLOY, RECHECK: REDEPLOY, EXPIRE: DEPLOY}
        for step, action in steps:
            required = needs.get(step)
            if required and not lab_run.succeeded(required):
                self.skip(f"{lab_run.lab_id}: {step} skipped, the {required} failed")
                lab_run.fail(step, f"skipped: the {required} failed")
                continue
            self.attempt(lab_run, step, action)

    def deploy(self, lab_run: LabRun, target: Target, assembly: Path) -> str:
        """Deploy the lab from its first synth."""
        self.cdk(
            target,
            [
                "deploy",
                lab_run.lab_id,
                "--app",
                str(assembly),
                "--exclusively",
                "--require-approval",
                "never",
                "--progress",
                "events",
                *self.landing_zone.deploy_args(),
            ],
        )
        self.landing_zone.verify(target.session(), lab_run.stack_name)
        return f"{lab_run.stack_name} deployed"

    def check(self, lab_run: LabRun, target: Target, session: boto3.Session, step: str) -> str:
        """Run the lab's check and print its report; the verdict."""
        from labs.checks.render import counts, print_report
        from labs.registry import lab, run_check

        checked = lab(lab_run.lab_id)
        report = run_check(
            checked.lab_id,
            session=session,
            stack_name=lab_run.stack_name,
            on_emulator=target.on_emulator,
            timeout_s=self.step_timeout_s or CHECK_TIMEOUT_S,
            # every opt-in part too (a self-heal): on the emulator it takes seconds, on AWS minutes
            options={option.keyword: True for option in checked.check_options},
        )
        lab_run.reports[step] = report
        print_report(report, self.console)
        if not report.passed:
            raise StepError(f"{lab_run.lab_id}: the check did not pass ({counts(report)})")
        return counts(report)

    def redeploy(
        self, lab_run: LabRun, target: Target, session: boto3.Session, first: Path, second: Path
    ) -> str:
        """Deploy the lab again from a second synth, as a learner's update would."""
        template = read_template(str(second / f"{lab_run.lab_id}.template.json"))
        images_before = instance_images(session, lab_run.stack_name)
        expiry_before = expiry_time(session, lab_run.stack_name)
        published = target.publish_new_images(image_parameters(template))
        self.cdk(
            target,
            [
                "deploy",
                lab_run.lab_id,
                "--app",
                str(second),
                "--exclusively",
                "--require-approval",
                "never",
                "--progress",
                "events",
                *self.landing_zone.deploy_args(),
            ],
        )
        images_after = instance_images(session, lab_run.stack_name)
        expiry_after = expiry_time(session, lab_run.stack_name)
        if expiry_after == expiry_before:
            raise StepError(f"{lab_run.lab_id}: the redeploy did not move the expiry ({expiry_after})")
        details = [f"expiry {expiry_before} -> {expiry_after}"]
        if images_before:
            details.append(f"image {published}")
            replaced = set(images_after) - set(images_before)
            details.append(
                f"instance replaced: {', '.join(sorted(replaced))}" if replaced else "instance kept"
            )
        return "; ".join(details)

    def expire(self, lab_run: LabRun, target: Target) -> str:
        """Let the lab expire and delete itself."""
        return target.expire(lab_run.stack_name, timeout_s=self.step_timeout_s or 900.0)

    def scan(self, lab_run: LabRun, session: boto3.Session) -> str:
        """Scan for what the lab left behind; StepError when it left anything."""
        from labs.leftovers.render import print_leftovers
        from labs.leftovers.scan import scan_leftovers

        owner = owner_of(lab_run.stack_name, lab_run.lab_id)
        leftovers = scan_leftovers(session, lab_id=lab_run.lab_id, owner=owner)
        lab_run.leftovers = leftovers
        if leftovers:
            print_leftovers(leftovers, lab_run.lab_id, self.console)
            raise StepError(f"{lab_run.lab_id}: {len(leftovers)} resource(s) left behind")
        return "nothing left"

    def clean_up(self, target: Target, session: boto3.Session, assembly: Path) -> None:
        """Destroy every stack the demo deployed that is still there, whatever ended the run."""
        for lab_run in self.runs:
            if not stack_exists(session, lab_run.stack_name):
                continue
            command = ["destroy", lab_run.lab_id, "--app", str(assembly), "--exclusively", "--force"]
            try:
                _, seconds = self.timed(
                    f"{lab_run.lab_id}: destroying what is left",
                    lambda command=command: self.cdk(target, command),  # type: ignore[misc]
                )
            except Exception as error:  # report it: a teacher must know a lab still bills
                lab_run.fail(CLEANUP, f"`cdk destroy {lab_run.lab_id}` failed: {error}")
                continue
            lab_run.done(CLEANUP, seconds, "destroyed by the demo after a failed step")
            lab_run.notes.append(f"{CLEANUP}: the demo destroyed {lab_run.stack_name} (its expiry did not)")

    def cdk(self, target: Target, command: list[str]) -> str:
        """Run the CDK CLI against the target."""
        from labs.demo.cdk_cli import DEFAULT_TIMEOUT_S, run_cdk

        run_cdk(command, env=target.env, timeout_s=self.step_timeout_s or DEFAULT_TIMEOUT_S)
        return ""

    # -- progress display -------------------------------------------------------------------------
    def attempt(self, lab_run: LabRun, step: str, action: Callable[[], str]) -> bool:
        """Run a step; a failure is recorded on the lab (never raised) so the other labs still rehearse."""
        from labs.demo.cdk_cli import CdkCliError

        try:
            detail, seconds = self.timed(f"{lab_run.lab_id}: {step}", action)
        except (StepError, CdkCliError) as error:
            lab_run.fail(step, str(error))
            self.console.print(f"[red]✘ {escape(str(error))}[/red]", highlight=False)
            return False
        except Exception as error:  # a bug or an emulator error in one lab must not hide the others
            lab_run.fail(step, f"{type(error).__name__}: {error}")
            self.console.print(
                f"[red]✘ {lab_run.lab_id}: {step} raised {type(error).__name__}: {escape(str(error))}[/red]"
            )
            return False
        lab_run.done(step, seconds, detail)
        return True

    def skip(self, what: str) -> None:
        """Show a step as skipped."""
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

    # -- summary: the table is the last thing printed ---------------------------------------------
    def summary(self, target: Target, total_s: float) -> None:
        """Print the notes, the results table and the total time."""
        self.console.rule("Summary")
        for line in run_notes(target, self.runs, verbose=self.verbose):
            self.console.print(line, highlight=False)
        passed = all(r.passed for r in self.runs) and len(self.runs) == len(self.labs)
        verdict = "[green]all labs passed[/green]" if passed else "[red]FAILED[/red]"
        goal = (
            f" ({'within' if total_s <= GOAL_S else 'over'} the {GOAL_S:.0f} s goal)"
            if target.on_emulator
            else ""
        )
        self.console.print(results_table(self.runs, caption=f"{verdict} in {total_s:.0f} s{goal}"))


def open_emulator(resources: ExitStack) -> EmulatorTarget:
    """Start the emulator for the rehearsal, stopped when `resources` closes."""
    from labs.cost.prices import PRICES_JSON
    from labs.demo.emulator_or_account import EmulatorTarget
    from local_aws.client import LocalAws

    # the emulator's Spot market is the kit's price table
    aws = resources.enter_context(LocalAws(prices=PRICES_JSON))
    # a default boto3 client anywhere in this process reaches the emulator, never AWS
    resources.enter_context(aws.patched_environ())
    return EmulatorTarget(aws)


def stack_names_of(assembly: Path) -> dict[str, str]:
    """Each lab's stack name as synthesized (`alice-<Lab>` when cdk.json sets an owner)."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    names = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") == "aws:cloudformation:stack":
            names[artifact_id] = artifact.get("properties", {}).get("stackName", artifact_id)
    return names


def stack_exists(session: boto3.Session, stack_name: str) -> bool:
    """Whether a stack of that name exists."""
    from botocore.exceptions import ClientError

    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError:
        return False
    return bool(stacks) and stacks[0]["StackStatus"] != "DELETE_COMPLETE"
