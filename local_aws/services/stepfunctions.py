"""Step Functions parity fix: a stack's state machine lives where the executing Step Functions API sees it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import ACCOUNT_HEADER, backend, moto_name, replace, replace_classmethod
from local_aws.settings import run_credentials

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
    state_machine_class = moto_name("stepfunctions.StateMachine")
    cfn_to_api_tags = moto_name("stepfunctions.cfn_to_api_tags")

    def states(account_id: str, region_name: str) -> Any:
        # the backend the Step Functions API itself answers from (the executing one, with our config)
        return backend("stepfunctions", account_id, region_name)

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        properties = template["Properties"]
        return states(account_id, region).create_state_machine(
            properties.get("StateMachineName", name),
            properties.get("DefinitionString", ""),
            properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])),
        )

    def delete(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str) -> None:
        states(account_id, region).delete_state_machine(name)

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
        machines = states(account_id, region_name)
        if properties.get("StateMachineName", original_resource.name) != original_resource.name:
            replacement = create(cls, new_resource_name, cloudformation_json, account_id, region_name)
            machines.delete_state_machine(original_resource.arn)
            return replacement
        return machines.update_state_machine(
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
    "machine in any other account cannot find its function (the task fails as if the function were missing), "
    "and the emulator, which accepts only its own keys, would refuse them",
    aws_does="invokes the function the task names, in the state machine's account (Step Functions developer "
    "guide, Lambda service integration: the function ARN names the account)",
)
def lambda_tasks_invoke_in_the_function_account() -> None:
    """Patches moto: a state machine invokes the Lambda function of its own account."""
    module = moto_name("stepfunctions.lambda_eval_utils")
    client_for = module.boto_client_for

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        import boto3

        made = client_for(region, service, state_credentials)
        key, secret = run_credentials()  # moto signs with fixed keys, which the emulator refuses
        client: Any = boto3.client(  # type: ignore[call-overload]
            service,
            region_name=region,
            endpoint_url=made.meta.endpoint_url,
            config=made.meta.config,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )

        def in_function_account(request: Any, **_: Any) -> None:
            match = _FUNCTION_ACCOUNT.search(unquote(str(request.url)))
            if match:
                request.headers[ACCOUNT_HEADER] = match.group(1)

        client.meta.events.register("before-sign.lambda.Invoke", in_function_account)
        return client

    replace(module, "boto_client_for", boto_client_for)


FIXES: tuple[ParityFix, ...] = (
    cloudformation_state_machine_in_api_backend,
    lambda_tasks_invoke_in_the_function_account,
)
GAPS: tuple[EmulatorGap, ...] = ()
