"""Cache what the venv's Python compiles in .venv/pycache, whatever PYTHONDONTWRITEBYTECODE says.

`make setup` copies this module into the venv's site-packages beside labkit-bytecode.pth, whose one line
imports it at each start of the venv's Python. Without it, these machines' PYTHONDONTWRITEBYTECODE=1 has
every process compile aws-cdk-lib, moto and the rest from source again. With it, a module is compiled once,
the first time anything imports it, and the checkout stays as free of __pycache__ as the variable keeps it.
A run that asks for no bytecode itself (`python -B`) or ignores the environment (-E, -I) stays as it is.
"""

import os
import sys


def _asked_for_no_bytecode_itself(argv: list[str]) -> bool:
    """Whether the interpreter's own options, before the script, -c or -m, include -B."""
    for arg in argv[1:]:
        if arg in {"-c", "-m"} or not arg.startswith("-") or arg.startswith("--"):
            return False
        if "B" in arg:
            return True
    return False


def keep_bytecode() -> None:
    if (
        sys.flags.dont_write_bytecode
        and os.environ.get("PYTHONDONTWRITEBYTECODE")
        and not sys.flags.ignore_environment
        and not _asked_for_no_bytecode_itself(sys.orig_argv)
    ):
        sys.dont_write_bytecode = False
        # one folder inside the venv: nothing lands in the checkout, and `rm -rf .venv` takes it all
        sys.pycache_prefix = sys.pycache_prefix or os.path.join(sys.prefix, "pycache")


keep_bytecode()
