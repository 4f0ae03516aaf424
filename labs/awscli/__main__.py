"""`python -m labs.awscli ARGS`: what .venv/bin/aws runs (see labs/awscli/__init__.py)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from labs.deployed.session import EMULATOR_ENV
from labs.emulator.env_file import shell_problem

# what runs without calling AWS: no word about credentials there
_OFFLINE = frozenset({"help", "--version", "configure", "history"})


def own_cli(path: str, here: Path) -> str | None:
    """An `aws` on PATH other than the kit's (the machine's v2), or None."""
    for folder in path.split(os.pathsep):
        if not folder or Path(folder).resolve() == here:
            continue
        found = shutil.which("aws", path=folder)
        if found:
            return found
    return None


def cli_arguments(argv: Sequence[str], environ: dict[str, str]) -> list[str]:
    """On the emulator, every call names its endpoint (the v1 CLI sends SQS elsewhere otherwise)."""
    endpoint = environ.get("AWS_ENDPOINT_URL", "")
    if environ.get(EMULATOR_ENV) == "1" and endpoint and "--endpoint-url" not in argv:
        return ["--endpoint-url", endpoint, *argv]
    return list(argv)


def with_cdk_region(environ: dict[str, str]) -> dict[str, str]:
    """AWS_REGION, when set, as AWS_DEFAULT_REGION too: the CDK CLI (and `labkit`) read AWS_REGION first,
    the AWS CLI v1 reads only AWS_DEFAULT_REGION, so a deploy's printed commands would ask another region."""
    region = environ.get("AWS_REGION", "").strip()
    return {**environ, "AWS_DEFAULT_REGION": region} if region else environ


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kit's AWS CLI v1 in the region `cdk deploy` used (or hand over to the machine's own CLI)."""
    args = list(sys.argv[1:] if argv is None else argv)
    environ = with_cdk_region(dict(os.environ))
    os.environ.update(environ)
    here = (Path(sys.prefix) / "bin").resolve()
    problem = None if _OFFLINE & set(args[:1]) or not args else shell_problem(environ)
    if problem:  # instead of "Unable to locate credentials", or retries against a stopped emulator
        print(f"aws: {problem}", file=sys.stderr)
        return 253  # the AWS CLI's "the system environment or configuration was invalid"
    if environ.get(EMULATOR_ENV) != "1":
        other = own_cli(environ.get("PATH", ""), here)
        if other:
            os.execv(other, [other, *args])  # noqa: S606 - the user's own AWS CLI, as they would run it
    from awscli.clidriver import create_clidriver

    from labs.awscli.logs_tail import add_tail

    driver = create_clidriver()
    driver.session.register("building-command-table.logs", add_tail)
    code: int = driver.main(cli_arguments(args, environ))
    return code


if __name__ == "__main__":
    sys.exit(main())
