"""What holds for every parity fix: it says what moto and AWS do, it is applied by its service, and the order
the fixes are applied in is the one they declare."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import re
from types import ModuleType

import pytest

from local_aws import services
from local_aws.fixes import FixOrderError, ParityFix, application_order, parity_fix
from local_aws.moto_bridge import MOTO_VERSION, ParityError
from local_aws.services import EMULATOR_GAPS, PARITY_FIXES

pytestmark = pytest.mark.unit


def _words(text: str) -> set[str]:
    return {word.strip(".,:;()'\"").lower() for word in text.split()} - {""}


def service_modules() -> list[ModuleType]:
    """Every module under local_aws/services but the Lambda runtime (it runs functions, it fixes nothing)."""
    found = []
    for module in pkgutil.walk_packages(services.__path__, f"{services.__name__}."):
        if ".runtime" not in module.name:
            found.append(importlib.import_module(module.name))
    return found


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
    assert fix.apply.__module__.startswith(f"{services.__name__}."), (
        f"{fix.name} is not applied by a service of the emulator"
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


def test_no_two_fixes_share_a_name_a_description_or_an_id() -> None:
    for attribute in ("name", "moto_does", "aws_does", "id"):
        values = [getattr(fix, attribute) for fix in PARITY_FIXES]
        assert len(set(values)) == len(values), f"two fixes share a {attribute}"


def test_the_fixes_refuse_a_moto_they_were_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    pinned = re.escape(MOTO_VERSION)
    with pytest.raises(ParityError, match=rf"moto {pinned} internals, but moto 9\.9\.9"):
        services.apply_all()


def test_every_fix_a_service_declares_is_applied_once() -> None:
    declared: list[ParityFix] = []
    for module in service_modules():
        fixes = [value for value in vars(module).values() if isinstance(value, ParityFix)]
        if module.__file__ and not module.__file__.endswith("__init__.py"):
            assert set(fixes) == set(getattr(module, "FIXES", ())), module.__name__
            declared += fixes
    assert sorted(fix.name for fix in declared) == sorted(fix.name for fix in PARITY_FIXES)
    assert len({fix.name for fix in PARITY_FIXES}) == len(PARITY_FIXES)


def test_every_service_names_its_fixes_and_its_gaps_and_the_lists_hold_them_all() -> None:
    tops = [
        importlib.import_module(f"{services.__name__}.{module.name}")
        for module in pkgutil.iter_modules(services.__path__)
    ]
    for service in tops:
        assert isinstance(getattr(service, "FIXES", None), tuple), f"{service.__name__} declares no FIXES"
        assert isinstance(getattr(service, "GAPS", None), tuple), f"{service.__name__} declares no GAPS"
    assert sorted(fix.id for s in tops for fix in s.FIXES) == sorted(fix.id for fix in PARITY_FIXES)
    assert sorted(gap.name for s in tops for gap in s.GAPS) == sorted(gap.name for gap in EMULATOR_GAPS)


def test_each_fix_is_applied_after_the_fixes_it_declares() -> None:
    order = [fix.id for fix in application_order(PARITY_FIXES)]
    wrapping = [fix for fix in PARITY_FIXES if fix.after]
    assert len(order) == len(PARITY_FIXES)
    assert {fix.id for fix in wrapping} >= {
        "awslambda.lambda_invokes_qualified_versions",
        "cloudformation.failed_deploy_is_reported",
        "ec2.instance_network_interfaces",
    }
    for fix in wrapping:
        assert all(order.index(before) < order.index(fix.id) for before in fix.after), fix.id


def _fix(name: str, after: tuple[str, ...] = ()) -> ParityFix:
    def apply() -> None:
        return None

    apply.__name__ = name
    return parity_fix(name, moto_does="-", aws_does="-", after=tuple(f"{__name__}.{a}" for a in after))(apply)


def test_the_order_follows_the_declarations_and_keeps_the_listed_order_otherwise() -> None:
    first, second, third = _fix("first", after=("third",)), _fix("second"), _fix("third")
    assert [fix.name for fix in application_order([first, second, third])] == ["second", "third", "first"]


def test_a_cycle_in_the_declared_order_is_refused_naming_it() -> None:
    fixes = [_fix("a", after=("b",)), _fix("b", after=("c",)), _fix("c", after=("a",)), _fix("d")]
    with pytest.raises(FixOrderError, match=r"cycle: .*\.a -> .*\.b -> .*\.c -> .*\.a"):
        application_order(fixes)


def test_an_unknown_name_in_the_declared_order_is_refused() -> None:
    with pytest.raises(FixOrderError, match=r"after '.*\.gone', which is no fix of the emulator"):
        application_order([_fix("here", after=("gone",))])
