"""Every template passes cdk-nag's AwsSolutions pack (acknowledged findings only) and cfn-lint (no errors)."""

from __future__ import annotations

import json

import pytest

from labs.cdk_json import feature_flags
from labs.registry import lab_ids
from labs.settings import LabSettings
from labs.synthesis import build_labs
from tests.synth import CDK_GROUP, FIXED_NOW, Template, scratch_dir

pytestmark = CDK_GROUP


def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings() -> None:
    from aws_cdk import App, Validations
    from cdk_nag import AwsSolutionsChecks

    app = App(outdir=scratch_dir("labkit-nag-"), context=feature_flags())
    build_labs(app, LabSettings(now=FIXED_NOW))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    try:
        app.synth()
    except RuntimeError as error:  # the validation report lists each finding with its resource
        pytest.fail(f"cdk-nag findings without acknowledgement:\n{error}")
    with open(f"{app.outdir}/validation-report.json") as report_file:
        report = json.load(report_file)
    (aws_solutions,) = [
        plugin for plugin in report["pluginReports"] if plugin["pluginName"] == "AwsSolutions"
    ]
    assert aws_solutions["conclusion"] == "success"
    assert aws_solutions["violations"] == []
    # each acknowledgement is scoped to a construct below a stack and gives a reason
    for finding in aws_solutions["suppressedViolations"]:
        assert finding["acknowledgedAt"].split("/")[0] in lab_ids()
        assert "/" in finding["acknowledgedAt"], finding["acknowledgedAt"]
        assert len(finding["reason"]) > 40, finding


@pytest.mark.parametrize("lab_id", lab_ids())
def test_cfn_lint_finds_no_errors(lab_id: str, templates: dict[str, Template]) -> None:
    from cfnlint.api import ManualArgs, lint  # 0.6 s to import: only when it runs, not at every collection

    matches = lint(json.dumps(templates[lab_id]), config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    errors = [
        f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path)})"
        for m in matches
        if m.rule.id[0] == "E"
    ]
    assert errors == []
