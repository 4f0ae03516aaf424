"""What a stack's custom resources would do on delete, done in-process (the emulator runs no custom resource).

Only the kit's own `Custom::EmptyBucketOnDelete` is handled, with the same `empty_bucket` function the
deployed cleaner runs; any other custom resource type is reported, never silently skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bucket_cleaner.handler import empty_bucket

if TYPE_CHECKING:
    import boto3

EMPTY_BUCKET_ON_DELETE = "Custom::EmptyBucketOnDelete"
IN_PROCESS_NOTE = (
    "emulator cannot run custom resources: the bucket cleaner's code (empty_bucket) was run in-process "
    "before destroy"
)


@dataclass
class CleanupResult:
    emptied: dict[str, int] = field(default_factory=dict)  # bucket name -> objects deleted
    not_run: list[str] = field(default_factory=list)  # custom resources nobody ran: "LogicalId (Type)"

    @property
    def notes(self) -> list[str]:
        notes = []
        if self.emptied:
            counts = ", ".join(f"{bucket}: {count} objects" for bucket, count in self.emptied.items())
            notes.append(f"{IN_PROCESS_NOTE} ({counts})")
        if self.not_run:
            notes.append(f"custom resources not run on the emulator: {', '.join(self.not_run)}")
        return notes


def _template(cloudformation: Any, stack_name: str) -> dict[str, Any]:
    body = cloudformation.get_template(StackName=stack_name)["TemplateBody"]
    template: dict[str, Any] = json.loads(body) if isinstance(body, str) else body
    return template


def _physical_ids(cloudformation: Any, stack_name: str) -> dict[str, str]:
    paginator = cloudformation.get_paginator("list_stack_resources")
    return {
        summary["LogicalResourceId"]: summary.get("PhysicalResourceId", "")
        for page in paginator.paginate(StackName=stack_name)
        for summary in page["StackResourceSummaries"]
    }


def _bucket_name(value: Any, physical_ids: dict[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return physical_ids.get(value["Ref"], "")
    return value if isinstance(value, str) else ""


def run_delete_handlers(session: boto3.Session, stack_name: str) -> CleanupResult:
    """Empty every bucket that the stack's EmptyBucketOnDelete resources would empty on AWS."""
    cloudformation = session.client("cloudformation")
    s3 = session.client("s3")
    resources = _template(cloudformation, stack_name).get("Resources", {})
    physical_ids = _physical_ids(cloudformation, stack_name)
    result = CleanupResult()
    for logical_id, resource in resources.items():
        kind = str(resource.get("Type", ""))
        if kind == EMPTY_BUCKET_ON_DELETE:
            bucket = _bucket_name(resource.get("Properties", {}).get("BucketName"), physical_ids)
            if not bucket:
                raise RuntimeError(f"{stack_name}/{logical_id}: cannot tell which bucket it empties")
            result.emptied[bucket] = empty_bucket(s3, bucket)
        elif kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource":
            result.not_run.append(f"{logical_id} ({kind})")
    return result
