"""What every service module of the parity package shares: the fix and gap records, and the patch helpers.

A fix is declared with `@parity_fix(...)` right above the function that applies it, so what moto does and
what AWS does sit beside the code that changes the one into the other.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MOTO_VERSION = "5.2.5"


@dataclass(frozen=True)
class ParityFix:
    """One difference from AWS the emulator fixes: what moto does, what AWS does, and the patch."""

    name: str
    moto_does: str
    aws_does: str
    apply: Callable[[], None]

    @property
    def why(self) -> str:
        return f"moto {self.moto_does}; AWS {self.aws_does}"


@dataclass(frozen=True)
class EmulatorGap:
    """Something the emulator cannot do, which no fix here restores: a check must not claim it."""

    name: str
    detail: str


class ParityError(RuntimeError):
    """The installed moto is not the version these fixes were written against."""


def parity_fix(name: str, *, moto_does: str, aws_does: str) -> Callable[[Callable[[], None]], ParityFix]:
    """Turn the decorated function into the `apply` of a fix with this name and description."""

    def declare(apply: Callable[[], None]) -> ParityFix:
        return ParityFix(name, moto_does, aws_does, apply)

    return declare


def check_moto_version() -> None:
    """Refuse to patch a moto other than the pinned one, whose internals the fixes rely on."""
    installed = importlib.metadata.version("moto")
    if installed != MOTO_VERSION:
        raise ParityError(
            f"the emulator's parity fixes patch moto {MOTO_VERSION} internals, but moto {installed} is "
            "installed: run `make setup` to install the pinned version"
        )


# -- patching helpers: moto's own type hints cannot describe a monkey patch, so its objects are Any here --
def from_moto(module: str, name: str) -> Any:
    """A name from a moto module, imported when a fix is applied."""
    return getattr(importlib.import_module(module), name)


def original(owner: Any, name: str) -> Callable[..., Any]:
    """The plain function behind a method or classmethod, for its replacement to call."""
    attribute = inspect.getattr_static(owner, name)
    function: Callable[..., Any] = attribute.__func__ if isinstance(attribute, classmethod) else attribute
    return function


def replace(owner: Any, name: str, replacement: Any) -> None:
    """Put a replacement in place of an attribute of a moto class or module."""
    setattr(owner, name, replacement)


def replace_classmethod(owner: Any, name: str, function: Callable[..., Any]) -> None:
    """Put a function in place of a moto classmethod."""
    setattr(owner, name, classmethod(function))
