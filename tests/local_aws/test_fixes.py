"""What holds for every parity fix: it says what moto and AWS do, and patches only the moto it targets."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil

import pytest

from labs.emulator import parity
from labs.emulator.parity import PARITY_FIXES, ParityError, ParityFix


def _words(text: str) -> set[str]:
    return {word.strip(".,:;()'\"").lower() for word in text.split()} - {""}


@pytest.mark.parametrize("fix", PARITY_FIXES, ids=lambda fix: fix.name)
def test_every_fix_says_what_moto_does_and_what_aws_does(fix: ParityFix) -> None:
    texts = {"moto_does": fix.moto_does, "aws_does": fix.aws_does}
    for field, text in texts.items():
        # `why` reads "moto <moto_does>; AWS <aws_does>": each text is a predicate, not a subject or a stub
        assert len(_words(text)) >= 6, f"{fix.name}: {field} says too little: {text!r}"
        assert text == text.strip(), f"{fix.name}: {field} has stray spaces"
        assert not text.endswith("."), f"{fix.name}: {field} is a sentence, not a predicate of `why`"
        assert not text.lower().startswith(("moto", "aws ", "aws:", "todo", "tbd")), f"{fix.name}: {field}"
    # two descriptions of one behaviour would be no fix: the texts must differ in what they say
    assert _words(fix.moto_does) != _words(fix.aws_does), fix.name
    assert fix.why == f"moto {fix.moto_does}; AWS {fix.aws_does}"
    assert fix.apply.__module__.startswith(f"{parity.__name__}."), (
        f"{fix.name} is not applied by the parity package"
    )


@pytest.mark.parametrize(
    ("moto_does", "aws_does"),
    [
        ("differs", "differs"),  # a stub
        ("returns the wrong thing for the call", "returns the wrong thing for the call"),  # one behaviour
        ("moto answers an error for this call", "answers the expected value for this call"),  # a subject
    ],
)
def test_a_fix_that_says_nothing_is_refused(moto_does: str, aws_does: str) -> None:
    hollow = ParityFix("hollow", moto_does, aws_does, PARITY_FIXES[0].apply)
    with pytest.raises(AssertionError):
        test_every_fix_says_what_moto_does_and_what_aws_does(hollow)


def test_no_two_fixes_share_a_name_or_a_description() -> None:
    for attribute in ("name", "moto_does", "aws_does"):
        values = [getattr(fix, attribute) for fix in PARITY_FIXES]
        assert len(set(values)) == len(values), f"two fixes share a {attribute}"


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
