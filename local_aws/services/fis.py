"""AWS FIS parity fixes: a Spot lab's experiment template exists when CloudFormation creates it, and starting
it interrupts a Spot instance as FIS's aws:ec2:send-spot-instance-interruptions does (FIS user guide: actions
reference, targets: resourceTags, filters, selectionMode)."""

from __future__ import annotations

import functools
import re
from typing import Any

from local_aws.aws_facts import FIS_ACTION
from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace
from local_aws.services.cloudformation.resource_types import ResourceRequest, cloudformation_type
from local_aws.services.ec2 import interruptions

# CloudFormation's property names -> the FIS API's
_TARGET_KEYS = {
    "ResourceType": "resourceType",
    "ResourceArns": "resourceArns",
    "ResourceTags": "resourceTags",
    "Filters": "filters",
    "SelectionMode": "selectionMode",
    "Parameters": "parameters",
}
_ACTION_KEYS = {
    "ActionId": "actionId",
    "Description": "description",
    "Parameters": "parameters",
    "Targets": "targets",
    "StartAfter": "startAfter",
}


def _fis(account_id: str, region: str) -> Any:
    return backend("fis", account_id, region)


def _renamed(value: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {keys.get(key, key[:1].lower() + key[1:]): item for key, item in value.items()}


def api_targets(properties: dict[str, Any]) -> dict[str, Any]:
    """A template's targets in the FIS API's shape, from their CloudFormation properties."""
    targets = {}
    for name, target in (properties.get("Targets") or {}).items():
        renamed = _renamed(target, _TARGET_KEYS)
        renamed["filters"] = [{"path": f["Path"], "values": f["Values"]} for f in target.get("Filters", [])]
        targets[name] = renamed
    return targets


def _create_template(request: ResourceRequest) -> str:
    properties = request.properties
    created = _fis(request.account_id, request.region).create_experiment_template(
        client_token=None,
        description=properties.get("Description", ""),
        stop_conditions=[_renamed(s, {}) for s in properties.get("StopConditions", [])],
        targets=api_targets(properties),
        actions={n: _renamed(a, _ACTION_KEYS) for n, a in (properties.get("Actions") or {}).items()},
        role_arn=properties["RoleArn"],
        tags=properties.get("Tags") or None,
    )
    return str(created["id"])


@parity_fix(
    "AWS::FIS::ExperimentTemplate in CloudFormation",
    moto_does="has an FIS API but no CloudFormation model: it skips the lab's experiment template",
    aws_does="creates the template (visible through the FIS API) and deletes it with the stack",
)
def fis_template_in_cloudformation() -> None:
    """Patches moto: AWS::FIS::ExperimentTemplate in CloudFormation."""
    cloudformation_type(
        "AWS::FIS::ExperimentTemplate",
        create=_create_template,
        physical_id=str,
        attributes={"Id": str},
        delete=lambda template_id, account_id, region: _fis(account_id, region).delete_experiment_template(
            template_id
        ),
    )


def _matches(instance: Any, target: dict[str, Any]) -> bool:
    tags = instance.get_tags() if hasattr(instance, "get_tags") else []
    tag_map = {t["key"] if "key" in t else t["Key"]: t["value"] if "value" in t else t["Value"] for t in tags}
    wanted = target.get("resourceTags") or {}
    if any(tag_map.get(key) != value for key, value in wanted.items()):
        return False
    arns = target.get("resourceArns") or []
    if arns and not any(arn.endswith(f"/{instance.id}") for arn in arns):
        return False
    for condition in target.get("filters") or []:
        if condition["path"] == "State.Name" and instance.state not in condition["values"]:
            return False
    return getattr(instance, "lifecycle", None) == "spot"


def _selected(candidates: list[Any], mode: str) -> list[Any]:
    count = re.fullmatch(r"COUNT\((\d+)\)", mode or "ALL")
    if count:
        return candidates[: int(count[1])]
    percent = re.fullmatch(r"PERCENT\((\d+)\)", mode or "")
    if percent:
        return candidates[: max(1, len(candidates) * int(percent[1]) // 100)]
    return candidates


def run_spot_interruptions(account_id: str, region: str, template: Any) -> list[str]:
    """Interrupt the instances each aws:ec2:send-spot-instance-interruptions action of `template` targets."""
    ec2 = backend("ec2", account_id, region)
    interrupted: list[str] = []
    for action in (template.actions or {}).values():
        if action.get("actionId") != FIS_ACTION:
            continue
        for target_name in (action.get("targets") or {}).values():
            target = (template.targets or {}).get(target_name, {})
            candidates = sorted(
                (i for i in ec2.all_instances() if _matches(i, target)), key=lambda i: str(i.id)
            )
            for instance in _selected(candidates, str(target.get("selectionMode", "ALL"))):
                interruptions.interrupt(account_id, region, instance.id)
                interrupted.append(instance.id)
    return interrupted


@parity_fix(
    "FIS interrupts Spot instances",
    moto_does="records a started experiment but runs none of its actions",
    aws_does="runs aws:ec2:send-spot-instance-interruptions: the targeted Spot instances get their warning "
    "and are interrupted after durationBeforeInterruption (the emulator's rehearsal warning time instead)",
)
def fis_interrupts_spot_instances() -> None:
    """Patches moto: FIS interrupts Spot instances."""
    backend_class = moto_name("fis.FISBackend")
    original_start = original(backend_class, "start_experiment")

    @functools.wraps(original_start)
    def start_experiment(
        self: Any, client_token: Any, experiment_template_id: str, *args: Any, **kw: Any
    ) -> Any:
        started = original_start(self, client_token, experiment_template_id, *args, **kw)
        template = self.experiment_templates[experiment_template_id]
        run_spot_interruptions(self.account_id, self.region_name, template)
        return started

    replace(backend_class, "start_experiment", start_experiment)


FIXES: tuple[ParityFix, ...] = (fis_template_in_cloudformation, fis_interrupts_spot_instances)
GAPS: tuple[EmulatorGap, ...] = ()
