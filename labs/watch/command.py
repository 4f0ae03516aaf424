"""`labkit watch LAB`: a handler edit live in seconds, exercised and graded, without a synth or a deploy.

Files are watched with watchfiles (inotify on Linux): an edit wakes the loop at once, an editor's several
writes of one save come as one change, and nothing polls while the learner thinks.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from labs.cdk_json import cdk_json_context
from labs.checks.waiting import DEFAULT_TIMEOUT_S
from labs.constructs.function_facts import CodeSource
from labs.deployed.session import aws_failure
from labs.outcomes import ExitStatus
from labs.registry import lab, lab_ids
from labs.settings import AccountNotAllowedError, LabSettings, SettingsError
from labs.shared_facts import LEARNER_HANDLER, LEARNER_HANDLER_FILE
from labs.terminal import make_console
from labs.watch import events
from labs.watch.render import lines_of

if TYPE_CHECKING:
    import boto3

    from labs.watch.session import WatchSession

HELP = "make a handler edit live in seconds (no synth), run the lab as its hands-on does and grade it"
AWS_FAILURE = "the watch could not start"
# how often the file watcher wakes with nothing changed (the loop then says it waits, once)
WAKE_MS = 200
# after Ctrl-C the watch is gone within this many seconds (a deploy it stops has 10 s to end)
STOP_DEADLINE_S = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `labkit watch`."""
    parser.add_argument("lab", choices=lab_ids(), metavar="LAB", help=f"the lab: {', '.join(lab_ids())}")
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="the deploy's context, as `cdk deploy -c` (handlerCode=my-labs/<Lab>, owner, sandboxAccounts)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds to wait for the function's run and the check (default {DEFAULT_TIMEOUT_S:.0f})",
    )


def context_of(pairs: list[str]) -> dict[str, str]:
    """cdk.json's context with the `-c key=value` pairs over it, as the CDK CLI merges them."""
    context = {**cdk_json_context(Path.cwd() / "cdk.json")}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise SettingsError(f"-c {pair!r} is not KEY=VALUE (for example -c handlerCode=my-labs/<Lab>)")
        context[key.strip()] = value
    return context


def code_source(context: dict[str, str], settings: LabSettings, kit_code: CodeSource) -> CodeSource:
    """The learner's handler folder (`-c handlerCode=`), even while its handler does not parse; else the
    kit's code. A folder that is missing or holds no handler.py stops the watch, as it stops the deploy."""
    raw = str(context.get("handlerCode") or "").strip()
    if not raw:
        return kit_code
    folder = Path(raw).expanduser().resolve()
    if settings.handler_code is None and not (folder / LEARNER_HANDLER_FILE).is_file():
        raise SettingsError(settings.handler_code_error or f"handlerCode={raw!r} is not a folder")
    return CodeSource(folder)


