"""SSM parity fixes: public image parameters that change, and Session Manager that says it is not here.

Amazon Linux 2023's latest image changes every few weeks: a lab's next deploy then resolves a new image id
and replaces its instance. moto's public parameters never change, so this fix adds the emulator's own
call POST /_labkit/images/publish {"Parameter": name}: a new image behind that parameter, as AWS does.
"""

from __future__ import annotations

import time
from typing import Any

from local_aws import admin
from local_aws.admin_protocol import ImagePublished
from local_aws.fixes import EmulatorGap, ParityFix, parity_fix
from local_aws.moto_bridge import (
    backend,
    moto_name,
    original,
    parameter_versions,
    replace,
    request_param,
    stack_template,
)


def publish_image(account_id: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    """A new image copied from the parameter's current one, and the parameter's next version naming it."""
    name = str(body["Parameter"])
    ssm = backend("ssm", account_id, region)
    current = ssm.get_parameter(name)
    if current is None:
        raise ValueError(f"no public parameter {name} in {region}")
    ec2 = backend("ec2", account_id, region)
    try:
        image = ec2.copy_image(current.value, region, name=f"{name.rsplit('/', 1)[-1]}-{int(time.time())}")
    except Exception:  # the old image is not in the emulator's catalogue: register a fresh one
        image = ec2.register_image(name=name.rsplit("/", 1)[-1], description=f"published behind {name}")
    parameter_class = moto_name("ssm.Parameter")
    versions = parameter_versions(ssm, name)
    versions.append(
        parameter_class(
            account_id=account_id,
            name=name,
            value=image.id,
            parameter_type=current.parameter_type,
            description=current.description,
            allowed_pattern=None,
            keyid=None,
            last_modified_date=time.time(),
            version=current.version + 1,
            data_type=current.data_type,
        )
    )
    return ImagePublished(name, current.value, image.id).as_json()


@parity_fix(
    "public image parameters can change",
    moto_does="keeps the public AMI parameters (as Amazon Linux 2023's latest image) at one value forever",
    aws_does="publishes new images behind them every few weeks, which a lab's next deploy picks up "
    "(`/_labkit/images/publish` plays that part)",
)
def public_image_parameters_change() -> None:
    """Patches moto: public image parameters can change."""
    admin.ROUTES["images/publish"] = publish_image


@parity_fix(
    "SSM-typed stack parameters resolve at every deploy",
    moto_does="keeps an update's previous parameter value as the resolved image id, then fails to look that "
    "id up as a parameter name (the update dies with an internal error)",
    aws_does="keeps the parameter's name and resolves it again at each deploy, so a redeploy picks up the "
    "image AWS published since",
)
def ssm_parameters_resolve_at_every_deploy() -> None:
    """Patches moto: SSM-typed stack parameters resolve at every deploy."""
    resource_map_class = moto_name("cloudformation.ResourceMap")
    original_load = original(resource_map_class, "load_parameters")

    def load_parameters(self: Any) -> None:
        slots = stack_template(self).get("Parameters", {})
        for key, value in list(self.input_parameters.items()):
            slot = slots.get(key, {})
            typed = str(slot.get("Type", "")).startswith("AWS::SSM::Parameter::")
            if typed and not str(value).startswith("/") and slot.get("Default"):
                self.input_parameters[key] = slot["Default"]  # the name, as CloudFormation keeps it
        original_load(self)

    replace(resource_map_class, "load_parameters", load_parameters)


NO_SESSIONS = (
    "Session Manager sessions are not available on the emulator: its instances run no SSM Agent. "
    "Deploy the lab to a real account to open a session"
)


@parity_fix(
    "Session Manager answers that it has no sessions here",
    moto_does="has no Session Manager API: `aws ssm start-session` gets HTTP 500 with an HTML page",
    aws_does="answers each session call in its JSON protocol; a target with no connected agent gets "
    "TargetNotConnected (the SSM API reference), which the emulator's instances always are",
)
def session_manager_says_it_has_no_sessions() -> None:
    """Patches moto: Session Manager answers that it has no sessions here."""
    response_class = moto_name("ssm.SimpleSystemManagerResponse")
    error_class = moto_name("ssm.SSMException")
    action_result = moto_name("core.ActionResult")

    def start_session(self: Any) -> Any:
        target = request_param(self, "Target")
        raise error_class("TargetNotConnected", f"{target} is not connected. {NO_SESSIONS}.")

    def resume_session(self: Any) -> Any:
        session = request_param(self, "SessionId")
        raise error_class("DoesNotExistException", f"Session {session} does not exist. {NO_SESSIONS}.")

    def terminate_session(self: Any) -> Any:
        return action_result({"SessionId": request_param(self, "SessionId")})  # nothing was running to end

    def describe_sessions(self: Any) -> Any:
        return action_result({"Sessions": []})

    def get_connection_status(self: Any) -> Any:
        return action_result({"Target": request_param(self, "Target"), "Status": "notconnected"})

    for handler in (
        start_session,
        resume_session,
        terminate_session,
        describe_sessions,
        get_connection_status,
    ):
        replace(response_class, handler.__name__, handler)


FIXES: tuple[ParityFix, ...] = (
    public_image_parameters_change,
    ssm_parameters_resolve_at_every_deploy,
    session_manager_says_it_has_no_sessions,
)
GAPS: tuple[EmulatorGap, ...] = ()
