"""One `labkit watch`: bring the functions in line with the code, push each edit, exercise, grade, redeploy.

Everything it does is an event handed to `show` (command.py prints them): the same calls on the emulator and
on AWS. The code is live when every function that runs it reports the package's CodeSha256: a changed file
is compared by that hash, not by the template, so an edit undone is undone in the function too (the CDK CLI's
hotswap compares templates and skips it: aws/aws-cdk#31728).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labs.checks.render import counts
from labs.deployed.session import aws_failure
from labs.handler_code import HandlerCodeError, handler_folder
from labs.registry import run_check
from labs.watch import events
from labs.watch.deployed import LabFunctions, NotDeployedError, read_functions, template_package, update_code
from labs.watch.exercise import read_lines, run_exercise, wait_for_run
from labs.watch.logs import handler_error, readable
from labs.watch.package import CodePackage, package, zip_contents

if TYPE_CHECKING:
    import boto3

    from labs.descriptor import HandlerLoop, Lab
    from labs.watch.sources import Sources

Show = Callable[[events.Event], None]
# what the CLI prints when it swapped a resource in place instead of deploying it (`--hotswap-fallback`)
HOTSWAPPED = "hotswapp"
# the deploy's lines a learner needs while it runs: a stack's result, its time, a failure, a hotswap
_SHOWN = ("✅", "❌", "Deployment time", "FAILED", "rror", HOTSWAPPED, "ROLLBACK")
DEPLOY_TAIL = 15


def worth_showing(line: str) -> bool:
    """True for a line of `cdk deploy` worth showing as it comes (the rest shows only when it fails)."""
    return any(mark in line for mark in _SHOWN)


def code_sha256(archive: bytes) -> str:
    """Lambda's CodeSha256 of a zip: its SHA-256, base64."""
    return base64.b64encode(hashlib.sha256(archive).digest()).decode("ascii")


