"""What a permissions boundary must allow for the labs: one list, simulated by preflight, shown in the README.

Two kinds of caller carry the boundary. The lab's own roles (the expiry's, the cleaner's, the functions',
the instances', the state machine's) need what their policies in the template grant. The bootstrap's
CloudFormation execution role, bounded by `cdk bootstrap --custom-permissions-boundary`, needs the API calls
CloudFormation makes to create, update and delete each resource type the template holds: each type's
catalogue entry lists them (labs/catalogue/, `deploy_actions`: the handlers' permissions in the type's
CloudFormation resource schema, `aws cloudformation describe-type`, cut to the calls the kit's properties
use). A type without an entry, or whose entry lists none, is not simulated, and preflight says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labs.catalogue import UnknownResourceTypeError, entry
from labs.catalogue.iam import AWS_MANAGED_POLICY_ACTIONS, MANAGED_POLICY, POLICY, ROLE

# what every deploy does: read the bootstrap version and the public AMI parameters, resolve Fn::GetAZs
EVERY_STACK = ("ssm:GetParameters", "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes")
# an AWS managed policy's ARN, whatever its partition: arn:<partition>:iam::aws:policy/<path/name>
AWS_MANAGED_ARN = ":iam::aws:policy/"
MANAGED_LIST = "labs/catalogue/iam.py"


@dataclass(frozen=True)
class DeployActions:
    """What CloudFormation calls for a template's types, and the types whose calls are not known."""

    actions: frozenset[str]
    # type -> why its calls are not simulated
    not_simulated: Mapping[str, str]

    def note(self) -> str:
        """`its permissions are not simulated for X (reason); ...`, or "" when every type is known."""
        return "; ".join(
            f"its permissions are not simulated for {cfn_type} ({why})"
            for cfn_type, why in sorted(self.not_simulated.items())
        )


def role_policy_actions(template: Mapping[str, Any]) -> set[str]:
    """Every action the template's role policies grant (the lab's roles carry the boundary too): inline,
    customer managed in the template, and the AWS managed policies its roles attach (their actions from
    labs/catalogue/iam.py; `managed_policy_actions` names those it does not know)."""
    found: set[str] = set(managed_policy_actions(template).actions)
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        documents = []
        if resource.get("Type") in (POLICY.cfn_type, MANAGED_POLICY.cfn_type):
            documents.append(properties.get("PolicyDocument", {}))
        if resource.get("Type") == ROLE.cfn_type:
            documents += [policy.get("PolicyDocument", {}) for policy in properties.get("Policies", [])]
        for document in documents:
            for statement in _as_list(document.get("Statement", [])):
                if statement.get("Effect") == "Allow":
                    found.update(str(action) for action in _as_list(statement.get("Action", [])))
    # a wildcard is not an action the simulator can answer for
    return {action for action in found if "*" not in action}


def managed_policy_actions(template: Mapping[str, Any]) -> DeployActions:
    """What the AWS managed policies the template's roles attach allow, and those whose actions the kit does
    not know (a customer managed policy of the template is read with the inline ones)."""
    resources: Mapping[str, Any] = template.get("Resources", {})
    actions: set[str] = set()
    not_simulated: dict[str, str] = {}
    for resource in resources.values():
        if resource.get("Type") != ROLE.cfn_type:
            continue
        for arn in resource.get("Properties", {}).get("ManagedPolicyArns", []):
            if isinstance(arn, Mapping) and resources.get(str(arn.get("Ref")), {}).get("Type") == (
                MANAGED_POLICY.cfn_type
            ):
                continue
            text = _arn_text(arn)
            name = text.partition(AWS_MANAGED_ARN)[2]
            if name in AWS_MANAGED_POLICY_ACTIONS:
                actions.update(AWS_MANAGED_POLICY_ACTIONS[name])
            elif name:
                not_simulated[f"the AWS managed policy {name}"] = (
                    "its actions are not in labs/catalogue/iam.py"
                )
            else:
                not_simulated[f"the managed policy {text or arn}"] = "its document is not in the template"
    return DeployActions(frozenset(actions), not_simulated)


def not_simulated_note(template: Mapping[str, Any]) -> str:
    """What preflight cannot simulate for the template, in words ("" when it simulates everything)."""
    notes = (deploy_actions(template).note(), managed_policy_actions(template).note())
    return "; ".join(note for note in notes if note)


def deploy_actions(template: Mapping[str, Any]) -> DeployActions:
    """What CloudFormation, as the bootstrap's execution role, calls for this template's resource types
    (from their catalogue entries), and the types it cannot say for."""
    actions: set[str] = set(EVERY_STACK)
    not_simulated: dict[str, str] = {}
    for cfn_type in sorted(
        {str(resource.get("Type")) for resource in template.get("Resources", {}).values()}
    ):
        try:
            listed = entry(cfn_type).deploy_actions
        except UnknownResourceTypeError:
            not_simulated[cfn_type] = "the kit's catalogue has no entry for it"
            continue
        if listed is None:
            not_simulated[cfn_type] = "its catalogue entry lists no deploy actions"
        else:
            actions.update(listed)
    return DeployActions(frozenset(actions), not_simulated)


def execution_role_actions(template: Mapping[str, Any]) -> set[str]:
    """What CloudFormation, as the bootstrap's execution role, calls for this template's resource types;
    UnknownResourceTypeError for a type the catalogue lacks (a list that must be whole, as the README's)."""
    for cfn_type in _types(template):
        if entry(cfn_type).deploy_actions is None:  # raises UnknownResourceTypeError for a type it lacks
            raise ValueError(f"the catalogue entry of {cfn_type} lists no deploy actions")
    return set(deploy_actions(template).actions)


def lab_actions(template: Mapping[str, Any]) -> list[str]:
    """Every action a boundary must allow for this lab to deploy, run, expire and be destroyed, as far as
    known (`deploy_actions(template).not_simulated` names the rest)."""
    return sorted(role_policy_actions(template) | deploy_actions(template).actions, key=str.lower)


def boundary_must_allow(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """service prefix -> the actions of that service some lab needs (the README's list)."""
    by_service: dict[str, set[str]] = {}
    for template in templates.values():
        for action in lab_actions(template):
            service, _, name = action.partition(":")
            by_service.setdefault(service, set()).add(name)
    return {service: sorted(names) for service, names in sorted(by_service.items())}


def readme_list(templates: Mapping[str, Mapping[str, Any]]) -> str:
    """The README's block: a line per service, its actions in backticks."""
    return "\n".join(
        f"- `{service}`: " + ", ".join(f"`{name}`" for name in names)
        for service, names in boundary_must_allow(templates).items()
    )


def _types(template: Mapping[str, Any]) -> set[str]:
    return {str(resource.get("Type")) for resource in template.get("Resources", {}).values()}


def _arn_text(value: Any) -> str:
    """An ARN as the template writes it, its references left out: `arn:` + `:iam::aws:policy/X` from a
    Fn::Join over AWS::Partition."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and "Fn::Join" in value:
        _separator, parts = value["Fn::Join"]
        return "".join(part for part in parts if isinstance(part, str))
    return ""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
