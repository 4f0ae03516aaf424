"""CloudFormation parity fix: custom resources run their function on create and on delete, and are judged by
the answer it sends to the response URL, as CloudFormation does.

A stack's custom resource (the kit's bucket cleaner, for one) then runs on the emulator exactly as on AWS:
its deployed function is invoked, and the stack's create or delete waits for its answer.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

from local_aws.access import presign
from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, backends, moto_name, replace, replace_classmethod
from local_aws.services.awslambda.runtime import service
from local_aws.settings import run_credentials


class CustomResourceError(RuntimeError):
    """A custom resource's function answered FAILED, or never answered; the message says which and why."""


# request id -> the answer, once the function PUT it (by request id: a deleting stack is no longer listed)
_answers: dict[str, dict[str, Any]] = {}


def _request(resource: Any, request_type: str) -> dict[str, Any]:
    """Send one request to the resource's function and return the answer it PUT to the response URL."""
    request = resource.labkit_request
    region, stack_id = resource.region_name, request["StackId"]
    request_id = str(uuid.uuid4())
    event = {
        "RequestType": request_type,
        "ServiceToken": request["ServiceToken"],
        # as CloudFormation's pre-signed S3 URL: only the function handed it can answer there
        "ResponseURL": presign(
            f"{service.endpoint()}/cloudformation_{region}/cfnresponse?stack={quote(stack_id)}",
            run_credentials()[1],
        ),
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": resource.logical_id,
        "ResourceType": request["ResourceType"],
        "ResourceProperties": request["ResourceProperties"],
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = resource.resource_name
    function = backend("lambda", request["AccountId"], region).get_function(request["ServiceToken"])
    invocation = service.run(function, event)
    answer = _answers.pop(request_id, None)
    what = f"{resource.logical_id} ({request['ResourceType']}) {request_type}"
    if answer is None:
        error = json.loads(invocation.payload or b"{}") if invocation.function_error else {}
        detail = f": {error.get('errorType')}: {error.get('errorMessage')}" if error else ""
        raise CustomResourceError(
            f"{what}: {function.function_name} sent no answer to the response URL{detail} "
            f"(its log: {function.logs_group_name})"
        )
    if answer.get("Status") != "SUCCESS":
        raise CustomResourceError(f"{what} failed: {answer.get('Reason') or 'no reason given'}")
    return answer


@parity_fix(
    "CloudFormation runs custom resources",
    moto_does="starts a custom resource's function in a thread on create (with a response URL no local "
    "process can reach), ignores any answer but SUCCESS, and sends nothing on delete",
    aws_does="sends Create and Delete requests to the service token's function, waits for its answer on "
    "the response URL, and fails the resource (and the stack) on FAILED or on no answer",
)
def custom_resources_run() -> None:
    """Patches moto: CloudFormation runs custom resources."""
    custom_class = moto_name("cloudformation.CustomModel")
    response_class = moto_name("cloudformation.CloudFormationResponse")
    stacks = backends("cloudformation")

    def create(
        cls: Any, resource_name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        properties = template["Properties"]
        resource = cls(region, str(uuid.uuid4()), kw["LogicalId"], resource_name)
        resource.labkit_request = {
            "ServiceToken": properties["ServiceToken"],
            "StackId": kw["StackId"],
            "ResourceType": kw["ResourceType"],
            "ResourceProperties": properties,
            "AccountId": account_id,
        }
        stacks[account_id][region].get_stack(kw["StackId"]).add_custom_resource(resource)
        answer = _request(resource, "Create")
        # CloudFormation keeps the physical id the function chose, and the data for Fn::GetAtt
        resource.resource_name = answer.get("PhysicalResourceId") or resource_name
        resource.set_data(answer["Data"])
        return resource

    def delete(self: Any, account_id: str, region_name: str) -> None:
        _request(self, "Delete")

    def cfnresponse(cls: Any, request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, int], str]:
        # the body as sent, whatever content type the function's HTTP client put on it
        raw = request.get_data() if hasattr(request, "get_data") else getattr(request, "body", b"")
        if not raw and getattr(request, "form", None):
            raw = next(iter(request.form.keys()), "")
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"status": 400}, json.dumps({"message": "the answer is not JSON"})
        _answers[str(answer.get("RequestId"))] = {
            "Status": answer.get("Status"),
            "Reason": answer.get("Reason"),
            "PhysicalResourceId": answer.get("PhysicalResourceId"),
            "Data": answer.get("Data") or {},
        }
        return 200, {"status": 200}, json.dumps("{}")

    replace_classmethod(custom_class, "create_from_cloudformation_json", create)
    replace(custom_class, "delete", delete)
    replace_classmethod(response_class, "cfnresponse", cfnresponse)


FIXES: tuple[ParityFix, ...] = (custom_resources_run,)
