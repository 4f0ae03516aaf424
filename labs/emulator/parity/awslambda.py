"""Lambda parity fixes: a function logs to the log group its LoggingConfig names, which its stack deletes;
the AWS-managed Powertools layer the CSV writer uses exists."""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from labs.contract import powertools_layer_arn
from labs.emulator.parity.base import (
    ParityFix,
    from_moto,
    original,
    parity_fix,
    replace,
    replace_classmethod,
)


@parity_fix(
    "Lambda logs to its configured log group",
    moto_does="ignores a function's LoggingConfig and creates /aws/lambda/<name> when it is invoked, a log "
    "group no stack deletes",
    aws_does="writes to LoggingConfig.LogGroup (the stack's own log group) and reports it in the "
    "configuration",
)
def lambda_logs_to_configured_log_group() -> None:
    function_class = from_moto("moto.awslambda.models", "LambdaFunction")
    original_init = original(function_class, "__init__")
    original_create = original(function_class, "create_from_cloudformation_json")
    original_configuration = original(function_class, "get_configuration")

    def use_log_group(function: Any, logging_config: dict[str, Any] | None) -> None:
        function.labkit_logging_config = logging_config
        if logging_config and logging_config.get("LogGroup"):
            function.logs_group_name = logging_config["LogGroup"]

    @functools.wraps(original_init)
    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        use_log_group(self, spec.get("LoggingConfig"))

    def create(cls: Any, name: str, template: dict[str, Any], account_id: str, region: str, **kw: Any) -> Any:
        function = original_create(cls, name, template, account_id, region, **kw)
        use_log_group(function, template["Properties"].get("LoggingConfig"))
        return function

    @functools.wraps(original_configuration)
    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self, *args, **kwargs)
        configuration["LoggingConfig"] = {
            "LogFormat": "Text",
            "LogGroup": self.logs_group_name,
            **(getattr(self, "labkit_logging_config", None) or {}),
        }
        return configuration

    replace(function_class, "__init__", init)
    replace_classmethod(function_class, "create_from_cloudformation_json", create)
    replace(function_class, "get_configuration", get_configuration)


def is_powertools_layer(arn: str) -> bool:
    """The pinned Powertools layer version (labs/contract.py), in the ARN's own region."""
    parts = arn.split(":")
    return len(parts) == 8 and arn == powertools_layer_arn(parts[3], parts[1])


@parity_fix(
    "the AWS-managed Powertools layer exists",
    moto_does="knows only layers published in the emulator, so creating the CSV writer (it uses the public "
    "Powertools layer) fails with UnknownLayerVersionException",
    aws_does="lets every account use the public layer version the kit pins (labs/contract.py)",
)
def powertools_layer_exists() -> None:
    storage = from_moto("moto.awslambda.models", "LayerStorage")
    original_lookup = original(storage, "get_layer_version_by_arn")

    @functools.wraps(original_lookup)
    def lookup(self: Any, layer_version_arn: str) -> Any:
        found = original_lookup(self, layer_version_arn)
        if found is None and is_powertools_layer(layer_version_arn):
            # what a function's configuration shows of a layer: its ARN and size
            return SimpleNamespace(arn=layer_version_arn, code_size=0)
        return found

    replace(storage, "get_layer_version_by_arn", lookup)


FIXES: tuple[ParityFix, ...] = (lambda_logs_to_configured_log_group, powertools_layer_exists)
