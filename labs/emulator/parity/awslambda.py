"""Lambda parity fix: a function logs to the log group its LoggingConfig names, which its stack deletes."""

from __future__ import annotations

import functools
from typing import Any

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


FIXES: tuple[ParityFix, ...] = (lambda_logs_to_configured_log_group,)
