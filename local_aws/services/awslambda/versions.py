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
import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import backend, moto_name, original, replace, replace_classmethod
from local_aws.services.awslambda.runtime import service
from local_aws.services.cloudformation.resource_types import ResourceRequest, cloudformation_type

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
    # it wraps the invoke LambdaSimpleBackend gets from the fix that runs the deployed code
    after=("awslambda.lambda_runs_deployed_code",),
)
def lambda_invokes_qualified_versions() -> None:
    """Patches moto: Lambda invokes the alias or version the caller names."""
    response_class = moto_name("awslambda.LambdaResponse")
    backend_class = moto_name("awslambda.LambdaBackend")
    simple_backend_class = moto_name("awslambda.LambdaSimpleBackend")
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
    version_class = moto_name("awslambda.LambdaVersion")

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        function_name = cloudformation_json["Properties"]["FunctionName"]
        published = backend("lambda", account_id, region_name).publish_version(function_name)
        version = cls({"Version": published.version})
        version.labkit_arn = published.function_arn
        return version

    def get_attribute(self: Any, attribute: str) -> Any:
        if attribute == "Version":
            return str(self.version)
        raise moto_name("cloudformation.UnformattedGetAttTemplateException")()

    replace_classmethod(version_class, "create_from_cloudformation_json", create)
    replace(version_class, "has_cfn_attr", classmethod(lambda cls, attribute: attribute == "Version"))
    replace(version_class, "get_cfn_attribute", get_attribute)
    replace(version_class, "physical_resource_id", property(lambda self: getattr(self, "labkit_arn", "")))


@dataclass(frozen=True)
class Alias:
    """What CloudFormation keeps of an AWS::Lambda::Alias it created: Ref is the alias ARN."""

    arn: str
    function_name: str
    name: str


def _provision(request: ResourceRequest, function_name: str, alias: str) -> None:
    config = request.properties.get("ProvisionedConcurrencyConfig") or {}
    target = backend("lambda", request.account_id, request.region).get_function(function_name, alias)
    if config.get("ProvisionedConcurrentExecutions"):
        # CloudFormation reports the alias created once its provisioned concurrency is READY
        service.put_provisioned(target, alias, int(config["ProvisionedConcurrentExecutions"]), wait=True)
    else:
        service.delete_provisioned(target, alias)


def _create_alias(request: ResourceRequest) -> Alias:
    properties = request.properties
    function_name = split_qualifier(str(properties["FunctionName"]))[0].split(":")[-1]
    alias = backend("lambda", request.account_id, request.region).create_alias(
        name=properties["Name"],
        function_name=function_name,
        function_version=str(properties["FunctionVersion"]),
        description=properties.get("Description", ""),
        routing_config=properties.get("RoutingConfig"),
    )
    _provision(request, function_name, properties["Name"])
    return Alias(alias.arn, function_name, properties["Name"])


def _update_alias(alias: Alias, request: ResourceRequest) -> Alias:
    properties = request.properties
    backend("lambda", request.account_id, request.region).update_alias(
        name=alias.name,
        function_name=alias.function_name,
        function_version=str(properties["FunctionVersion"]),
        description=properties.get("Description", ""),
        routing_config=properties.get("RoutingConfig"),
    )
    _provision(request, alias.function_name, alias.name)
    return alias


def _delete_alias(alias: Alias, account_id: str, region: str) -> None:
    lambdas = backend("lambda", account_id, region)
    # the function went first: its aliases and their configurations went with it, as on AWS
    with contextlib.suppress(moto_name("awslambda.UnknownFunctionException")):
        service.delete_provisioned(lambdas.get_function(alias.function_name, alias.name), alias.name)
        lambdas.delete_alias(name=alias.name, function_name=alias.function_name)


@parity_fix(
    "CloudFormation creates Lambda aliases, with their provisioned concurrency",
    moto_does="has no AWS::Lambda::Alias in CloudFormation: it logs 'No Moto CloudFormation support' and "
    "skips the resource, so the alias and its ProvisionedConcurrencyConfig never exist",
    aws_does="creates the alias on the version, starts its provisioned concurrency and completes the "
    "resource once the configuration is READY; deletes both with the stack",
)
def cloudformation_creates_lambda_aliases() -> None:
    """Patches moto: CloudFormation creates Lambda aliases, with their provisioned concurrency."""
    cloudformation_type(
        "AWS::Lambda::Alias",
        create=_create_alias,
        physical_id=lambda alias: alias.arn,
        attributes={"AliasArn": lambda alias: alias.arn},
        update=_update_alias,
        delete=_delete_alias,
    )


def _provisioned_response(self: Any) -> Any:
    """PUT, GET and DELETE .../functions/{name}/provisioned-concurrency[?Qualifier=|?List=ALL]."""
    lambdas = backend("lambda", self.current_account, self.region)
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
    urls = moto_name("awslambda.urls")
    response_class = moto_name("awslambda.LambdaResponse")
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
