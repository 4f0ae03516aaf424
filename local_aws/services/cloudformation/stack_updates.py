"""CloudFormation parity fix: stack updates change, replace and roll back resources as CloudFormation does.

moto compares templates as text and drops a modified resource it cannot update in place: a redeploy after
AWS published a new image lost the lab's instance from its stack. Here an update:
- treats a resource as modified when its JSON changed, when a parameter it uses resolves to a new value
  (an SSM image parameter), or when a resource it references was replaced (its physical id changed);
- updates in place what moto can update, keeps what only changed tags, and replaces the rest: the new
  resource is created first and the old one deleted at the end, in CloudFormation's clean-up phase;
- on a failure, deletes what it created, restores the previous resources and template, and reports
  UPDATE_ROLLBACK_COMPLETE with the reason, as CloudFormation's rollback would.
"""

from __future__ import annotations

from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    backend,
    created_resources,
    delete_stack_resource,
    moto_name,
    replace,
    replace_classmethod,
    resource_map_place,
    set_created_resources,
    set_stack_template,
    set_template_resources,
    stack_template,
    template_resources,
)
from local_aws.services.cloudformation.stacks import UpdateRolledBackError
from local_aws.services.cloudformation.templates import deletion_order, dependencies, references


def _has_update(resource_class: Any) -> bool:
    return resource_class is not None and not hasattr(
        resource_class.update_from_cloudformation_json, "__isabstractmethod__"
    )


def _without_tags(resource_json: dict[str, Any]) -> dict[str, Any]:
    properties = {k: v for k, v in resource_json.get("Properties", {}).items() if k != "Tags"}
    return {**resource_json, "Properties": properties}


def _delete_quietly(resource_map: Any, resource: Any, resource_json: dict[str, Any]) -> bool:
    """Delete one resource; False when its delete failed (rollback and clean-up keep going)."""
    if resource is None or isinstance(resource, str):
        return True
    try:
        delete_stack_resource(resource_map, resource, resource_json)
    except Exception:  # what cannot go stays, as on AWS
        return False
    return True


def _update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    parsing = moto_name("cloudformation.parsing")
    before = {
        "template": stack_template(self),
        "json": template_resources(self),
        "parsed": dict(created_resources(self)),
        "input": dict(self.input_parameters),
        "resolved": dict(self.resolved_parameters),
    }
    names = self.build_resource_diff(template, parameters)
    set_stack_template(self, template)
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    changed = {k for k, v in self.resolved_parameters.items() if before["resolved"].get(k) != v}
    resources = template["Resources"]
    set_template_resources(self, resources)
    needs = dependencies(resources)
    created: list[str] = []
    retired: list[tuple[Any, dict[str, Any]]] = []
    try:
        for logical_id in names["Add"]:
            _ = self[logical_id]
            created.append(logical_id)
        # a new tag value (the expiry time of a redeploy) is updated in place: the resource stays as it is
        modified = {
            lid
            for lid in names["Modify"]
            if _without_tags(resources[lid]) != _without_tags(before["json"][lid])
        }
        modified |= {lid for lid, res in resources.items() if references(res.get("Properties", {})) & changed}
        replaced: set[str] = set()
        for logical_id in reversed(deletion_order(resources)):  # dependencies first, as on create
            if logical_id not in modified and not needs[logical_id] & replaced:
                continue
            resource_class = parsing.resource_class_from_type(resources[logical_id]["Type"])
            if _has_update(resource_class):
                updated = parsing.parse_and_update_resource(
                    logical_id, resources[logical_id], self, *resource_map_place(self)
                )
                created_resources(self)[logical_id] = updated
                continue
            old = created_resources(self).pop(logical_id, None)
            _ = self[logical_id]  # the replacement, created from the new properties
            created.append(logical_id)
            replaced.add(logical_id)
            retired.append((old, before["json"].get(logical_id, resources[logical_id])))
    except Exception as error:
        # what the rollback cannot delete stays the stack's: a failed create then ends ROLLBACK_FAILED
        kept = {
            logical_id: created_resources(self)[logical_id]
            for logical_id in reversed(created)
            if not _delete_quietly(self, created_resources(self).get(logical_id), resources[logical_id])
        }
        set_stack_template(self, before["template"])
        set_template_resources(self, {**before["json"], **{lid: resources[lid] for lid in kept}})
        set_created_resources(self, {**before["parsed"], **kept})
        self.input_parameters, self.resolved_parameters = before["input"], before["resolved"]
        raise UpdateRolledBackError(f"{type(error).__name__}: {error}") from error
    for logical_id in names["Remove"]:
        _delete_quietly(self, before["parsed"].get(logical_id), before["json"][logical_id])
    for old, old_json in retired:  # the clean-up phase: the replaced resources go last
        _delete_quietly(self, old, old_json)


@parity_fix(
    "stack updates replace and roll back like CloudFormation",
    moto_does="drops a modified resource it cannot update in place (a replaced instance vanishes from its "
    "stack), ignores parameters that resolve to a new value, and leaves a failed update half done",
    aws_does="replaces such a resource (the new one first, the old one in the clean-up phase), updates what "
    "references it, and rolls a failed update back to the previous resources (UPDATE_ROLLBACK_COMPLETE)",
)
def stack_updates_like_cloudformation() -> None:
    """Patches moto: stack updates replace and roll back like CloudFormation."""
    resource_map_class = moto_name("cloudformation.ResourceMap")
    replace(resource_map_class, "update", _update)


@parity_fix(
    "an Elastic IP follows its instance",
    moto_does="cannot update an Elastic IP, so a replaced instance leaves its address pointing at nothing",
    aws_does="updates the address in place: the same public IP, associated with the new instance",
)
def elastic_ip_follows_its_instance() -> None:
    """Patches moto: an Elastic IP follows its instance."""
    address_class = moto_name("ec2.ElasticAddress")

    def update(
        cls: Any,
        *,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        instance_id = cloudformation_json.get("Properties", {}).get("InstanceId")
        ec2 = backend("ec2", account_id, region_name)
        if instance_id and getattr(original_resource.instance, "id", None) != instance_id:
            ec2.associate_address(
                instance=ec2.get_instance(instance_id),
                allocation_id=original_resource.allocation_id,
                reassociate=True,
            )
        return original_resource

    replace_classmethod(address_class, "update_from_cloudformation_json", update)


FIXES: tuple[ParityFix, ...] = (stack_updates_like_cloudformation, elastic_ip_follows_its_instance)
