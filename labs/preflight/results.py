"""A preflight line: one thing a deploy needs, whether it holds (pass, fail, cannot tell), and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import ClientError

from labs.deployed.session import error_text
from labs.outcomes import ExitStatus, Outcome

# preflight's words for the kit's outcomes: a line passes, fails (blocks the deploy) or cannot tell
OK = Outcome.PASS
FAIL = Outcome.FAIL
CANNOT_TELL = Outcome.SKIPPED
LABELS = {OK: "pass", FAIL: "fail", CANNOT_TELL: "cannot tell"}


@dataclass(frozen=True, kw_only=True)
class Line:
    """One thing a deploy needs: whether it holds (an Outcome), what was seen, and the fix."""

    check: str
    status: Outcome
    detail: str
    fix: str = ""

    @property
    def blocks(self) -> bool:
        return self.status is FAIL

    @property
    def label(self) -> str:
        """`pass`, `fail` or `cannot tell`, as the preflight table shows it."""
        return LABELS.get(self.status, self.status.value)


def unreadable(check: str, error: ClientError, *, fix: str) -> Line:
    """AWS refused the read: the preflight cannot tell, and says what it was refused."""
    return Line(check=check, status=CANNOT_TELL, detail=f"AWS refused the read: {error_text(error)}", fix=fix)


def exit_code(lines: Sequence[Line]) -> ExitStatus:
    """FAILED when a line blocks the deploy, else PASSED (lines it cannot tell included)."""
    return ExitStatus.of(not any(line.blocks for line in lines))
