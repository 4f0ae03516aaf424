"""Cost per lab-hour: price the synthesized labs from a small dated price table (`labkit cost`)."""

from __future__ import annotations

from labs.cost.command import HELP, add_arguments, run

__all__ = ["HELP", "add_arguments", "run"]
