"""The lab's functions that run the watched code, as the deployed stack names them, and their code.

Which functions: those the lab's descriptor names (HandlerLoop.functions), and every other function of the
stack that deploys the same asset (the template's `aws:asset:path` metadata): a deploy would update them
all. Their code changes through UpdateFunctionCode and its wait on LastUpdateStatus, as the CDK CLI's own
Lambda hotswap does; the template's code (its S3 object in the bootstrap bucket) is read to compare with and
restored to reconcile the stack with its template.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labs.catalogue.awslambda import FUNCTION_TYPE
from labs.deployed.stack import DeployedStack, load_stack, template_of

if TYPE_CHECKING:
    import boto3

    from labs.descriptor import HandlerLoop

# CDK's asset metadata on each resource whose property is an asset (on unless cdk.json turns it off)
ASSET_PATH = "aws:asset:path"
UPDATE_TIMEOUT_S = 300.0
_SUB = re.compile(r"\$\{([^}]+)\}")


class NotDeployedError(RuntimeError):
    """The lab's stack is not there (or not in a state to change); the message says which stack."""


class UpdateFailedError(RuntimeError):
    """Lambda refused or failed the code update: its LastUpdateStatusReason."""


@dataclass(frozen=True)
class CodeFunction:
    """One function of the stack that runs the watched code."""

    logical_id: str
    name: str
    handler: str
    code_sha256: str
    log_group: str
    # named by the lab's descriptor (the learner's handler runs here), not only sharing its asset
    watched: bool
    # the template's Code: {S3Bucket, S3Key} with the bootstrap bucket's name resolved, when it has one
    template_code: Mapping[str, str] | None = None


@dataclass(frozen=True)
class LabFunctions:
    """The deployed stack and its functions that run the watched code."""

    stack: DeployedStack
    functions: tuple[CodeFunction, ...]

    @property
    def watched(self) -> tuple[CodeFunction, ...]:
        """The functions the descriptor names (the lab's handler), in the template's order."""
        return tuple(f for f in self.functions if f.watched)


def read_functions(session: boto3.Session, stack_name: str, loop: HandlerLoop) -> LabFunctions:
    """The stack's functions that run the lab's handler code, with their live configuration."""
    stack = load_stack(session, stack_name)
    if stack is None or not stack.healthy:
        state = "is not deployed" if stack is None else f"is {stack.status}"
        raise NotDeployedError(f"the stack {stack_name} {state}")
    resources = template_of(session, stack_name).get("Resources", {})
    named = {
        r.logical_id
        for r in stack.of_type(FUNCTION_TYPE)
        if any(r.logical_id.startswith(prefix) for prefix in loop.functions)
    }
    assets = {_asset(resources, logical_id) for logical_id in named} - {None}
    sharing = {
        r.logical_id for r in stack.of_type(FUNCTION_TYPE) if _asset(resources, r.logical_id) in assets
    }
    identity = session.client("sts").get_caller_identity()
    pseudo = {"AWS::AccountId": str(identity["Account"]), "AWS::Region": session.region_name or "us-east-1"}
    pseudo |= {"AWS::Partition": str(identity["Arn"]).split(":")[1], "AWS::URLSuffix": "amazonaws.com"}
    lambda_client = session.client("lambda")
    functions = []
    for resource in stack.of_type(FUNCTION_TYPE):
        if resource.logical_id not in named | sharing:
            continue
        configuration = lambda_client.get_function_configuration(FunctionName=resource.physical_id)
        logging = configuration.get("LoggingConfig", {}).get("LogGroup")
        code = resources.get(resource.logical_id, {}).get("Properties", {}).get("Code", {})
        functions.append(
            CodeFunction(
                logical_id=resource.logical_id,
                name=resource.physical_id,
                handler=str(configuration.get("Handler", "")),
                code_sha256=str(configuration.get("CodeSha256", "")),
                log_group=str(logging or f"/aws/lambda/{resource.physical_id}"),
                watched=resource.logical_id in named,
                template_code=_s3_location(code, pseudo),
            )
        )
    return LabFunctions(stack, tuple(functions))


def _asset(resources: Mapping[str, Any], logical_id: str) -> str | None:
    path = resources.get(logical_id, {}).get("Metadata", {}).get(ASSET_PATH)
    return str(path) if path else None


def _s3_location(code: Mapping[str, Any], pseudo: Mapping[str, str]) -> dict[str, str] | None:
    """The template's {S3Bucket, S3Key}, `Fn::Sub` of the pseudo parameters resolved; None otherwise."""
    resolved = {}
    for key in ("S3Bucket", "S3Key"):
        value = code.get(key)
        if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
            text = value["Fn::Sub"]
            if any(name not in pseudo for name in _SUB.findall(text)):
                return None
            value = _SUB.sub(lambda match: pseudo[match.group(1)], text)
        if not isinstance(value, str):
            return None
        resolved[key] = value
    return resolved


def wait_until_updated(
    lambda_client: Any, name: str, *, poll_s: float, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """The configuration once LastUpdateStatus is no longer InProgress; UpdateFailedError when it Failed."""
    deadline = time.monotonic() + UPDATE_TIMEOUT_S
    while True:
        configuration: dict[str, Any] = lambda_client.get_function_configuration(FunctionName=name)
        status = configuration.get("LastUpdateStatus", "Successful")
        if status == "Failed":
            reason = configuration.get("LastUpdateStatusReason", "no reason given")
            raise UpdateFailedError(f"Lambda could not update {name}: {reason}")
        if status != "InProgress" and configuration.get("State", "Active") != "Pending":
            return configuration
        if time.monotonic() > deadline:
            raise UpdateFailedError(f"{name} is still updating after {UPDATE_TIMEOUT_S:.0f} s")
        sleep(poll_s)


def update_code(lambda_client: Any, name: str, *, poll_s: float, **code: Any) -> dict[str, Any]:
    """UpdateFunctionCode (`ZipFile=` bytes, or `S3Bucket=`/`S3Key=`), once no other update runs, then
    wait for it: Lambda refuses an update while one is in progress (ResourceConflictException)."""
    wait_until_updated(lambda_client, name, poll_s=poll_s)
    lambda_client.update_function_code(FunctionName=name, **code)
    return wait_until_updated(lambda_client, name, poll_s=poll_s)


def template_package(session: boto3.Session, function: CodeFunction) -> bytes | None:
    """The zip the template names for the function (the asset `cdk deploy` uploaded), or None."""
    location = function.template_code
    if location is None:
        return None
    answer = session.client("s3").get_object(Bucket=location["S3Bucket"], Key=location["S3Key"])
    body: bytes = answer["Body"].read()
    return body
