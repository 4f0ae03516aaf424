"""`python -m labs.awscli ARGS`: what .venv/bin/aws runs (see labs/awscli/__init__.py)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from labs.deployed.session import EMULATOR_ENV


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the user's own AWS CLI, or the bundled one (with `logs tail`) on the emulator."""
    args = list(sys.argv[1:] if argv is None else argv)
    environ = dict(os.environ)
    here = (Path(sys.prefix) / "bin").resolve()
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
