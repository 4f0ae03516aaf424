"""The moto bridge is the one file a moto upgrade reviews: the pin is written once and installed, and every
moto name and private attribute it lists exists in the installed moto, and the list is the bridge's reach."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from local_aws import moto_bridge
from local_aws.moto_bridge import MOTO_NAMES, MOTO_VERSION, PRIVATE_ATTRIBUTES, moto_name

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "local_aws"
BRIDGE = PACKAGE / "moto_bridge.py"


def test_the_installed_moto_is_the_pinned_one() -> None:
    assert moto_bridge.installed_version() == MOTO_VERSION


def test_the_pin_is_written_once_and_the_project_files_install_it() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f'"moto[server]=={MOTO_VERSION}"' in pyproject
    assert re.search(rf'name = "moto"\nversion = "{re.escape(MOTO_VERSION)}"', lock)
    # the README's prose names the release: the same one
    assert set(re.findall(r"moto (\d+\.\d+\.\d+)", readme)) <= {MOTO_VERSION}
    written = [
        str(path.relative_to(ROOT))
        for folder in ("labs", "local_aws", "lambda_src", "tests", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if MOTO_VERSION in path.read_text(encoding="utf-8")
    ]
    assert written == ["local_aws/moto_bridge.py"]


@pytest.mark.parametrize("key", sorted(MOTO_NAMES))
def test_every_moto_name_the_bridge_lists_exists_in_the_installed_moto(key: str) -> None:
    assert moto_name(key) is not None


def _has_attribute(owner: type, attribute: str) -> bool:
    """A method or class attribute, or an attribute some class of its MRO sets on `self`."""
    if hasattr(owner, attribute):
        return True
    sources = [inspect.getsource(cls) for cls in owner.__mro__ if cls.__module__.startswith("moto.")]
    return any(re.search(rf"\bself\.{re.escape(attribute)}\b\s*(:[^=]*)?=", source) for source in sources)


@pytest.mark.parametrize(("attribute", "owner"), sorted(PRIVATE_ATTRIBUTES.items()))
def test_every_private_attribute_the_bridge_lists_exists_in_the_installed_moto(
    attribute: str, owner: str
) -> None:
    assert _has_attribute(moto_name(owner), attribute), f"moto's {owner} has no {attribute} any more"


def test_a_missing_private_attribute_would_be_found() -> None:
    assert not _has_attribute(moto_name("cloudformation.ResourceMap"), "_no_such_attribute")


def test_the_bridge_touches_exactly_the_private_attributes_it_lists() -> None:
    tree = ast.parse(BRIDGE.read_text(encoding="utf-8"))
    touched = {
        node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and _private(node.attr)
    }
    named = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _private(node.value)
    }
    assert touched | (named - {"_PORT_VARIABLE"}) == set(PRIVATE_ATTRIBUTES)


def _private(name: str) -> bool:
    return re.fullmatch(r"_[a-z][a-z0-9_]*", name) is not None


def _keys_used() -> set[str]:
    """The MOTO_NAMES keys local_aws asks for: moto_name("x.Y"), backend("x", ...), backends("x")."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if node.func.id == "moto_name":
                used.add(first.value)
            elif node.func.id in ("backend", "backends"):
                used.add(moto_bridge._CHOSEN_BACKEND.get(first.value, f"{first.value}.backends"))
    return used


def test_every_moto_name_the_services_ask_for_is_listed_and_every_listed_one_is_used() -> None:
    used = _keys_used()
    # the deleters of EC2 resources are looked up from a table of keys (services/ec2/instances.py)
    instances = (PACKAGE / "services" / "ec2" / "instances.py").read_text(encoding="utf-8")
    used |= {key for key in MOTO_NAMES if f'"{key}"' in instances}
    # the classes whose private attributes the bridge lists, for this module's tests
    used |= set(PRIVATE_ATTRIBUTES.values())
    assert used - set(MOTO_NAMES) == set(), "asked for by a service but not listed in the bridge"
    assert set(MOTO_NAMES) - used == set(), "listed in the bridge but used by no one"
