"""Python Lambda functions of the kit: arm64, own log group, own role that starts with no permissions, and the
pinned Powertools layer with the rule that refuses a region where it is not published."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from aws_cdk import Aws, CfnRule, CfnRuleAssertion, Duration, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from labs.constructs.function_facts import FUNCTION_ID, KIT_CODE, CodeSource
from labs.constructs.log_groups import lab_log_group
from labs.constructs.nag import acknowledge
from labs.shared_facts import POWERTOOLS_LAYER_NAME, POWERTOOLS_LAYER_REGIONS, powertools_layer_arn


def code_asset(source: CodeSource) -> lambda_.Code:
    """A function's code from its folder, less what the source excludes (`labkit watch` packages the same)."""
    return lambda_.Code.from_asset(str(source.folder), exclude=list(source.exclude))


POWERTOOLS_ID = "Powertools"
POWERTOOLS_RULE_ID = "PowertoolsLayerRegion"


def powertools_layer(scope: Construct) -> lambda_.ILayerVersion:
    """The pinned Powertools layer (AWS's public layer, labs/shared_facts.py) for a function of `scope`'s
    stack, and with it the stack's rule that refuses, before anything is created, a region where the layer
    is not published: the stacks are environment-agnostic, so the region is known only at deploy. One of
    each per stack, however many functions use it; the only way the kit attaches the layer."""
    stack = Stack.of(scope)
    found = stack.node.try_find_child(POWERTOOLS_ID)
    if found is not None:
        return cast("lambda_.ILayerVersion", found)
    CfnRule(
        stack,
        POWERTOOLS_RULE_ID,
        assertions=[
            CfnRuleAssertion(
                assert_=Fn.condition_contains(list(POWERTOOLS_LAYER_REGIONS), Aws.REGION),
                assert_description=f"The Powertools layer {POWERTOOLS_LAYER_NAME} is not published in this "
                f"region: deploy in one of {', '.join(POWERTOOLS_LAYER_REGIONS)}",
            )
        ],
    )
    return lambda_.LayerVersion.from_layer_version_arn(
        stack, POWERTOOLS_ID, powertools_layer_arn(stack.region)
    )


def lambda_src_code() -> lambda_.Code:
    """One asset for every function of the kit: lambda_src/ holds only standard library + boto3 code."""
    return code_asset(KIT_CODE)


@dataclass(frozen=True, kw_only=True)
class FunctionNetwork:
    """Where a function that needs a VPC runs: the VPC, its subnets and the function's security groups."""

    vpc: ec2.IVpc
    subnets: ec2.SubnetSelection
    security_groups: list[ec2.ISecurityGroup]


class LabFunction(Construct):
    """A Python 3.13 arm64 function whose role may only write its own log group until granted more."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: str,
        description: str,
        timeout: Duration,
        environment: dict[str, str] | None = None,
        code: lambda_.Code | None = None,
        powertools: bool = False,
        network: FunctionNetwork | None = None,
        filesystem: lambda_.FileSystem | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # created by the stack, not by the first invocation, so `cdk destroy` removes it
        self.log_group = lab_log_group(self, "LogGroup")
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {construct_id}: its log group plus only what the stack grants",
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            FUNCTION_ID,
            description=description,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=code or lambda_src_code(),
            layers=[powertools_layer(self)] if powertools else None,
            role=self.role,
            log_group=self.log_group,
            timeout=timeout,
            memory_size=256,
            environment=environment or {},
            vpc=network.vpc if network else None,
            vpc_subnets=network.subnets if network else None,
            security_groups=network.security_groups if network else None,
            filesystem=filesystem,
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "The course teaches on Python 3.13; the kit moves to a newer runtime with the course.",
        )

    def allow(self, *, actions: list[str], resources: list[str]) -> None:
        """Let the function's role do the actions on the resources."""
        self.role.add_to_policy(iam.PolicyStatement(actions=actions, resources=resources))