def run(args: argparse.Namespace) -> int:
    """Watch a lab's handler until Ctrl-C; the exit status."""
    described = lab(args.lab)
    loop = described.handler_loop
    if loop is None:
        print(
            f"labkit watch: {args.lab} has no handler to watch (it deploys no Lambda function of yours): "
            f"edit labs/{described.folder.name}/stack.py and run `cdk deploy {args.lab}`",
            file=sys.stderr,
        )
        return ExitStatus.CANNOT_RUN
    from labs.deployed.session import on_emulator, session_from_environment

    context = context_of(args.context)
    session = session_from_environment()
    identity = session.client("sts").get_caller_identity()
    account = str(identity["Account"])
    environ = {"CDK_DEFAULT_ACCOUNT": account, "CDK_DEFAULT_REGION": session.region_name or ""}
    settings = LabSettings.from_context(context.get, environ, now=datetime.now(UTC), keys=context.keys())
    console = make_console()
    guard(settings, account, args.lab, console)
    source = code_source(context, settings, loop.kit_code)
    watch = build_session(args, session, settings, source, console, emulator=on_emulator(session))
    signal.signal(signal.SIGINT, interrupt_with_deadline)
    code = watch_until_stopped(watch, console)
    if code == ExitStatus.INTERRUPTED:
        # Ctrl-C ends the watch now: nothing left of a round (a check's worker, a watcher) may hold the exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def interrupt_with_deadline(_signum: int, _frame: object) -> None:
    """Ctrl-C: KeyboardInterrupt as usual, and a deadline: whatever a round was doing (a deploy it stops, a
    call that swallowed the interrupt), the watch is gone STOP_DEADLINE_S later, with its line said."""

    def end() -> None:
        print(f"labkit watch: stopped ({STOP_DEADLINE_S:.0f} s after Ctrl-C).", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(ExitStatus.INTERRUPTED)

    deadline = threading.Timer(STOP_DEADLINE_S, end)
    deadline.daemon = True
    deadline.start()
    raise KeyboardInterrupt


def guard(settings: LabSettings, account: str, lab_id: str, console: Console) -> None:
    """Refuse an account outside the sandbox list (as synth does); warn when there is no list."""
    if settings.sandbox_accounts and account not in settings.sandbox_accounts:
        raise AccountNotAllowedError(
            f"refusing to watch {lab_id} in account {account}: it is not a sandbox account "
            f"(sandboxAccounts: {', '.join(settings.sandbox_accounts)})"
        )
    warning = settings.check_target_account()
    if warning:
        console.print(warning, style="yellow", soft_wrap=True)


def build_session(
    args: argparse.Namespace,
    session: boto3.Session,
    settings: LabSettings,
    source: CodeSource,
    console: Console,
    *,
    emulator: bool,
) -> WatchSession:
    """The watch of this lab, its events printed on the console."""
    from labs.watch.session import WatchSession
    from labs.watch.sources import Sources, stack_files

    chosen = lab(args.lab)
    loop = chosen.handler_loop
    assert loop is not None
    return WatchSession(
        lab=chosen,
        loop=loop,
        sources=Sources(source, stack_files(chosen)),
        session=session,
        stack_name=settings.stack_name(args.lab),
        expected_handler=LEARNER_HANDLER if source != loop.kit_code else loop.kit_handler,
        deploy_args=[args.lab, *(part for pair in args.context for part in ("-c", pair))],
        on_emulator=emulator,
        show=lambda event: show(console, event),
        timeout_s=args.timeout,
    )


def watch_until_stopped(watch: WatchSession, console: Console) -> int:
    """Sync, then one round per change until Ctrl-C; the drift is said (or reconciled) at the end."""
    from watchfiles import watch as watch_files

    lab_id = watch.lab.lab_id
    try:
        watch.start()
        announce = True
        # an empty yield every WAKE_MS: "Watching" is said once the watcher runs: a save right after it counts
        for changes in watch_files(
            *watch.sources.folders, recursive=False, step=50, rust_timeout=WAKE_MS, yield_on_timeout=True
        ):
            if announce:
                waiting(console, watch)
                announce = False
            if changes:  # a file the lab is not built from (a log beside cdk.json) is no round
                announce = watch.changed([Path(path) for _, path in changes], detected=time.monotonic())
    except KeyboardInterrupt:
        console.print(f"labkit watch: stopped watching {lab_id}.", soft_wrap=True)
        try:
            drift = watch.finish()
        except Exception as error:  # the stop was said; what it could not check is one more line
            reason = aws_failure(error)
            if reason is None:
                raise
            console.print(f"labkit watch: could not tell whether {lab_id} drifted: {reason}", soft_wrap=True)
            return ExitStatus.INTERRUPTED
        # on AWS a drifted stack matters beyond this machine: say it, and the command that reconciles it
        if drift is not None and not watch.on_emulator:
            show(console, drift)
        return ExitStatus.INTERRUPTED
    return ExitStatus.PASSED


def waiting(console: Console, watch: WatchSession) -> None:
    """The line that says the loop waits for the next save."""
    folder, lab_id = watch.sources.code.folder, watch.lab.lab_id
    console.print(f"Watching {folder} and {lab_id}'s stack files: save a change; Ctrl-C to stop", style="dim")


def show(console: Console, event: events.Event) -> None:
    """One event on the console."""
    for line in lines_of(event):
        console.print(line, soft_wrap=True, highlight=False)
