"""The catalogue of AWS resource types: one `ResourceType(...)` entry per CloudFormation type the kit knows,
in the module of its AWS service (labs/catalogue/<service>.py), found by looking, as the registry finds labs.

`labkit cost` prices a template by its entries, `labkit preflight` simulates their deploy actions, `labkit
leftovers` finds what outlives a stack by them, and the spend guard prices what runs by their running scans.
No other shared module lists a type (tests/labs/test_catalogue_is_the_only_list.py). A type without an entry
is named as unknown by each tool: `entry()` raises UnknownResourceTypeError, saying where the entry goes.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from labs.catalogue.entry import ResourceType, UnknownResourceTypeError

__all__ = ["ResourceType", "UnknownResourceTypeError", "entries", "entry", "forget", "known", "unknown"]

CATALOGUE_ROOT = Path(__file__).resolve().parent
# CloudFormation treats `Custom::<Name>` as this type (its user guide, "Custom resources")
CUSTOM_PREFIX = "Custom::"
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"


class CatalogueError(RuntimeError):
    """Two entries claim one type, or two types one ARN form: the catalogue must say one thing per type."""


@functools.cache
def _found() -> dict[str, ResourceType]:
    found: dict[str, ResourceType] = {}
    for path in sorted(CATALOGUE_ROOT.glob("*.py")):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"{__package__}.{path.stem}")
        for value in vars(module).values():
            if not isinstance(value, ResourceType) or found.get(value.cfn_type) is value:
                continue
            if value.cfn_type in found:
                raise CatalogueError(f"two entries for {value.cfn_type}, one in {path.name}")
            found[value.cfn_type] = value
    return dict(sorted(found.items()))


def entries() -> Mapping[str, ResourceType]:
    """CloudFormation type -> its entry, every type the kit knows."""
    return _found()


def forget() -> None:
    """Look for the entries again on the next call (a test that adds or removes an entry)."""
    _found.cache_clear()


def entry(cfn_type: str) -> ResourceType:
    """The type's entry (a `Custom::` type is a custom resource); UnknownResourceTypeError otherwise."""
    found = _found()
    key = CUSTOM_RESOURCE if cfn_type.startswith(CUSTOM_PREFIX) else cfn_type
    if key not in found:
        raise UnknownResourceTypeError(cfn_type)
    return found[key]


def known(cfn_type: str) -> bool:
    """Whether the catalogue has an entry for the type."""
    try:
        entry(cfn_type)
    except UnknownResourceTypeError:
        return False
    return True


def unknown(types: Iterable[str]) -> list[str]:
    """The types of `types` the catalogue has no entry for, sorted, each once."""
    return sorted({t for t in types if not known(t)})
