#!/usr/bin/env python3
"""JSII_NODE: run the real Node (LABKIT_REAL_NODE) with jsii's arguments, in a session of its own."""

import os
import sys


def main() -> None:
    """setsid, then become Node: Ctrl-C at the terminal no longer reaches it; Python ends it through jsii."""
    os.setsid()
    node = os.environ.get("LABKIT_REAL_NODE", "node")  # without it: the node on PATH, as jsii would run
    os.execvp(node, [node, *sys.argv[1:]])  # noqa: S606 - the very Node binary, no shell


if __name__ == "__main__":
    main()
