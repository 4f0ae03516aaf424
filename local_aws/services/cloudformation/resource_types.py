"""Teach moto's CloudFormation a resource type it has no model for: one call, `cloudformation_type(...)`.

moto creates a template's resource through a model class per type and skips a type it has none for ("No
Moto CloudFormation support"). `cloudformation_type` writes that class from plain functions over the
resource's own state (whatever `create` returns: an id, moto's own object, a small record):

    cloudformation_type(
        "AWS::FIS::ExperimentTemplate",
        create=lambda request: fis(request).create_experiment_template(...)["id"],
        physical_id=lambda template_id: template_id,          # what Ref answers
        attributes={"Id": lambda template_id: template_id},   # what Fn::GetAtt answers
        delete=lambda template_id, account, region: ...,      # the stack's delete (default: nothing)
        update=None,                                          # None: a changed resource is replaced
    )

Call it in a fix's apply (services/fis.py, services/scheduler/schedules.py, services/awslambda/versions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from local_aws.moto_bridge import moto_name, register_cloudformation_model

State = TypeVar("State")


@dataclass(frozen=True)
class ResourceRequest:
    """What CloudFormation asks of a resource type: create or update one resource of a stack."""

    # the physical name moto chose (the template's name property when it has one, else stack-logical-random)
    name: str
    properties: dict[str, Any]
    account_id: str
    region: str
    logical_id: str = ""
    stack_id: str = ""


@dataclass(frozen=True)
class TypeHandlers(Generic[State]):
    """The functions that make up a resource type (see `cloudformation_type`)."""

    create: Callable[[ResourceRequest], State]
    physical_id: Callable[[State], str]
    attributes: Mapping[str, Callable[[State], str]]
    update: Callable[[State, ResourceRequest], State] | None
    delete: Callable[[State, str, str], None] | None


def cloudformation_type(
    type_name: str,
    *,
    create: Callable[[ResourceRequest], State],
    physical_id: Callable[[State], str],
    attributes: Mapping[str, Callable[[State], str]] | None = None,
    update: Callable[[State, ResourceRequest], State] | None = None,
    delete: Callable[[State, str, str], None] | None = None,
    name_property: str = "",
) -> type:
    """Register `type_name` with moto's CloudFormation; returns the model class moto now uses for it.

    `create(request)` makes the resource and returns its state; `physical_id(state)` is what Ref answers;
    `attributes[name](state)` what Fn::GetAtt answers (any other attribute is a template error, as on AWS);
    `update(state, request)` changes it in place and returns the new state (without it, CloudFormation
    replaces the resource); `delete(state, account_id, region)` removes it when its stack goes;
    `name_property` is the property that names the resource, if the type has one (e.g. "Name").
    """
    handlers = TypeHandlers(create, physical_id, dict(attributes or {}), update, delete)
    model = _model_class(type_name, name_property, handlers)
    register_cloudformation_model(model, type_name)
    return model


def _model_class(type_name: str, name_property: str, handlers: TypeHandlers[Any]) -> type:
    base: type = moto_name("core.CloudFormationModel")
    unknown_attribute = moto_name("cloudformation.UnformattedGetAttTemplateException")

    def init(self: Any, state: Any) -> None:
        self.state = state

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region: str,
        **kw: Any,
    ) -> Any:
        request = ResourceRequest(
            name=resource_name,
            properties=dict(cloudformation_json.get("Properties") or {}),
            account_id=account_id,
            region=region,
            logical_id=str(kw.get("LogicalId", "")),
            stack_id=str(kw.get("StackId", "")),
        )
        return cls(handlers.create(request))

    def update_from_cloudformation_json(  # noqa: PLR0917 - moto's own signature
        cls: type[Any],
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        assert handlers.update is not None
        request = ResourceRequest(
            name=new_resource_name,
            properties=dict(cloudformation_json.get("Properties") or {}),
            account_id=account_id,
            region=region_name,
        )
        original_resource.state = handlers.update(original_resource.state, request)
        return original_resource

    def get_cfn_attribute(self: Any, attribute: str) -> str:
        if attribute not in handlers.attributes:
            raise unknown_attribute()
        return handlers.attributes[attribute](self.state)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        if handlers.delete is not None:
            handlers.delete(self.state, account_id, region_name)

    namespace: dict[str, Any] = {
        "__doc__": f"{type_name}, taught to moto's CloudFormation by local_aws (resource_types.py).",
        "__init__": init,
        "physical_resource_id": property(lambda self: handlers.physical_id(self.state)),
        "cloudformation_name_type": staticmethod(lambda: name_property),
        "cloudformation_type": staticmethod(lambda: type_name),
        "has_cfn_attr": classmethod(lambda cls, attribute: attribute in handlers.attributes),
        "get_cfn_attribute": get_cfn_attribute,
        "create_from_cloudformation_json": classmethod(create_from_cloudformation_json),
        # the stack's delete goes through delete() above; moto's fallback by name has nothing left to do
        "delete_from_cloudformation_json": classmethod(lambda cls, *args: None),
        "delete": delete,
        "is_created": lambda self: True,
    }
    if handlers.update is not None:
        namespace["update_from_cloudformation_json"] = classmethod(update_from_cloudformation_json)
    return type(f"Cfn{type_name.replace('::', '')}", (base,), namespace)
