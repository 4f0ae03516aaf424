"""The lab registry: every folder of labs/ with a `lab.py` is a lab, described by its `LAB = Lab(...)`.

No list of lab ids lives anywhere else: the commands, app.py and the tests ask this module. Finding the
labs imports only their descriptors (CDK-free), so `labkit check` stays fast; a lab's stack and check are
imported when used (labs/descriptor.py).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from labs.checks.options import CheckOption
from labs.descriptor import Lab

if TYPE_CHECKING:
    import boto3

    from labs.checks.report import CheckReport
    from labs.checks.waiting import ProgressFactory

LABS_ROOT = Path(__file__).resolve().parent
DESCRIPTOR_MODULE = "lab"


class RegistryError(RuntimeError):
    """A lab folder's descriptor is missing, malformed or clashes with another's."""


@functools.cache
def _discovered() -> dict[str, Lab]:
    found: list[Lab] = []
    for folder in sorted(path.parent for path in LABS_ROOT.glob(f"*/{DESCRIPTOR_MODULE}.py")):
        module = importlib.import_module(f"{__package__}.{folder.name}.{DESCRIPTOR_MODULE}")
        described = getattr(module, "LAB", None)
        if not isinstance(described, Lab):
            raise RegistryError(f"{folder / DESCRIPTOR_MODULE}.py defines no `LAB = Lab(...)`")
        found.append(described)
    labs: dict[str, Lab] = {}
    for described in sorted(found, key=lambda lab: (lab.order, lab.lab_id)):
        if described.lab_id in labs:
            raise RegistryError(f"two lab folders declare {described.lab_id}")
        labs[described.lab_id] = described
    return labs


def all_labs() -> Mapping[str, Lab]:
    """Lab id -> descriptor, in the chapter's order."""
    return _discovered()


def lab_ids() -> tuple[str, ...]:
    """Every lab's id, in the chapter's order."""
    return tuple(_discovered())


def forget() -> None:
    """Find the lab folders again on the next call (a test that adds or removes a folder)."""
    _discovered.cache_clear()


def lab_argument(text: str) -> str:
    """A lab id given on the command line (argparse's `type=`), refused with the list of labs when unknown."""
    import argparse

    if text not in _discovered():
        raise argparse.ArgumentTypeError(f"unknown lab {text!r}: choose from {', '.join(_discovered())}")
    return text


def lab(lab_id: str) -> Lab:
    """The lab with this id; a ValueError that lists the labs for any other id."""
    labs = _discovered()
    if lab_id not in labs:
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {', '.join(labs)}")
    return labs[lab_id]


def check_options() -> list[tuple[Lab, CheckOption]]:
    """Every lab's declared check options, with the lab that declares each."""
    return [(lab, option) for lab in _discovered().values() for option in lab.check_options]


def labs_declaring(keyword: str) -> str:
    """The labs whose check declares this option keyword (`self_heal`), or "no lab"."""
    return ", ".join(lab.lab_id for lab, option in check_options() if option.keyword == keyword) or "no lab"


def run_check(
    lab_id: str,
    *,
    session: boto3.Session,
    stack_name: str,
    on_emulator: bool,
    timeout_s: float | None = None,
    options: Mapping[str, bool] | None = None,
    progress: ProgressFactory | None = None,
) -> CheckReport:
    """Run one lab's check; `options` are its declared check options by keyword (self_heal=True).

    `progress` replaces the live status line of its waits (checks run side by side show none). An option
    the lab does not declare is a ValueError naming the labs that do.
    """
    from labs.checks.waiting import DEFAULT_TIMEOUT_S, Waiter

    checked = lab(lab_id)
    chosen = {name for name, on in (options or {}).items() if on}
    own = {option.keyword: option for option in checked.check_options}
    foreign = sorted(chosen - own.keys())
    if foreign:
        flags = ", ".join("--" + name.replace("_", "-") for name in foreign)
        raise ValueError(f"{flags} applies to {labs_declaring(foreign[0])} only")
    if timeout_s is None:
        timeout_s = max([DEFAULT_TIMEOUT_S, *(own[name].timeout_s or DEFAULT_TIMEOUT_S for name in chosen)])
    waiter = Waiter.for_run(on_emulator=on_emulator, timeout_s=timeout_s)
    if progress is not None:
        waiter.progress = progress
    keywords = {name: name in chosen for name in own}
    return checked.check(session, stack_name=stack_name, on_emulator=on_emulator, waiter=waiter, **keywords)
