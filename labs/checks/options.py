"""Options a lab's check declares itself (a self-heal option): `labkit check` names no lab."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CheckOption:
    """A yes/no option of one lab's check, passed to its `check()` as a keyword of the same name."""

    flag: str
    help: str
    # the check's time limit when the option is on (a self-heal waits for a whole replacement)
    timeout_s: float | None = None

    @property
    def keyword(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")
