"""The one reader of cdk.json: the project's CDK settings, as the CDK CLI reads them.

The kit's settings (owner, sandboxAccounts...) and CDK's feature flags live in its `context`; the CLI's
own options (toolkitStackName) at its top level. An unreadable file reads as empty: the CLI then fails
with its own message, and the kit's tools fall back to their defaults.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# the kit's own cdk.json, beside app.py
KIT_CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


def read_cdk_json(path: Path = KIT_CDK_JSON) -> dict[str, Any]:
    """cdk.json's whole content; {} when the file is missing or not a JSON object."""
    if not path.is_file():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def cdk_json_context(path: Path = KIT_CDK_JSON) -> dict[str, Any]:
    """cdk.json's `context` (the kit's settings and CDK's feature flags); {} when there is none."""
    context = read_cdk_json(path).get("context", {})
    return context if isinstance(context, dict) else {}


def feature_flags(path: Path = KIT_CDK_JSON) -> dict[str, Any]:
    """cdk.json's feature flags, so an in-process synth makes the templates `cdk deploy` would."""
    return {key: value for key, value in cdk_json_context(path).items() if key.startswith("@")}
