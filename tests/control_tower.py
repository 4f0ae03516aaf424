"""Control Tower's proactive controls, evaluated offline: AWS's cfn-guard rules and binary, pinned in npm.

The npm package @cdklabs/cdk-validator-cfnguard (package.json) ships the cfn-guard binary and the rules
AWS publishes for Control Tower's proactive controls, one file per control:
rules/control-tower/cfn-guard/<service>/ct-<service>-pr-<n>.guard is control CT.<SERVICE>.PR.<n>.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "node_modules" / "@cdklabs" / "cdk-validator-cfnguard"
RULES = PACKAGE / "rules" / "control-tower" / "cfn-guard"
# a control's primary rule: the one evaluated on a CloudFormation template (helper rules have no `when`)
_PRIMARY_RULE = re.compile(r"^rule (\w+) when is_cfn_template", re.MULTILINE)
# cfn-guard's exit codes: 0 every rule passed or skipped, 19 some rule failed
_EVALUATED = (0, 19)


def cfn_guard() -> Path:
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
    return PACKAGE / "bin" / "ubuntu" / machine[platform.machine().lower()] / "cfn-guard"


def control_id(rule_file: Path) -> str:
    """ct-s3-pr-10.guard -> CT.S3.PR.10"""
    return rule_file.stem.upper().replace("-", ".")


def controls_by_rule() -> dict[str, str]:
    """Each rule's name (as cfn-guard reports it) -> the id of the control its file implements."""
    found: dict[str, str] = {}
    for rule_file in sorted(RULES.rglob("ct-*.guard")):
        names = set(_PRIMARY_RULE.findall(rule_file.read_text(encoding="utf-8")))
        if not names or names & found.keys():
            raise ValueError(f"{rule_file}: no primary rule, or one another control's file also defines")
        found.update(dict.fromkeys(names, control_id(rule_file)))
    return found


def tripped_controls(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """Lab id -> the Control Tower controls its template fails, from one cfn-guard run over all templates."""
    controls = controls_by_rule()
    with tempfile.TemporaryDirectory(prefix="labkit-guard-") as directory:
        paths = {}
        for lab_id, template in templates.items():
            paths[lab_id] = Path(directory) / f"{lab_id}.template.json"
            paths[lab_id].write_text(json.dumps(template), encoding="utf-8")
        data = [argument for path in paths.values() for argument in ("--data", str(path))]
        command = [str(cfn_guard()), "validate", "--rules", str(RULES), *data]
        result = subprocess.run(
            [*command, "--output-format", "json", "--show-summary", "none", "--structured"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    if result.returncode not in _EVALUATED:
        raise RuntimeError(f"cfn-guard failed (exit {result.returncode}): {result.stderr[-2000:]}")
    by_path = {str(path): lab_id for lab_id, path in paths.items()}
    tripped: dict[str, set[str]] = {lab_id: set() for lab_id in templates}
    for report in json.loads(result.stdout):
        for failure in report.get("not_compliant", []):
            tripped[by_path[report["name"]]].add(controls[failure["Rule"]["name"]])
    return tripped