@dataclass
class WatchSession:
    """The watch of one lab's handler code on one deployed stack."""

    lab: Lab
    loop: HandlerLoop
    sources: Sources
    session: boto3.Session
    stack_name: str
    expected_handler: str
    # `cdk deploy <Lab> -c ...` as the learner would type it (the watch adds what it needs)
    deploy_args: Sequence[str]
    on_emulator: bool
    show: Show
    timeout_s: float = 120.0
    cdk: Callable[[list[str]], subprocess.Popen[str]] | None = None
    functions: LabFunctions | None = None
    # the watch changed code behind the template's back since the last full deploy
    drifted: bool = False
    hotswapped: bool = False
    first_live: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def poll_s(self) -> float:
        return 0.2 if self.on_emulator else 1.0

    # -- the loop's steps -----------------------------------------------------------------------
    def start(self) -> None:
        """Find the functions (deploying the lab first if it is not there), then bring them in line."""
        try:
            self.functions = read_functions(self.session, self.stack_name, self.loop)
        except NotDeployedError as error:
            self.redeploy(f"{error}: deploying it first")
            return
        if self._handler_mismatch():
            return
        code = self._package()
        if code is None:
            return
        if self._runs(code):
            self.first_live.setdefault(code.code_sha256, "the watch's start")
            self.show(events.Note(f"{self._names()} run the code of {self.sources.code.folder} already"))
            return
        self.push(code, why=f"{self._names()} run other code than {self.sources.code.folder}")

    def changed(self, paths: Sequence[Path], *, detected: float | None = None) -> bool:
        """Files changed: a stack file redeploys, a code file is pushed; anything else is ignored (False)."""
        stack, code_paths = self.sources.stack_changes(paths), self.sources.code_changes(paths)
        try:
            if stack:
                self.redeploy(
                    f"{_shown_paths(stack)} changed: the stack's template changes, so it takes a deploy"
                )
            elif code_paths:
                code = self._package()
                if code is not None and not self._handler_mismatch():
                    self.push(code, why=f"{_shown_paths(code_paths)} changed", since=detected)
        except Exception as error:  # an AWS error is one line and the loop goes on waiting
            reason = aws_failure(error)
            if reason is None:
                raise
            self.show(events.Problem(reason))
        return bool(stack or code_paths)

    def push(self, code: CodePackage, *, why: str, since: float | None = None) -> None:
        """UpdateFunctionCode on each function whose code is not this package, wait, then exercise."""
        assert self.functions is not None
        started = since if since is not None else time.monotonic()
        stale = [f for f in self.functions.functions if f.code_sha256 != code.code_sha256]
        if not stale:
            self.show(events.Unchanged(code.code_sha256, self._names()))
            return
        if code.too_large:
            self.redeploy(
                f"the package is {len(code.zip_bytes) // 2**20} MB, over UpdateFunctionCode's 50 MB"
            )
            return
        lambda_client = self.session.client("lambda")
        updated = {}
        for function in stale:
            configuration = update_code(
                lambda_client, function.name, poll_s=self.poll_s, ZipFile=code.zip_bytes
            )
            updated[function.name] = str(configuration.get("CodeSha256", ""))
        self.functions = dataclasses.replace(
            self.functions,
            functions=tuple(
                dataclasses.replace(f, code_sha256=updated.get(f.name, f.code_sha256))
                for f in self.functions.functions
            ),
        )
        self.drifted = True
        earlier = self.first_live.get(code.code_sha256)
        self.first_live.setdefault(code.code_sha256, f"{datetime.now():%H:%M:%S}")
        live = all(sha == code.code_sha256 for sha in updated.values())
        self.show(
            events.Live(
                why=why,
                functions=tuple(f.name for f in stale),
                code_sha256=code.code_sha256,
                seconds=time.monotonic() - started,
                back_to=earlier,
                confirmed=live,
            )
        )
        self.exercise(code)

    def exercise(self, code: CodePackage | None = None) -> None:
        """Run the lab as its hands-on does, show the function's new lines and error, then grade."""
        assert self.functions is not None
        code = code or package(self.sources.code)
        exercise = self.loop.exercise
        self.show(events.Exercising(exercise.says))
        groups = [f.log_group for f in self.functions.watched]
        before = read_lines(self.session, groups, since_ms=int(time.time() * 1000))
        done = run_exercise(
            self.session,
            self.functions.stack,
            exercise,
            user_id=f"watch-{uuid.uuid4().hex[:8]}",
            timeout_s=self.timeout_s,
            poll_s=self.poll_s,
        )
        self.show(events.ExerciseDone(done.did, done.result, done.failed))
        seen = wait_for_run(
            self.session,
            groups,
            since_ms=done.started_ms,
            before=before,
            timeout_s=self.timeout_s,
            poll_s=self.poll_s,
        )
        self.show(events.NewLogLines(tuple(text for line in seen.lines if (text := readable(line.message)))))
        failure = handler_error(seen.lines, code.contents, self.sources.code.folder)
        if failure is not None:
            self.show(events.HandlerFailed(failure))
        if not seen.ended:
            self.show(events.Note(f"no run of the function ended within {self.timeout_s:.0f} s", "yellow"))
        self.grade()

    def grade(self) -> None:
        """The lab's own check; shown: the items that grade the function (a lab that names none: no check)."""
        if not self.loop.check_items:
            return
        report = run_check(
            self.lab.lab_id,
            session=self.session,
            stack_name=self.stack_name,
            on_emulator=self.on_emulator,
            timeout_s=self.timeout_s,
        )
        items = tuple(item for item in report.items if item.name in self.loop.check_items)
        self.show(events.Graded(self.lab.lab_id, items, counts(report)))

    def redeploy(self, reason: str) -> None:
        """`cdk deploy` of the lab: with --hotswap-fallback where the CLI can swap in place (AWS), a full
        deploy on the emulator (no Cloud Control API there for the CLI's other hotswaps)."""
        args = ["deploy", *self.deploy_args, "--require-approval", "never"]
        if not self.on_emulator:
            args.append("--hotswap-fallback")
        self.show(events.Redeploying(reason, " ".join(["cdk", *args])))
        started = time.monotonic()
        printed: list[str] = []
        process = (self.cdk or _run_cdk)([*args, "--no-notices", "--no-color"])
        assert process.stdout is not None
        try:
            for line in process.stdout:
                printed.append(line.rstrip())
                if worth_showing(printed[-1]):
                    self.show(events.DeployOutput(printed[-1]))
            ok = process.wait() == 0
        except KeyboardInterrupt:
            _stop(process)  # Ctrl-C mid-deploy: the watch ends now, and leaves no CLI running behind it
            raise
        if not ok:  # what the CLI said last, unless it was shown already
            for line in printed[-DEPLOY_TAIL:]:
                self.show(events.DeployOutput(line) if not worth_showing(line) else events.Note(""))
        self.show(events.Redeployed(ok, time.monotonic() - started))
        if not ok:
            return
        hotswapped = any(HOTSWAPPED in line.lower() for line in printed)
        self.drifted, self.hotswapped = hotswapped, self.hotswapped or hotswapped
        self.functions = read_functions(self.session, self.stack_name, self.loop)
        if not self._handler_mismatch(after_deploy=True):
            self.exercise()

    def finish(self) -> events.Drift | None:
        """After the last edit: None when the stack's functions run what its template says; otherwise the
        watch puts the template's own code back when it is the same files as the source, else it says which
        deploy reconciles the stack (the template then names the code the functions run)."""
        if not self.drifted or self.functions is None:
            return None
        code = package(self.sources.code)
        deployed = [(f, template_package(self.session, f)) for f in self.functions.functions]
        if all(archive is not None and code.same_files(zip_contents(archive)) for _, archive in deployed):
            lambda_client = self.session.client("lambda")
            for function, archive in deployed:
                if (
                    archive is not None
                    and function.template_code
                    and function.code_sha256 != code_sha256(archive)
                ):
                    update_code(lambda_client, function.name, poll_s=self.poll_s, **function.template_code)
            return events.Drift(self.stack_name, reconciled=True, command="")
        command = " ".join(
            ["cdk", "deploy", *self.deploy_args] + (["--revert-drift"] if self.hotswapped else [])
        )
        return events.Drift(self.stack_name, reconciled=False, command=command)

    # -- helpers --------------------------------------------------------------------------------
    def _package(self) -> CodePackage | None:
        """The package of the code as it is now, unless it does not parse or the deploy would refuse it."""
        code = package(self.sources.code)
        problems = code.syntax_problems()
        if problems:
            self.show(events.NotParsing(tuple(problems)))
            return None
        if self.sources.code != self.loop.kit_code:
            try:  # the learner's folder: what `cdk deploy -c handlerCode=` refuses is not pushed either
                handler_folder(str(self.sources.code.folder))
            except HandlerCodeError as refused:
                self.show(events.Refused(str(refused)))
                return None
        return code

    def _runs(self, code: CodePackage) -> bool:
        """True when every function runs this package, or the template's code of the same files."""
        assert self.functions is not None
        if all(f.code_sha256 == code.code_sha256 for f in self.functions.functions):
            return True
        for function in self.functions.functions:
            archive = template_package(self.session, function)
            if archive is None or function.code_sha256 != code_sha256(archive):
                return False
            if not code.same_files(zip_contents(archive)):
                return False
        return True

    def _handler_mismatch(self, *, after_deploy: bool = False) -> bool:
        """True (after a redeploy, or having said why not) when the functions run another handler."""
        assert self.functions is not None
        other = sorted({f.handler for f in self.functions.watched if f.handler != self.expected_handler})
        if not other:
            return False
        if after_deploy:
            self.show(events.Problem(f"after the deploy, {self._names()} still run {other[0]}"))
            return True
        self.redeploy(f"{self._names()} run {other[0]}, not {self.expected_handler}: the template changes")
        return True

    def _names(self) -> str:
        assert self.functions is not None
        return ", ".join(f.name for f in self.functions.watched) or "the functions"


def _shown_paths(paths: Sequence[Path]) -> str:
    """Each changed file once, existing ones only (an editor's temporary file came and went), else all."""
    existing = [path for path in paths if path.exists()] or list(paths)
    shown = [
        str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
        for path in existing
    ]
    return ", ".join(dict.fromkeys(shown))


def _stop(process: subprocess.Popen[str], grace_s: float = 10.0) -> None:
    """Ctrl-C to the CLI (its launcher stops what it started), then a kill if it outlives `grace_s`."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _run_cdk(args: list[str]) -> subprocess.Popen[str]:
    """The kit's pinned CLI, its output read line by line (stderr with it: the CLI prints there)."""
    from labs.demo.cdk_cli import cdk_executable

    executable, extra = cdk_executable()
    environment: dict[str, Any] = {**os.environ, **extra, "FORCE_COLOR": "0"}
    return subprocess.Popen(
        [str(executable), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    )
