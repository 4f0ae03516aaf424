"""Step Functions parity fix: a stack's state machine lives where the executing Step Functions API sees it."""

from __future__ import annotations

import importlib
import re
from typing import Any
from urllib.parse import unquote

from labs.emulator.parity.base import ParityFix, from_moto, parity_fix, replace, replace_classmethod

# the account in a function ARN, as Invoke's URL carries it (/functions/<name or ARN>/invocations)
_FUNCTION_ACCOUNT = re.compile(r":lambda:[\w-]+:(\d{12}):function:")


@parity_fix(
    "CloudFormation state machines visible to Step Functions",
    moto_does="creates CloudFormation's state machines in a backend that its executing Step Functions API "
    "does not read",
    aws_does="has one Step Functions service: a stack's state machine can be listed and executed",
)
def cloudformation_state_machine_in_api_backend() -> None:
    """Patches moto: CloudFormation state machines visible to Step Functions."""
    state_machine_class = from_moto("moto.stepfunctions.models", "StateMachine")
    cfn_to_api_tags = from_moto("moto.stepfunctions.utils", "cfn_to_api_tags")

    def backend(account_id: str, region_name: str) -> Any:
        # the backend the Step Functions API itself answers from (the executing one, with our config)
        return from_moto("moto.stepfunctions.responses", "get_backend")(account_id, region_name)

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        properties = template["Properties"]
        return backend(account_id, region).create_state_machine(
            properties.get("StateMachineName", name),
            properties.get("DefinitionString", ""),
            properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])),
        )

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        backend(account_id, region).delete_state_machine(name)

    def update(
        cls: Any,
        *,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        properties = cloudformation_json.get("Properties", {})
        states = backend(account_id, region_name)
        if properties.get("StateMachineName", original_resource.name) != original_resource.name:
            replacement = create(cls, new_resource_name, cloudformation_json, account_id, region_name)
            states.delete_state_machine(original_resource.arn)
            return replacement
        return states.update_state_machine(
            original_resource.arn,
            definition=properties.get("DefinitionString"),
            role_arn=properties.get("RoleArn"),
        )

    replace_classmethod(state_machine_class, "create_from_cloudformation_json", create)
    replace_classmethod(state_machine_class, "delete_from_cloudformation_json", delete)
    replace_classmethod(state_machine_class, "update_from_cloudformation_json", update)


@parity_fix(
    "a state machine invokes the Lambda function of its own account",
    moto_does="runs a state machine's Lambda tasks with fixed keys of its default account, so a state "
    "machine in any other account cannot find its function (the task fails as if the function were missing)",
    aws_does="invokes the function the task names, in the state machine's account (Step Functions developer "
    "guide, Lambda service integration: the function ARN names the account)",
)
def lambda_tasks_invoke_in_the_function_account() -> None:
    """Patches moto: a state machine invokes the Lambda function of its own account."""
    module = "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils"
    client_for = from_moto(module, "boto_client_for")

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        client = client_for(region, service, state_credentials)

        def in_function_account(request: Any, **_: Any) -> None:
            match = _FUNCTION_ACCOUNT.search(unquote(str(request.url)))
            if match:
                request.headers["x-moto-account-id"] = match.group(1)

        client.meta.events.register("before-sign.lambda.Invoke", in_function_account)
        return client

    replace(importlib.import_module(module), "boto_client_for", boto_client_for)


FIXES: tuple[ParityFix, ...] = (
    cloudformation_state_machine_in_api_backend,
    lambda_tasks_invoke_in_the_function_account,
)
