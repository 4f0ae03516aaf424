"""LabSpot deployed on the emulator the fast way: its synthesized template through CloudFormation, its one
code asset (lambda_src/, the event filter) put where the CDK CLI would publish it, in the bootstrap bucket."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import boto3

from labs.constructs.function_facts import LAMBDA_SRC
from labs.settings import LabSettings
from tests.synth import synth_lab

Template = dict[str, Any]


def spot_template(owner: str = "unset") -> Template:
    """LabSpot for `owner` as synthesized now, without what only a CDK-bootstrapped account has."""
    # synthesized now: a lab whose expiry time has passed is deleted by the emulator's scheduler at once
    template = synth_lab("LabSpot", LabSettings(owner=owner, now=datetime.now(UTC)))
    template.pop("Rules", None)
    template["Parameters"].pop("BootstrapVersion")
    return template


def _lambda_src_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(LAMBDA_SRC.rglob("*.py")):
            if "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(LAMBDA_SRC).as_posix())
    return out.getvalue()


def publish_code(session: boto3.Session, template: Template) -> None:
    """Put lambda_src/ at each S3 key the template's functions name, in the CDK bootstrap's asset bucket."""
    sts = session.client("sts")
    account, region = sts.get_caller_identity()["Account"], session.region_name
    s3 = session.client("s3")
    code = _lambda_src_zip()
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        location = resource["Properties"]["Code"]
        bucket = json.dumps(location["S3Bucket"])
        name = (
            json.loads(bucket)["Fn::Sub"]
            .replace("${AWS::AccountId}", account)
            .replace("${AWS::Region}", region)
        )
        s3.create_bucket(Bucket=name)
        s3.put_object(Bucket=name, Key=location["S3Key"], Body=code)


def deploy_spot(session: boto3.Session, template: Template, stack_name: str) -> str:
    """Create the stack and return its status once CloudFormation is done."""
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM"],
        Tags=[{"Key": key, "Value": value} for key, value in stack_tags(template).items()],
    )
    return str(cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"])


def stack_tags(template: Template) -> dict[str, str]:
    """The kit's tags, as the CDK CLI passes them to the stack (read from a tagged resource)."""
    for resource in template["Resources"].values():
        tags = resource.get("Properties", {}).get("Tags")
        if isinstance(tags, list) and any(t.get("Key") == "labkit:lab" for t in tags):
            return {t["Key"]: t["Value"] for t in tags if str(t.get("Key", "")).startswith("labkit:")}
    return {}
