"""Step Functions parity fix: a stack's state machine lives where the executing Step Functions API sees it."""

from __future__ import annotations

from typing import Any

from labs.emulator.parity.base import ParityFix, from_moto, parity_fix, replace_classmethod


@parity_fix(
    "CloudFormation state machines visible to Step Functions",
    moto_does="creates CloudFormation's state machines in a backend that its executing Step Functions API "
    "does not read",
    aws_does="has one Step Functions service: a stack's state machine can be listed and executed",
)
def cloudformation_state_machine_in_api_backend() -> None:
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


FIXES: tuple[ParityFix, ...] = (cloudformation_state_machine_in_api_backend,)
