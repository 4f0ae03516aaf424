"""Lambda parity fixes for versions, aliases and provisioned concurrency: what the cold-start lab deploys
and calls.

- invoking `name:live`, an alias ARN or `?Qualifier=live` runs the version the alias points to, and says so;
- CloudFormation's AWS::Lambda::Version answers Fn::GetAtt Version and Ref (its ARN);
- CloudFormation's AWS::Lambda::Alias creates the alias, with its ProvisionedConcurrencyConfig;
- the provisioned concurrency API (Put/Get/Delete/ListProvisionedConcurrencyConfig(s)), with AWS's states.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import threading
from typing import Any
from urllib.parse import unquote

from labs.emulator.lambda_runtime import service
from labs.emulator.parity.base import ParityFix, from_moto, original, parity_fix, replace, replace_classmethod

# the qualifier of the invocation this request thread is answering (moto's invoke drops `?Qualifier=`)
_request = threading.local()
PROVISIONED_PATH = (
    r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/provisioned-concurrency/?$"
)


def current_qualifier() -> str | None:
    """The alias or version the caller of the invocation being answered named, if any."""
    return getattr(_request, "qualifier", None)


def split_qualifier(function_name: str) -> tuple[str, str | None]:
    """`name:live`, `arn:...:function:name:live` -> (the name or unqualified ARN, "live"); none -> None."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        return (":".join(parts[:7]), parts[7]) if len(parts) > 7 else (function_name, None)
    return (parts[0], parts[1]) if len(parts) > 1 else (function_name, None)


@parity_fix(
    "Lambda invokes the alias or version the caller names",
    moto_does="ignores the Qualifier query parameter of Invoke (it reads a 'qualifier' key of the payload "
    "instead), so `aws lambda invoke --qualifier live` runs $LATEST, and answers X-Amz-Executed-Version "
    "$LATEST",
    aws_does="runs the version the qualifier (alias or version, in the query or in the function name) "
    "resolves to and names it in X-Amz-Executed-Version",
)
def lambda_invokes_qualified_versions() -> None:
    """Patches moto: Lambda invokes the alias or version the caller names."""
    response_class = from_moto("moto.awslambda.responses", "LambdaResponse")
    backend_class = from_moto("moto.awslambda.models", "LambdaBackend")
    simple_backend_class = from_moto("moto.awslambda_simple.models", "LambdaSimpleBackend")
    original_response_invoke = original(response_class, "invoke")
    original_backend_invoke = original(backend_class, "invoke")

    @functools.wraps(original_response_invoke)
    def response_invoke(self: Any) -> Any:
        _request.query_qualifier = self.querystring.get("Qualifier", [None])[0]
        try:
            return original_response_invoke(self)
        finally:
            _request.query_qualifier = None

    def backend_invoke(  # noqa: PLR0917 - moto's own signature
        self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
    ) -> Any:
        name, named = split_qualifier(unquote(function_name))
        # a 'qualifier' moto read from the payload is no qualifier at all: only the query and the name count
        chosen = getattr(_request, "query_qualifier", None) or named
        _request.qualifier = chosen
        try:
            return original_backend_invoke(self, name, chosen, body, headers, response_headers)
        finally:
            _request.qualifier = None

    replace(response_class, "invoke", response_invoke)
    replace(backend_class, "invoke", backend_invoke)
    replace(simple_backend_class, "invoke", backend_invoke)


@parity_fix(
    "CloudFormation publishes Lambda versions that templates can reference",
    moto_does="publishes the version but answers neither Ref (the version's ARN) nor Fn::GetAtt Version, "
    "so an AWS::Lambda::Alias on it (CDK's `current_version`) cannot be created",
    aws_does="returns the version's ARN for Ref and its number for Fn::GetAtt Version",
)
def cloudformation_versions_answer_references() -> None:
    """Patches moto: CloudFormation publishes Lambda versions that templates can reference."""
    version_class = from_moto("moto.awslambda.models", "LambdaVersion")
    backend = from_moto("moto.awslambda.utils", "get_backend")

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        function_name = cloudformation_json["Properties"]["FunctionName"]
        published = backend(account_id, region_name).publish_version(function_name)
        version = cls({"Version": published.version})
        version.labkit_arn = published.function_arn
        return version

    def get_attribute(self: Any, attribute: str) -> Any:
        if attribute == "Version":
            return str(self.version)
        raise from_moto("moto.cloudformation.exceptions", "UnformattedGetAttTemplateException")()

    replace_classmethod(version_class, "create_from_cloudformation_json", create)
    replace(version_class, "has_cfn_attr", classmethod(lambda cls, attribute: attribute == "Version"))
    replace(version_class, "get_cfn_attribute", get_attribute)
    replace(version_class, "physical_resource_id", property(lambda self: getattr(self, "labkit_arn", "")))


class _Alias:
    """What CloudFormation keeps of an AWS::Lambda::Alias it created: Ref is the alias ARN."""

    def __init__(self, arn: str, function_name: str, name: str) -> None:
        self.arn = arn
        self.function_name = function_name
        self.name = name

    @property
    def physical_resource_id(self) -> str:
        return self.arn


