"""`labkit emulator`: the local AWS in the foreground, and the variables to paste into another shell."""

from __future__ import annotations

import argparse
import shlex

from labs.emulator.local_aws import EmulatorError, LocalAws

HELP = "start the local AWS emulator in the foreground and print the variables to rehearse a lab by hand"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--verbose", action="store_true", help="log every request the emulator answers")


def shell_exports(aws: LocalAws) -> list[str]:
    """Lines a user pastes into a POSIX shell so aws, cdk and labkit talk to this emulator."""
    lines = ["unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN CDK_DEFAULT_ACCOUNT"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in aws.env_vars.items()]
    return lines


def _instructions(aws: LocalAws) -> str:
    context = f"-c sandboxAccounts={aws.account_id}"
    steps = [
        f"cdk bootstrap aws://{aws.account_id}/{aws.region}",
        f"cdk deploy LabEc2 --require-approval never {context}",
        "labkit check LabEc2",
        f"cdk destroy LabEc2 --force {context}",
        "labkit leftovers",
    ]
    fixes = [f"  - {fix.name}: {fix.why}" for fix in aws.parity_fixes]
    gaps = [f"  - {gap.name}: {gap.detail}" for gap in aws.gaps]
    return "\n".join(
        [
            f"Local AWS emulator listening on {aws.endpoint} (account {aws.account_id}, {aws.region}).",
            "",
            "Paste into another shell:",
            *(f"  {line}" for line in shell_exports(aws)),
            "",
            "Then rehearse a lab:",
            *(f"  {step}" for step in steps),
            "",
            "The emulator runs no custom resource: before destroying LabDdbStream or LabStepFunction,",
            "empty their buckets (aws s3 rm s3://BUCKET --recursive), or the destroy ends DELETE_FAILED,",
            "as it would on AWS without the bucket cleaner.",
            "",
            "AWS parity fixes applied inside the emulator:",
            *fixes,
            "What the emulator cannot do:",
            *gaps,
            "",
            "Ctrl-C stops the emulator; everything deployed to it is gone with it.",
        ]
    )


def run(args: argparse.Namespace) -> int:
    try:
        with LocalAws(port=args.port, verbose=args.verbose) as aws:
            print(_instructions(aws), flush=True)
            code = aws.wait()
            print(f"labkit: the emulator stopped on its own (exit {code}):\n{aws.log_tail()}")
            return 1
    except KeyboardInterrupt:
        print("\nlabkit: emulator stopped")
        return 0
    except EmulatorError as error:
        print(f"labkit: {error}")
        return 1
