"""LabBatch deployed on the kit's emulator from its synthesized template, its Lambda code uploaded where the
CDK bootstrap's asset bucket would hold it, so its input set is really written at deploy."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from labs.cost.prices import PRICES_JSON
from labs.settings import LabSettings
from local_aws.client import LocalAws
from tests.check_helpers import ACCOUNT
from tests.synth import Template, synth_lab

LAMBDA_SRC = Path(__file__).resolve().parents[3] / "lambda_src"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def lambda_src_zip() -> bytes:
    """lambda_src/ as the CDK asset packs it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(LAMBDA_SRC.rglob("*.py")):
            entry = zipfile.ZipInfo(str(path.relative_to(LAMBDA_SRC)), date_time=ZIP_DATE)
            entry.external_attr = 0o644 << 16
            bundle.writestr(entry, path.read_text(encoding="utf-8"))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with LocalAws(prices=PRICES_JSON) as aws:
        yield aws


@pytest.fixture(scope="module")
def session(local_aws: LocalAws) -> boto3.Session:
    return local_aws.session()


@pytest.fixture(scope="module")
def batch_template() -> Template:
    """The lab as synthesized now, without what only a CDK-bootstrapped account has (its version check)."""
    synthesized = synth_lab("LabBatch", LabSettings(now=datetime.now(UTC)))
    synthesized.pop("Rules", None)
    synthesized["Parameters"].pop("BootstrapVersion")
    return synthesized


def deploy_template(session: boto3.Session, template: dict[str, Any], name: str) -> str:
    """Create the stack as the CDK CLI would, after uploading its functions' code; its name."""
    s3 = session.client("s3")
    bucket = f"cdk-hnb659fds-assets-{ACCOUNT}-{session.region_name}"
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket)
    for resource in template["Resources"].values():
        code = (
            resource.get("Properties", {}).get("Code", {})
            if resource["Type"] == "AWS::Lambda::Function"
            else {}
        )
        if "S3Key" in code:
            s3.put_object(Bucket=bucket, Key=code["S3Key"], Body=lambda_src_zip())
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"]
    )
    status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE", status
    return name


@pytest.fixture
def deploy_lab(session: boto3.Session, batch_template: Template) -> Callable[[], str]:
    """Deploy a fresh LabBatch (an owner's stack of its own); its stack name."""

    def deploy() -> str:
        return deploy_template(session, batch_template, f"t{uuid.uuid4().hex[:6]}-LabBatch")

    return deploy
