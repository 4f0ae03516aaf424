"""What a lab check reports: each verified promise with pass/fail, its reason, and a hint on failure."""

from __future__ import annotations

from dataclasses import dataclass, field

from labs.outcomes import Outcome, Result

__all__ = ["CheckItem", "CheckReport", "Outcome"]

# one item of a check is the kit's one result type; SKIPPED is a check's "not verifiable here"
CheckItem = Result


@dataclass
class CheckReport:
    """What a lab's check found: one item per verified thing, and notes."""

    lab_id: str
    stack_name: str
    items: list[CheckItem] = field(default_factory=list)
    # plain statements of what was done differently on the emulator (e.g. handler run in-process)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str, hint: str = "") -> CheckItem:
        """Add an item that passed or failed (the hint shows only when it failed)."""
        item = CheckItem(name, Outcome.of(ok), detail, "" if ok else hint)
        self.items.append(item)
        return item

    def judge(
        self, name: str, ok: bool, detail: str, *, hint: str = "", emulator_cannot: str | None = None
    ) -> CheckItem:
        """Pass when ok; else fail with the hint, unless the emulator cannot show it (say why): then the
        item is not verifiable here, which never counts as a pass."""
        if ok or emulator_cannot is None:
            return self.add(name, ok, detail, hint)
        return self.not_verifiable(name, f"{detail}: {emulator_cannot}")

    def not_verifiable(self, name: str, detail: str) -> CheckItem:
        """Add an item the check cannot verify here: skipped, never a pass."""
        item = CheckItem(name, Outcome.SKIPPED, detail)
        self.items.append(item)
        return item

    @property
    def passed(self) -> bool:
        """True when nothing failed and at least one promise was actually verified."""
        outcomes = [item.outcome for item in self.items]
        return Outcome.FAIL not in outcomes and Outcome.PASS in outcomes
