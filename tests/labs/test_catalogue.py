"""The catalogue of resource types (labs/catalogue/) is the only shared place a CloudFormation type is listed,
and each entry says what every tool needs: a price rule, the deploy actions, how leftovers find it, tags."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from labs.catalogue import CATALOGUE_ROOT, UnknownResourceTypeError, entries, entry
from labs.preflight.quotas import QUOTAS
from labs.registry import all_labs, lab_ids
from tests.synth import Template

ROOT = Path(__file__).resolve().parents[2]
# a CloudFormation type in a string: AWS::<Service>::... (pseudo parameters such as AWS::Region do not match)
TYPE_LITERAL = re.compile(r"AWS::[A-Za-z0-9]+::")
# the emulator is a package of its own that knows AWS, not the labs (it cannot import the catalogue): the
# CloudFormation types it teaches moto are its own concern
EMULATOR_PACKAGES = (ROOT / "local_aws",)
NOT_SOURCE = {"tests", "node_modules", "bench", "scripts", "cdk.out"}


def top_level_packages() -> list[Path]:
    """labs/, lambda_src/ and any other top-level folder of Python code (a new package is checked too)."""
    return sorted(
        path
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in NOT_SOURCE
        and any(path.rglob("*.py"))
    )


def shared_modules() -> list[Path]:
    """Every module of the kit's code outside the catalogue, the lab folders and the emulator."""
    lab_folders = [Path(described.folder) for described in all_labs().values()]
    skipped = (CATALOGUE_ROOT, *lab_folders, *EMULATOR_PACKAGES)
    found = [ROOT / "app.py"]
    for package in top_level_packages():
        found += [
            path
            for path in package.rglob("*.py")
            if not any(path == folder or folder in path.parents for folder in skipped)
        ]
    return sorted(found)


def type_literals(source: str) -> list[str]:
    """Every string literal (docstrings and f-string parts too) that names a CloudFormation type."""
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and TYPE_LITERAL.search(node.value)
    ]


def test_no_shared_module_lists_a_resource_type() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in shared_modules()
        if (found := type_literals(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "list the type in its labs/catalogue/ entry and import it from there"


def test_the_check_reads_the_modules_that_used_to_list_types_and_finds_literals_where_they_are() -> None:
    checked = {str(path.relative_to(ROOT)) for path in shared_modules()}
    once_listed = {
        "labs/cost/calculator.py",
        "labs/cost/resources.py",
        "labs/cost/running.py",
        "labs/preflight/permissions.py",
        "labs/preflight/quotas.py",
        "labs/leftovers/by_tag.py",
        "labs/leftovers/by_name.py",
        "labs/leftovers/existing.py",
        "labs/leftovers/ec2.py",
        "labs/classroom/spend.py",
        "app.py",
    }
    assert once_listed <= checked
    assert "labs/emulator/command.py" in checked  # `labkit emulator` is a kit command like the others
    assert not any(name.startswith(("labs/catalogue/", "labs/ec2/", "local_aws/")) for name in checked)
    in_catalogue = [t for path in CATALOGUE_ROOT.glob("*.py") for t in type_literals(path.read_text("utf-8"))]
    assert len(in_catalogue) >= len(entries()) - 1
    sample = (
        '"""Prices AWS::EC2::Volume."""\nA = "AWS::EC2::EIP"\nB = f"AWS::EC2::{kind}"\nC = "AWS::Region"\n'
    )
    assert type_literals(sample) == ["Prices AWS::EC2::Volume.", "AWS::EC2::EIP", "AWS::EC2::"]


def test_an_unknown_type_is_named_with_where_its_entry_goes() -> None:
    with pytest.raises(UnknownResourceTypeError, match=r"AWS::SNS::Topic .* labs/catalogue/sns\.py"):
        entry("AWS::SNS::Topic")
    with pytest.raises(UnknownResourceTypeError, match=r"labs/catalogue/awslambda\.py"):
        entry("AWS::Lambda::Url")
    assert entry("Custom::AnythingAtAll").cfn_type == "AWS::CloudFormation::CustomResource"


def test_each_entry_says_one_thing_per_type() -> None:
    arn_forms = Counter(found.leftovers.tag_arn for found in entries().values() if found.leftovers.tag_arn)
    assert [form for form, count in arn_forms.items() if count > 1] == []
    quotas = {(quota.service_code, quota.quota_code) for quota in QUOTAS}
    used = {(f.quota.service_code, f.quota.quota_code) for f in entries().values() if f.quota is not None}
    assert used <= quotas
    companions = {t for found in entries().values() for t in found.untagged_companions}
    assert companions <= set(entries())
    assert all(cfn_type == found.cfn_type for cfn_type, found in entries().items())


def test_every_type_the_labs_create_has_a_whole_entry(templates: dict[str, Template]) -> None:
    types = {
        resource["Type"] for template in templates.values() for resource in template["Resources"].values()
    }
    for cfn_type in types:
        found = entry(cfn_type)
        assert found.deploy_actions is not None, cfn_type
        assert found.leftovers.searched or found.leftovers.goes_with, cfn_type


@pytest.mark.parametrize("lab_id", lab_ids())
def test_a_labs_untagged_types_are_what_the_catalogue_derives_from_its_template(
    lab_id: str, templates: dict[str, Template]
) -> None:
    """The descriptor's untagged_types (leftovers reads them without synthesizing the lab) are derived: what
    the lab's types make without tags, and the types that may come without them."""
    derived = set()
    for resource in templates[lab_id]["Resources"].values():
        found = entry(resource["Type"])
        derived |= set(found.untagged_companions)
        if not found.tagged and found.leftovers.ec2_scan:
            derived.add(found.cfn_type)
    assert set(all_labs()[lab_id].untagged_types) == derived