def _alias_model() -> type:
    model_class = from_moto("moto.core.common_models", "CloudFormationModel")
    backend = from_moto("moto.awslambda.utils", "get_backend")

    def provision(
        account_id: str, region: str, function_name: str, alias: str, properties: dict[str, Any]
    ) -> None:
        lambdas = backend(account_id, region)
        config = properties.get("ProvisionedConcurrencyConfig") or {}
        target = lambdas.get_function(function_name, alias)
        if config.get("ProvisionedConcurrentExecutions"):
            # CloudFormation reports the alias created once its provisioned concurrency is READY
            service.put_provisioned(target, alias, int(config["ProvisionedConcurrentExecutions"]), wait=True)
        else:
            service.delete_provisioned(target, alias)

    class LambdaAliasResource(model_class):  # type: ignore[misc, valid-type]
        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Lambda::Alias"

        @classmethod
        def has_cfn_attr(cls, attribute: str) -> bool:
            return attribute == "AliasArn"

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> _Alias:
            properties = cloudformation_json["Properties"]
            function_name = split_qualifier(str(properties["FunctionName"]))[0].split(":")[-1]
            alias = backend(account_id, region_name).create_alias(
                name=properties["Name"],
                function_name=function_name,
                function_version=str(properties["FunctionVersion"]),
                description=properties.get("Description", ""),
                routing_config=properties.get("RoutingConfig"),
            )
            provision(account_id, region_name, function_name, properties["Name"], properties)
            return _Alias(alias.arn, function_name, properties["Name"])

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> _Alias:
            properties = cloudformation_json["Properties"]
            function_name = original_resource.function_name
            backend(account_id, region_name).update_alias(
                name=original_resource.name,
                function_name=function_name,
                function_version=str(properties["FunctionVersion"]),
                description=properties.get("Description", ""),
                routing_config=properties.get("RoutingConfig"),
            )
            provision(account_id, region_name, function_name, original_resource.name, properties)
            updated: _Alias = original_resource
            return updated

        @classmethod
        def delete_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> None:
            name, alias = split_qualifier(resource_name)
            lambdas = backend(account_id, region_name)
            if alias is None:
                return
            function_name = name.split(":")[-1]
            # the function went first: its aliases and their configurations went with it, as on AWS
            with contextlib.suppress(from_moto("moto.awslambda.exceptions", "UnknownFunctionException")):
                service.delete_provisioned(lambdas.get_function(function_name, alias), alias)
                lambdas.delete_alias(name=alias, function_name=function_name)

        def get_cfn_attribute(self, attribute: str) -> Any:
            return self.arn

    return LambdaAliasResource


@parity_fix(
    "CloudFormation creates Lambda aliases, with their provisioned concurrency",
    moto_does="has no AWS::Lambda::Alias in CloudFormation: it logs 'No Moto CloudFormation support' and "
    "skips the resource, so the alias and its ProvisionedConcurrencyConfig never exist",
    aws_does="creates the alias on the version, starts its provisioned concurrency and completes the "
    "resource once the configuration is READY; deletes both with the stack",
)
def cloudformation_creates_lambda_aliases() -> None:
    """Patches moto: CloudFormation creates Lambda aliases, with their provisioned concurrency."""
    parsing = from_moto("moto.cloudformation", "parsing")
    alias_model = _alias_model()
    # moto finds CloudFormation models by subclass, cached on first use: forget the cache
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    assert alias_model in parsing.get_model_list()


def _provisioned_response(self: Any) -> Any:
    """PUT, GET and DELETE .../functions/{name}/provisioned-concurrency[?Qualifier=|?List=ALL]."""
    lambdas = from_moto("moto.awslambda.utils", "get_backend")(self.current_account, self.region)
    function_name = unquote(self.path.split("/")[-2])
    qualifier = self.querystring.get("Qualifier", [None])[0]
    method = self.method
    if method == "GET" and qualifier is None:
        configs = service.list_provisioned(lambdas.get_function(function_name))
        return 200, {}, json.dumps({"ProvisionedConcurrencyConfigs": [c.as_list_item() for c in configs]})
    if not qualifier or qualifier == "$LATEST":
        message = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
        return (
            400,
            {"status": 400, "x-amzn-errortype": "InvalidParameterValueException"},
            json.dumps({"Type": "User", "message": message}),
        )
    target = lambdas.get_function(function_name, qualifier)
    if method == "PUT":
        requested = int(json.loads(self.body or "{}")["ProvisionedConcurrentExecutions"])
        accepted = service.put_provisioned(target, qualifier, requested)
        return 202, {"status": 202}, json.dumps(accepted.as_json())
    if method == "DELETE":
        service.delete_provisioned(target, qualifier)
        return 204, {"status": 204}, ""
    config = service.get_provisioned(target, qualifier)
    if config is None:
        message = "No Provisioned Concurrency Config found for this function"
        return (
            404,
            {"status": 404, "x-amzn-errortype": "ProvisionedConcurrencyConfigNotFoundException"},
            json.dumps({"Type": "User", "message": message}),
        )
    return 200, {}, json.dumps(config.as_json())


@parity_fix(
    "Lambda has provisioned concurrency",
    moto_does="has no provisioned concurrency API: PutProvisionedConcurrencyConfig answers 404",
    aws_does="accepts it on an alias or published version (not $LATEST) with Status IN_PROGRESS, starts that "
    "many execution environments ahead of any invocation (initialization type provisioned-concurrency), "
    "turns READY, and serves the qualifier's invocations from them without an Init Duration",
)
def lambda_has_provisioned_concurrency() -> None:
    """Patches moto: Lambda has provisioned concurrency."""
    urls = importlib.import_module("moto.awslambda.urls")
    response_class = from_moto("moto.awslambda.responses", "LambdaResponse")
    urls.url_paths[PROVISIONED_PATH] = response_class.dispatch
    for action in (
        "put_provisioned_concurrency_config",
        "get_provisioned_concurrency_config",
        "delete_provisioned_concurrency_config",
        "list_provisioned_concurrency_configs",
    ):
        replace(response_class, action, _provisioned_response)


FIXES: tuple[ParityFix, ...] = (
    lambda_invokes_qualified_versions,
    cloudformation_versions_answer_references,
    cloudformation_creates_lambda_aliases,
    lambda_has_provisioned_concurrency,
)
