"""Leftovers the Resource Groups Tagging API finds by the kit's `labkit:lab` tag."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from labs.leftovers.model import Findings, LiveStacks, Scope, tag_reason, tags_of, tail
from labs.shared_facts import TAG_LAB, TAG_OWNER

if TYPE_CHECKING:
    import boto3

ARN_TYPES = {
    "ec2:instance": "AWS::EC2::Instance",
    "ec2:volume": "AWS::EC2::Volume",
    "ec2:vpc": "AWS::EC2::VPC",
    "ec2:subnet": "AWS::EC2::Subnet",
    "ec2:security-group": "AWS::EC2::SecurityGroup",
    "ec2:route-table": "AWS::EC2::RouteTable",
    "ec2:internet-gateway": "AWS::EC2::InternetGateway",
    "ec2:network-interface": "AWS::EC2::NetworkInterface",
    "ec2:elastic-ip": "AWS::EC2::EIP",
    "ec2:launch-template": "AWS::EC2::LaunchTemplate",
    "s3:": "AWS::S3::Bucket",
    "logs:log-group": "AWS::Logs::LogGroup",
    "lambda:function": "AWS::Lambda::Function",
    "lambda:event-source-mapping": "AWS::Lambda::EventSourceMapping",
    "dynamodb:table": "AWS::DynamoDB::Table",
    "sqs:": "AWS::SQS::Queue",
    "states:stateMachine": "AWS::StepFunctions::StateMachine",
    "autoscaling:autoScalingGroup": "AWS::AutoScaling::AutoScalingGroup",
    "iam:role": "AWS::IAM::Role",
    "scheduler:schedule": "AWS::Scheduler::Schedule",
}
# the per-type scans below judge these better than a tag alone (attachment, state, owning VPC)
PER_TYPE_JUDGED = frozenset(
    {"AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::NetworkInterface", "AWS::EC2::EIP", "AWS::EC2::VPC"}
)


def arn_type_and_id(arn: str) -> tuple[str, str]:
    """(CloudFormation-style type, short identifier) of an ARN from the tagging API."""
    parts = arn.split(":", 5)
    service, resource = (parts[2], parts[5]) if len(parts) == 6 else ("?", arn)
    kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
    resource_type = ARN_TYPES.get(f"{service}:{kind}", f"{service}:{kind}".rstrip(":"))
    if resource_type == "AWS::Logs::LogGroup":
        return resource_type, resource.split(":", 1)[1].removesuffix(":*")
    return resource_type, tail(arn)


def scan_tagged(session: boto3.Session, scope: Scope, live: LiveStacks, findings: Findings) -> None:
    """Every resource the tagging API knows with a labkit:lab tag of the scope (EC2 judged per type)."""
    filters: list[Any] = [{"Key": TAG_LAB, "Values": list(scope.labs)}]
    if scope.owner:
        filters.append({"Key": TAG_OWNER, "Values": [scope.owner]})
    tagging = session.client("resourcegroupstaggingapi")
    for page in tagging.get_paginator("get_resources").paginate(TagFilters=filters):
        for mapping in page.get("ResourceTagMappingList", []):
            arn, tags = mapping["ResourceARN"], tags_of(mapping.get("Tags"))
            resource_type, identifier = arn_type_and_id(arn)
            # stacks are judged by list_stacks (the tagging API also returns deleted ones)
            if resource_type in PER_TYPE_JUDGED or ":cloudformation:" in arn:
                continue
            if live.owns_tagged(arn, tags) or findings.has(identifier):
                continue
            if scope.tagged_lab(tags):
                findings.add(resource_type, identifier, tag_reason(tags))
