"""`python -m labs.launcher ARGS`: what .venv/bin/cdk runs (see labs/launcher/__init__.py)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from labs import cdk_kernel
from labs.cdk_kernel import node_folder
from labs.emulator.env_file import shell_problem
from labs.launcher import COMMAND_ENV, TALKS_TO_AWS
from labs.launcher.output import (
    DEFAULT_OUTPUT,
    SYNTHESIZING,
    assembly_app,
    busy_message,
    command_of,
    configured_output,
    live_lock_holder,
    output_folder,
)
from labs.launcher.process import run_in_group
from labs.launcher.selection import SELECTION_ENV, selected_stacks
from labs.launcher.stuck_stacks import stuck_lines
from labs.launcher.typos import unknown_stack_lines
from labs.outcomes import ExitStatus

ROOT = Path(__file__).resolve().parents[2]
CDK_ENTRY = ROOT / "node_modules" / "aws-cdk" / "bin" / "cdk"


def cli_environment(
    environ: Mapping[str, str], node_bin: Path, command: str | None = None, stacks: list[str] | None = None
) -> dict[str, str]:
    """The real Node first on PATH (the CLI's and jsii's `node`), the region the AWS CLI v1 reads too, the
    command (app.py warns about sandboxAccounts only for one that deploys labs) and the stacks it selects
    (app.py builds only those)."""
    env = {**environ, "PATH": f"{node_bin}{os.pathsep}{environ.get('PATH', '')}", COMMAND_ENV: command or ""}
    env.pop(SELECTION_ENV, None)
    if cdk_kernel.is_own_session(env):  # a labkit command's own: app.py's jsii stays in the group the
        env.pop("JSII_NODE")  # launcher stops, as the CLI's Node does
        env.pop(cdk_kernel.REAL_NODE_ENV, None)
    if stacks:
        env[SELECTION_ENV] = json.dumps(stacks)
    region = env.get("AWS_REGION", "").strip()
    if region:  # the CDK CLI reads AWS_REGION first; what it runs (and prints) must agree
        env["AWS_DEFAULT_REGION"] = region
    return env


def arguments(args: Sequence[str], *, cwd: Path, environ: Mapping[str, str]) -> tuple[list[str], str | None]:
    """The CLI's arguments (with an owner's output folder added) and the folder it will lock, if known."""
    chosen = output_folder(args, cwd=cwd, environ=environ)
    if assembly_app(args, cwd=cwd) is not None:  # read under the CLI's own read lock; cdk.out untouched
        return list(args), None
    if chosen:
        return [*args, "--output", chosen], chosen
    for index, arg in enumerate(args):
        if arg in ("-o", "--output") and index + 1 < len(args):
            return list(args), args[index + 1]
        if arg.startswith("--output="):
            return list(args), arg.partition("=")[2]
    home = Path(environ.get("HOME", str(Path.home())))
    default = command_of(args) in SYNTHESIZING and not configured_output(cwd, home)
    return list(args), DEFAULT_OUTPUT if default else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pinned CDK CLI; print one line when it was interrupted, and leave nothing running."""
    args = list(sys.argv[1:] if argv is None else argv)
    cwd = Path.cwd()
    try:
        node_bin = node_folder()
    except FileNotFoundError as error:
        print(f"cdk: {error}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    if not CDK_ENTRY.is_file():
        print(f"cdk: the pinned CDK CLI is missing ({CDK_ENTRY}): run `make setup`", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    problem = shell_problem(os.environ) if command_of(args) in TALKS_TO_AWS else None
    if problem:  # instead of "Unable to resolve AWS account", or a minute of refused connections
        print(f"cdk: {problem}", file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    cli_args, folder = arguments(args, cwd=cwd, environ=os.environ)
    holder = live_lock_holder(cwd / folder) if folder else None
    if folder and holder:
        print(busy_message(args, folder=folder, holder=holder), file=sys.stderr)
        return ExitStatus.CANNOT_RUN
    ended = run_in_group(
        [str(node_bin / "node"), str(CDK_ENTRY), *cli_args],
        env=cli_environment(os.environ, node_bin, command_of(args), selected_stacks(args)),
        scratch_prefix="labkit-cdk-",
    )
    if ended.interrupted_by is not None:
        print(
            f"\ncdk: stopped ({ended.interrupted_by.name}); nothing of it is left running. A deploy that had "
            "started goes on in CloudFormation: run the same command again to continue.",
            file=sys.stderr,
        )
        return ExitStatus.INTERRUPTED
    if ended.exit_code:  # a typo in a stack name, a stack no deploy or destroy can go on with: a line each
        for line in [*unknown_stack_lines(args), *stuck_lines(args, cwd=cwd)]:
            print(line, file=sys.stderr)
    return ended.exit_code


if __name__ == "__main__":
    sys.exit(main())
