"""AWS Step Functions' state machines and activities (billed per state transition)."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Leftovers, ResourceType
from labs.catalogue.reading import names, probe

STATE_MACHINE = ResourceType(
    cfn_type="AWS::StepFunctions::StateMachine",
    price=ByUse(),
    deploy_actions=(
        "states:CreateStateMachine",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
        "states:DescribeStateMachine",
        "states:TagResource",
        "iam:PassRole",
    ),
    leftovers=Leftovers(
        tag_arn="states:stateMachine",
        names=names("stepfunctions", "list_state_machines", "stateMachines", "name"),
        exists=probe("stepfunctions", "describe_state_machine", "stateMachineArn"),
        gone_codes=frozenset({"StateMachineDoesNotExist", "InvalidArn"}),
    ),
)
ACTIVITY = ResourceType(
    cfn_type="AWS::StepFunctions::Activity",
    price=ByUse(),
    deploy_actions=(
        "states:CreateActivity",
        "states:DeleteActivity",
        "states:DescribeActivity",
        "states:TagResource",
    ),
    leftovers=Leftovers(tag_arn="states:activity"),
)
