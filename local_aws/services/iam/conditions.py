"""A policy statement's Condition block, decided on a request context, as IAM decides it (IAM User Guide:
condition operators; conditions with multiple context keys or values).

Operators AND, keys of one operator AND, a key's values OR (a negated operator's NOR). A key missing from
the context makes a condition false, a negated one true; `...IfExists` passes a missing key, `Null` tests
for it. The string, ARN and Bool operators are decided; any other is `None` (undecided), which callers
read as "the statement does not apply".
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Context = Mapping[str, Sequence[str]]


def _equals(value: str, pattern: str) -> bool:
    return value == pattern


def _equals_ignoring_case(value: str, pattern: str) -> bool:
    return value.lower() == pattern.lower()


def _like(value: str, pattern: str) -> bool:
    # IAM's wildcards: `*` any run of characters, `?` one; fnmatch's `[` classes never occur in policies
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _bool(value: str, pattern: str) -> bool:
    return value.lower() == pattern.lower()


# operator -> (how a context value matches a policy value, negated)
_OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (_equals, False),
    "StringNotEquals": (_equals, True),
    "StringEqualsIgnoreCase": (_equals_ignoring_case, False),
    "StringNotEqualsIgnoreCase": (_equals_ignoring_case, True),
    "StringLike": (_like, False),
    "StringNotLike": (_like, True),
    "ArnEquals": (_like, False),
    "ArnLike": (_like, False),
    "ArnNotEquals": (_like, True),
    "ArnNotLike": (_like, True),
    "Bool": (_bool, False),
}


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _key_holds(operator: str, key: str, wanted: list[str], context: Context) -> bool | None:
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    present = [str(v) for v in context.get(key, [])] if key in context else None
    if name == "Null":
        return (present is None) == (wanted[0].lower() == "true")
    if name not in _OPERATORS:
        return None
    matches, negated = _OPERATORS[name]
    if present is None:
        return True if if_exists or negated else qualifier == "ForAllValues"
    hits = [any(matches(value, pattern) for pattern in wanted) for value in present]
    if qualifier == "ForAllValues":
        return all(hits) if not negated else not any(hits)
    return any(hits) if not negated else not any(hits)


def condition_holds(block: Mapping[str, Mapping[str, Any]], context: Context) -> bool | None:
    """True when every operator's every key holds on `context`, False when one does not, None when an
    operator the emulator does not decide is needed to tell."""
    undecided = False
    for operator, keys in block.items():
        for key, wanted in keys.items():
            holds = _key_holds(operator, key, _values(wanted), context)
            if holds is False:
                return False
            undecided = undecided or holds is None
    return None if undecided else True
