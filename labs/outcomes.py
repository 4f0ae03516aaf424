"""The kit's one vocabulary for results and exits: what a check item, a preflight line, a grade and a demo
step say (pass, fail, skipped, not deployed), and the exit status every command ends with.

Each command shows these in its own words ("not verifiable here" in a check, "cannot tell" in preflight),
but they mean the same thing everywhere, and scripts read the same exit codes from every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class Outcome(Enum):
    """What one verified thing came to."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    # the tool could not tell here (the emulator cannot show it; AWS refused the read): never a pass
    SKIPPED = "skipped"
    # there was nothing to verify: the lab's stack is not there
    NOT_DEPLOYED = "not deployed"

    @classmethod
    def of(cls, ok: bool) -> Outcome:
        """PASS when ok, else FAIL."""
        return cls.PASS if ok else cls.FAIL


@dataclass(frozen=True)
class Result:
    """One verified thing: its name, what it came to, the detail seen, and a hint when it did not pass."""

    name: str
    outcome: Outcome
    detail: str
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASS

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAIL


class ExitStatus(IntEnum):
    """The exit code of every `labkit` command, for scripts and CI."""

    # the lab, scan, preflight or class passed
    PASSED = 0
    # it ran and something failed (a check item, a leftover, a blocking preflight line)
    FAILED = 1
    # it could not run: a usage error, a setting, AWS refusing a call
    CANNOT_RUN = 2
    # Ctrl-C, as shells report SIGINT
    INTERRUPTED = 130

    @classmethod
    def of(cls, passed: bool) -> ExitStatus:
        """PASSED when it passed, else FAILED."""
        return cls.PASSED if passed else cls.FAILED
