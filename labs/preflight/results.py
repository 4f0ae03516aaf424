"""A preflight line: one thing a deploy needs, whether it holds (pass, fail, cannot tell), and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import ClientError

from labs.deployed.session import error_text

OK = "pass"
FAIL = "fail"
CANNOT_TELL = "cannot tell"


@dataclass(frozen=True, kw_only=True)
class Line:
    check: str
    status: str
    detail: str
    fix: str = ""

    @property
    def blocks(self) -> bool:
        return self.status == FAIL


def unreadable(check: str, error: ClientError, *, fix: str) -> Line:
    """AWS refused the read: the preflight cannot tell, and says what it was refused."""
    return Line(check=check, status=CANNOT_TELL, detail=f"AWS refused the read: {error_text(error)}", fix=fix)


def exit_code(lines: Sequence[Line]) -> int:
    """1 when a line blocks the deploy, else 0 (lines it cannot tell included)."""
    return 1 if any(line.blocks for line in lines) else 0
