"""Snapshots guard refactors: any change to a lab's template shows up as a reviewable diff.

Update on purpose with: .venv/bin/pytest tests/labs/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from labs.registry import lab_ids
from tests.synth import Template, normalized


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("lab_id", lab_ids())
def test_template_matches_snapshot(
    lab_id: str, templates: dict[str, Template], snapshot_json: SnapshotAssertion
) -> None:
    assert normalized(templates[lab_id]) == snapshot_json


def test_asset_hashes_are_masked(templates: dict[str, Template]) -> None:
    text = str(normalized(templates["LabDdbStream"]))
    assert "<asset-hash>.zip" in text
