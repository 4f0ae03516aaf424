"""Where a demo runs: the local emulator (`labkit demo`) or the account of the current credentials (`--aws`).

Both rehearse the same life of a lab; they differ in what stands for AWS's own moves. On the emulator the
kit asks it to publish a new image and to fire the expiry now. On a real account AWS publishes images on
its own schedule, and the expiry is brought forward: the lab's own schedule is set to fire a minute from
now, then the demo waits for Scheduler and CloudFormation to delete the stack, with real time limits.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from labs.catalogue.ec2 import INSTANCE
from labs.demo.runs import StepError
from labs.deployed.expiry import SCHEDULE_TYPE
from labs.deployed.stack import failure_reason, load_stack

if TYPE_CHECKING:
    import boto3

    from local_aws.client import LocalAws

# the public parameter a lab's instance image comes from (AL2023, arm64), as CDK's templates name it
IMAGE_PARAMETER_PREFIX = "/aws/service/ami-amazon-linux-latest/"
EXPIRY_LEAD_S = 60
POLL_S = 5.0


def image_parameters(template: dict[str, Any]) -> list[str]:
    """The public image parameters a synthesized template resolves at deploy time."""
    return sorted(
        {
            str(slot.get("Default"))
            for slot in template.get("Parameters", {}).values()
            if str(slot.get("Default", "")).startswith(IMAGE_PARAMETER_PREFIX)
        }
    )


@dataclass
class EmulatorTarget:
    """The kit's local AWS: the emulator's own calls stand in for what AWS does in its own time."""

    aws: LocalAws
    on_emulator: bool = True

    @property
    def title(self) -> str:
        return "every lab on a local AWS emulator, with the pinned CDK CLI"

    @property
    def env(self) -> dict[str, str]:
        return self.aws.env

    @property
    def account_id(self) -> str:
        return self.aws.account_id

    @property
    def region(self) -> str:
        return self.aws.region

    def session(self) -> boto3.Session:
        """A session on the emulator."""
        return self.aws.session()

    def publish_new_images(self, parameters: list[str]) -> str:
        """Publish new images behind the parameters, as AWS does in time; what was done."""
        from local_aws.client import publish_image

        published = [
            publish_image(self.aws.endpoint, name, region=self.region, credentials=self.aws.credentials)
            for name in parameters
        ]
        return ", ".join(f"{p.previous} -> {p.current}" for p in published) or "no image parameter"

    def expire(self, stack_name: str, *, timeout_s: float) -> str:
        """Fire the stack's expiry schedule now; StepError unless that deleted the stack."""
        from local_aws.client import fire_schedule

        schedule = _schedule_of(self.session(), stack_name)
        firing = fire_schedule(
            self.aws.endpoint, schedule, region=self.region, credentials=self.aws.credentials
        )
        if firing.outcome != "deleted":
            raise StepError(f"{stack_name}: its expiry {firing.outcome}: {firing.detail}")
        return firing.detail


@dataclass
class AwsTarget:
    """The account of the current credentials: real waits, and the lab's schedule brought forward."""

    environment: dict[str, str]
    account_id: str
    region: str
    on_emulator: bool = False
    # how far ahead of now the lab's expiry is moved before the demo waits for it
    expiry_lead_s: float = EXPIRY_LEAD_S

    @property
    def title(self) -> str:
        return f"every lab on AWS account {self.account_id} ({self.region}), with the pinned CDK CLI"

    @property
    def env(self) -> dict[str, str]:
        return self.environment

    def session(self) -> boto3.Session:
        """A session from the environment's credentials."""
        from labs.deployed.session import session_from_environment

        return session_from_environment()

    def publish_new_images(self, parameters: list[str]) -> str:
        """Nothing to do on AWS, which publishes images itself; says so."""
        return "AWS publishes images on its own schedule: the redeploy resolves whatever is latest now"

    def expire(self, stack_name: str, *, timeout_s: float) -> str:
        """The lab's own schedule moved to a minute from now; Scheduler and CloudFormation do the rest."""
        session = self.session()
        name = _schedule_of(session, stack_name)
        scheduler = session.client("scheduler")
        current: dict[str, Any] = dict(scheduler.get_schedule(Name=name))
        fire_at = datetime.now(UTC) + timedelta(seconds=self.expiry_lead_s)
        keep = ("GroupName", "FlexibleTimeWindow", "Target", "Description", "State", "KmsKeyArn")
        scheduler.update_schedule(
            Name=name,
            ScheduleExpression=f"at({fire_at:%Y-%m-%dT%H:%M:%S})",
            ScheduleExpressionTimezone="UTC",
            **{key: current[key] for key in keep if key in current},
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            stack = load_stack(session, stack_name)
            if stack is None:
                return (
                    f"Scheduler fired {name} at {fire_at:%H:%M:%S} UTC; CloudFormation deleted {stack_name}"
                )
            if stack.status == "DELETE_FAILED":
                raise StepError(f"{stack_name}: its expiry failed: {failure_reason(session, stack_name)}")
            time.sleep(POLL_S)
        raise StepError(f"{stack_name}: still there {timeout_s:.0f} s after its expiry was due")


def _schedule_of(session: boto3.Session, stack_name: str) -> str:
    stack = load_stack(session, stack_name)
    if stack is None:
        raise StepError(f"{stack_name} is not deployed: no expiry to fire")
    schedule = stack.physical_id(SCHEDULE_TYPE)
    if not schedule:
        raise StepError(f"{stack_name} has no expiry schedule (ttlHours=0)")
    return schedule


def expiry_time(session: boto3.Session, stack_name: str) -> str:
    """The schedule's `at(...)` time, for the redeploy's detail."""
    schedule = _schedule_of(session, stack_name)
    expression = session.client("scheduler").get_schedule(Name=schedule).get("ScheduleExpression", "")
    return str(expression).removeprefix("at(").removesuffix(")")


def instance_images(session: boto3.Session, stack_name: str) -> dict[str, str]:
    """Instance id -> image id of the stack's own instances (an instance lab's), for the redeploy's detail."""
    stack = load_stack(session, stack_name)
    ids = [r.physical_id for r in stack.of_type(INSTANCE.cfn_type)] if stack else []
    if not ids:
        return {}
    reservations = session.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["ImageId"] for r in reservations for i in r["Instances"]}


def read_template(path: str) -> dict[str, Any]:
    """A synthesized template, read from its JSON file."""
    with open(path, encoding="utf-8") as file:
        template: dict[str, Any] = json.load(file)
    return template


# where a demo runs (the union the rehearsal works with)
Target = EmulatorTarget | AwsTarget
