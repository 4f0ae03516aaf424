"""Lambda parity fixes for file systems: a function keeps its FileSystemConfigs, Lambda refuses one it could
not mount (services/efs/mounts.py), and the function reports the VPC its subnets are in."""

from __future__ import annotations

import functools
from typing import Any

from local_aws.fixes import ParityFix, parity_fix
from local_aws.moto_bridge import (
    backend,
    function_vpc_config,
    moto_name,
    original,
    replace,
    replace_classmethod,
)
from local_aws.services.efs import mounts
from local_aws.services.efs.mounts import file_system_configs, keep_file_system_configs

FILE_SYSTEM_CONFIGS = "FileSystemConfigs"


def _refuse_unmountable(configs: list[dict[str, str]], vpc_config: Any, account_id: str, region: str) -> None:
    try:
        mounts.check_configuration(configs, vpc_config, account_id=account_id, region=region)
    except mounts.ConfigurationRefusedError as error:
        raise moto_name("awslambda.InvalidParameterValueException")(str(error)) from None


@parity_fix(
    "Lambda keeps a function's file systems",
    moto_does="drops FileSystemConfigs from CreateFunction, UpdateFunctionConfiguration and CloudFormation "
    "alike: the function mounts nothing, and a configuration Lambda refuses is accepted",
    aws_does="keeps them (GetFunctionConfiguration lists them), mounts each access point at its "
    "LocalMountPath on every invocation, and refuses a function outside a VPC or with a subnet in a zone "
    "where the file system has no mount target (InvalidParameterValueException)",
)
def lambda_keeps_file_system_configs() -> None:
    """Patches moto: Lambda keeps a function's file systems."""
    function_class = moto_name("awslambda.LambdaFunction")
    backend_class = moto_name("awslambda.LambdaBackend")
    original_init = original(function_class, "__init__")
    original_configuration = original(function_class, "get_configuration")
    original_update = original(function_class, "update_configuration")
    original_create = original(backend_class, "create_function")
    original_cfn_create = original(function_class, "create_from_cloudformation_json")
    original_cfn_update = original(function_class, "update_from_cloudformation_json")

    @functools.wraps(original_init)
    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        keep_file_system_configs(self, list(spec.get(FILE_SYSTEM_CONFIGS) or []))

    @functools.wraps(original_create)
    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        configs = list(spec.get(FILE_SYSTEM_CONFIGS) or [])
        if configs:
            _refuse_unmountable(configs, spec.get("VpcConfig"), self.account_id, self.region_name)
        return original_create(self, spec)

    @functools.wraps(original_configuration)
    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self, *args, **kwargs)
        if file_system_configs(self):
            configuration[FILE_SYSTEM_CONFIGS] = file_system_configs(self)
        return configuration

    @functools.wraps(original_update)
    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if FILE_SYSTEM_CONFIGS in config_updates or "VpcConfig" in config_updates:
            configs = list(config_updates.get(FILE_SYSTEM_CONFIGS, file_system_configs(self)) or [])
            vpc_config = config_updates.get("VpcConfig", self.vpc_config)
            if configs:
                _refuse_unmountable(configs, vpc_config, self.account_id, self.region)
            keep_file_system_configs(self, configs)
        return original_update(self, config_updates)  # type: ignore[no-any-return]

    def cfn_create(
        cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any
    ) -> Any:
        properties = template["Properties"]
        configs = list(properties.get(FILE_SYSTEM_CONFIGS) or [])
        if configs:
            _refuse_unmountable(configs, properties.get("VpcConfig"), account_id, region)
        function = original_cfn_create(cls, name, template, account_id, region, **kw)
        keep_file_system_configs(function, configs)
        return function

    def cfn_update(  # noqa: PLR0917 - moto's own signature, called by keyword
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        # a property the template no longer has is removed: the function mounts nothing any more
        properties = {FILE_SYSTEM_CONFIGS: [], **cloudformation_json["Properties"]}
        return original_cfn_update(
            cls,
            original_resource,
            new_resource_name,
            {**cloudformation_json, "Properties": properties},
            account_id,
            region_name,
        )

    replace(function_class, "__init__", init)
    replace(backend_class, "create_function", create_function)
    replace(function_class, "get_configuration", get_configuration)
    replace(function_class, "update_configuration", update_configuration)
    replace_classmethod(function_class, "create_from_cloudformation_json", cfn_create)
    replace_classmethod(function_class, "update_from_cloudformation_json", cfn_update)


@parity_fix(
    "Lambda reports its subnets' VPC",
    moto_does="reports every function in a VPC as in vpc-123abc",
    aws_does="reports the VPC of the function's subnets in VpcConfig.VpcId",
)
def lambda_reports_its_vpc() -> None:
    """Patches moto: Lambda reports its subnets' VPC."""
    function_class = moto_name("awslambda.LambdaFunction")

    def vpc_config(self: Any) -> dict[str, Any] | None:
        stored = function_vpc_config(self)
        if not stored:
            return None
        config = dict(stored)
        subnets = list(config.get("SubnetIds") or [])
        if subnets:
            config["VpcId"] = backend("ec2", self.account_id, self.region).get_subnet(subnets[0]).vpc_id
        return config

    replace(function_class, "vpc_config", property(vpc_config))


FIXES: tuple[ParityFix, ...] = (lambda_keeps_file_system_configs, lambda_reports_its_vpc)
