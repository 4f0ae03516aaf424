"""What holds for every parity fix: it says what moto and AWS do, and patches only the moto it targets."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil

import pytest

from labs.emulator import parity
from labs.emulator.parity import PARITY_FIXES, ParityError, ParityFix


def test_every_fix_says_what_moto_does_and_what_aws_does() -> None:
    for fix in PARITY_FIXES:
        assert fix.why.startswith("moto ")
        assert "; AWS " in fix.why


def test_the_fixes_refuse_a_moto_they_were_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    with pytest.raises(ParityError, match=r"moto 5\.2\.5 internals, but moto 9\.9\.9"):
        parity.apply_all()


def test_every_fix_a_service_module_declares_is_applied_once() -> None:
    declared: list[ParityFix] = []
    for service in pkgutil.iter_modules(parity.__path__):
        module = importlib.import_module(f"{parity.__name__}.{service.name}")
        fixes = [value for value in vars(module).values() if isinstance(value, ParityFix)]
        assert set(fixes) == set(getattr(module, "FIXES", ())), service.name
        declared += fixes
    assert sorted(fix.name for fix in declared) == sorted(fix.name for fix in PARITY_FIXES)
    assert len({fix.name for fix in PARITY_FIXES}) == len(PARITY_FIXES)
