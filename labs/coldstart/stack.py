"""LabColdStart: a light and a heavy Python function (one handler file), a version and alias `live`.

The light function imports the standard library and Powertools; the heavy one also creates boto3 clients at
init, at 128 MB and at 1024 MB (CPU follows memory). Alias `live` points at a published version of the light
function; with `-c provisionedConcurrency=1` it keeps one environment initialised ahead (billed while on).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnResource, Duration
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from labs.coldstart.spec import (
    ALIAS,
    COLDSTART_CODE,
    FUNCTIONS,
    HANDLER,
    LAB_ID,
    LIGHT_128,
    PROFILE_VARIABLE,
    PROVISIONED_CONTEXT,
    TIMEOUT_S,
    FunctionRole,
    parse_provisioned,
    provisioned_usd_per_hour,
)
from labs.constructs.functions import LabFunction, code_asset
from labs.constructs.lab_stack import LabStack
from labs.function_labs.csv_writer import learner_code
from labs.settings import LabSettings
from labs.shared_facts import LEARNER_HANDLER

# the lines of a function's log that say how an invocation ended: its REPORT, the runtime's error, a timeout
FAILURE_OR_REPORT = r"REPORT|\[ERROR\]|Task timed out"


def coldstart_code(handler_code: Path | None) -> lambda_.Code:
    """The kit's handler file alone (a small package initialises faster), or the learner's folder."""
    if handler_code:
        return learner_code(handler_code)
    return code_asset(COLDSTART_CODE)


class LabColdStartStack(LabStack):
    """LabColdStart: functions that show cold starts, init cost and provisioned concurrency."""

    def __init__(self, scope: Construct, *, settings: LabSettings) -> None:
        super().__init__(
            scope,
            LAB_ID,
            settings=settings,
            description="cold and warm Lambda starts: a light and a heavy function, alias live",
        )
        # the lab's own switch, read once here (LabSettings knows no lab's flags): off unless asked for
        provisioned = parse_provisioned(scope.node.try_get_context(PROVISIONED_CONTEXT))
        self.code = coldstart_code(settings.handler_code)
        self.handler = LEARNER_HANDLER if settings.handler_code else HANDLER
        self.functions = {role.construct_id: self._build_function(role) for role in FUNCTIONS}
        self.live = self._build_alias(provisioned)
        self._build_outputs(provisioned)

    def _build_function(self, role: FunctionRole) -> LabFunction:
        built = LabFunction(
            self,
            role.construct_id,
            handler=self.handler,
            code=self.code,
            powertools=True,
            description=f"LabColdStart {role.label}: {role.profile} init",
            timeout=Duration.seconds(TIMEOUT_S),
            environment={
                PROFILE_VARIABLE: role.profile,
                "POWERTOOLS_SERVICE_NAME": "coldstart",
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
        )
        # LabFunction's 256 MB is the kit's default; this lab's lesson is the memory size itself
        function_resource = built.function.node.default_child
        assert isinstance(function_resource, CfnResource)
        function_resource.add_property_override("MemorySize", role.memory_mb)
        return built

    def _build_alias(self, provisioned: int) -> lambda_.Alias:
        light = self.functions[LIGHT_128.construct_id].function
        return lambda_.Alias(
            self,
            "LiveAlias",
            alias_name=ALIAS,
            version=light.current_version,
            description="the light function's published version"
            + (f", {provisioned} environment(s) provisioned" if provisioned else ""),
            provisioned_concurrent_executions=provisioned or None,
        )

    def _build_outputs(self, provisioned: int) -> None:
        for role in FUNCTIONS:
            name = self.functions[role.construct_id].function.function_name
            self.output(
                f"Invoke{role.construct_id}Command",
                invoke_command(name),
                f"Invoke the {role.label} function; prints what it logged, its error if it failed, and its "
                "REPORT line (Init Duration: a cold start)",
            )
        light = self.functions[LIGHT_128.construct_id].function.function_name
        cost = f"about ${provisioned_usd_per_hour(count=provisioned):.4f}/h"
        self.output(
            "InvokeLiveCommand",
            invoke_command(light, qualifier=ALIAS),
            f"Invoke alias {ALIAS}"
            + (
                f" (provisioned concurrency {provisioned}: {cost} while deployed)"
                if provisioned
                else f" (no provisioned concurrency: deploy with -c {PROVISIONED_CONTEXT}=1)"
            ),
        )
        groups = " ".join(self.functions[role.construct_id].log_group.log_group_name for role in FUNCTIONS)
        self.output(
            "LastReportsCommand",
            f'for group in {groups}; do echo "== $group"; aws logs tail "$group" --since 1d --format short '
            f"| tr '\\r' '\\n' | grep -E '{FAILURE_OR_REPORT}' | tail -n 6; done",
            "The last REPORT lines of each function, with the error or timeout of any invocation that failed",
        )
        self.output(
            "ForceColdStartCommand",
            f"aws lambda update-function-configuration --function-name {light} "
            '--description "cold start forced $(date +%s)" --query LastUpdateStatus --output text',
            "A configuration change: the light function's next invocation starts a new environment",
        )
        self.output(
            "ColdStartTableCommand", "labkit coldstart", "Init and duration per invocation, as a table"
        )


def invoke_command(function_name: str, *, qualifier: str | None = None) -> str:
    """`aws lambda invoke` with the log tail decoded: what the function wrote (Powertools' cold_start, or an
    error and its traceback, or the timeout) and the REPORT line; only START and END are left out."""
    target = f"--function-name {function_name}" + (f" --qualifier {qualifier}" if qualifier else "")
    # the Python runtime separates a traceback's lines with \r inside one log event
    return (
        f"aws lambda invoke {target} --log-type Tail --query LogResult --output text /dev/null "
        "| base64 --decode | tr '\\r' '\\n' | grep -vE '^(START|END) RequestId'"
    )
