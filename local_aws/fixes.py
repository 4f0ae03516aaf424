"""What every service of the emulator shares: the fix and gap records, and the order fixes are applied in.

A fix is declared with `@parity_fix(...)` right above the function that applies it, so what moto does and
what AWS does sit beside the code that changes the one into the other. Its id is `<service>.<function>`
(`awslambda.lambda_runs_deployed_code`); a fix that wraps what another installs names that one in `after=`,
and `application_order` applies every fix after the fixes it names (a cycle or an unknown name is refused).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

_SERVICES = "local_aws.services."


@dataclass(frozen=True)
class ParityFix:
    """One difference from AWS the emulator fixes: what moto does, what AWS does, and the patch."""

    name: str
    moto_does: str
    aws_does: str
    apply: Callable[[], None]
    # the ids of the fixes this one must be applied after (it wraps what they install)
    after: tuple[str, ...] = ()

    @property
    def why(self) -> str:
        return f"moto {self.moto_does}; AWS {self.aws_does}"

    @property
    def id(self) -> str:
        """`<service>.<function>`: how another fix names this one in its `after`."""
        module = self.apply.__module__
        service = module.removeprefix(_SERVICES).split(".")[0] if module.startswith(_SERVICES) else module
        return f"{service}.{self.apply.__name__}"


@dataclass(frozen=True)
class EmulatorGap:
    """Something the emulator cannot do, which no fix here restores: a check must not claim it."""

    name: str
    detail: str


class FixOrderError(ValueError):
    """The fixes' declared order cannot be followed: a cycle, or a name no fix has; the message says which."""


def parity_fix(
    name: str, *, moto_does: str, aws_does: str, after: tuple[str, ...] = ()
) -> Callable[[Callable[[], None]], ParityFix]:
    """Turn the decorated function into the `apply` of a fix with this name, description and order."""

    def declare(apply: Callable[[], None]) -> ParityFix:
        return ParityFix(name, moto_does, aws_does, apply, after)

    return declare


def application_order(fixes: Sequence[ParityFix]) -> tuple[ParityFix, ...]:
    """The fixes in an order where each comes after every fix its `after` names; otherwise as given."""
    ids = [fix.id for fix in fixes]
    if len(set(ids)) != len(ids):
        raise FixOrderError(f"two fixes share an id: {sorted({i for i in ids if ids.count(i) > 1})}")
    for fix in fixes:
        unknown = [name for name in fix.after if name not in ids]
        if unknown:
            raise FixOrderError(f"{fix.id} is declared after {unknown[0]!r}, which is no fix of the emulator")
    placed: list[ParityFix] = []
    done: set[str] = set()
    waiting = list(fixes)
    while waiting:
        ready = next((fix for fix in waiting if done.issuperset(fix.after)), None)
        if ready is None:
            raise FixOrderError(f"the fixes' declared order has a cycle: {' -> '.join(_cycle(waiting))}")
        placed.append(ready)
        done.add(ready.id)
        waiting.remove(ready)
    return tuple(placed)


def _cycle(waiting: list[ParityFix]) -> list[str]:
    """One cycle among fixes none of which can go first, as `a -> b -> a`."""
    after = {fix.id: [name for name in fix.after if name in {f.id for f in waiting}] for fix in waiting}
    path = [waiting[0].id]
    while path.count(path[-1]) < 2:
        path.append(after[path[-1]][0])
    return path[path.index(path[-1]) :]
