"""The emulator's own calls beside AWS's, under /_labkit/: their routes, answers and the one HTTP call.

Both sides use these records: the server (local_aws.admin) answers with them, the client
(local_aws.client's fire_schedule, interrupt_spot_instance, publish_image) reads them back. Each call is
signed (SigV4) with the run's credentials, as every request to the emulator must be (local_aws.access): the
ones given, else this process's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the exports).
- POST /_labkit/schedules/fire {"Name", "GroupName", "Region"}: fire a schedule now -> ScheduleFiring;
- POST /_labkit/spot/interrupt {"InstanceId", "WarningSeconds", "Region"}: EC2 interrupts a Spot instance
  -> SpotInterruption;
- POST /_labkit/images/publish {"Parameter", "Region"}: AWS publishes a new image behind a public SSM
  parameter -> ImagePublished.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from local_aws.settings import REGION

if TYPE_CHECKING:
    import urllib.request

PREFIX = "/_labkit/"


class EmulatorCallError(RuntimeError):
    """The emulator answered one of its own calls with an error; the message holds its reason."""


@dataclass(frozen=True)
class ScheduleFiring:
    """What firing a schedule did: `outcome` is deleted, delete failed or target failed."""

    schedule: str
    outcome: str
    detail: str
    stack_status: str = ""

    def as_json(self) -> dict[str, str]:
        """The firing as the emulator's admin API answers it."""
        return {
            "Schedule": self.schedule,
            "Outcome": self.outcome,
            "Detail": self.detail,
            "StackStatus": self.stack_status,
        }

    @classmethod
    def from_json(cls, answer: dict[str, Any]) -> ScheduleFiring:
        """The firing the admin API answered."""
        return cls(
            str(answer["Schedule"]),
            str(answer["Outcome"]),
            str(answer["Detail"]),
            str(answer.get("StackStatus", "")),
        )


@dataclass(frozen=True)
class SpotInterruption:
    """A Spot interruption the emulator has scheduled for one instance."""

    instance_id: str
    # `2026-12-06T10:00:00Z`: when EC2 terminates the instance
    interrupt_at: str
    warning_s: float
    replacement: str | None
    events: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The interruption as the emulator's admin API answers it."""
        return {
            "InstanceId": self.instance_id,
            "InterruptAt": self.interrupt_at,
            "WarningSeconds": self.warning_s,
            "Replacement": self.replacement,
            "Events": list(self.events),
        }

    @classmethod
    def from_json(cls, answer: dict[str, Any]) -> SpotInterruption:
        """The interruption the admin API answered."""
        replacement = answer.get("Replacement")
        return cls(
            str(answer["InstanceId"]),
            str(answer["InterruptAt"]),
            float(answer["WarningSeconds"]),
            None if replacement is None else str(replacement),
            tuple(str(event) for event in answer["Events"]),
        )


@dataclass(frozen=True)
class ImagePublished:
    """A new image behind a public image parameter: the image it named before, and the one it names now."""

    parameter: str
    previous: str
    current: str

    def as_json(self) -> dict[str, str]:
        """The publication as the emulator's admin API answers it."""
        return {"Parameter": self.parameter, "Previous": self.previous, "Current": self.current}

    @classmethod
    def from_json(cls, answer: dict[str, Any]) -> ImagePublished:
        """The publication the admin API answered."""
        return cls(str(answer["Parameter"]), str(answer["Previous"]), str(answer["Current"]))


def signing_keys(credentials: Any = None) -> tuple[str, str, str]:
    """(access key id, secret, session token) of `credentials` (the run's, or botocore's), else this
    process's AWS_* variables."""
    if credentials is None:
        return (
            os.environ.get("AWS_ACCESS_KEY_ID", ""),
            os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            os.environ.get("AWS_SESSION_TOKEN", ""),
        )
    if hasattr(credentials, "access_key_id"):
        return credentials.access_key_id, credentials.secret_access_key, credentials.session_token
    return credentials.access_key, credentials.secret_key, credentials.token or ""


def signed_request(
    method: str,
    url: str,
    *,
    credentials: Any = None,
    body: bytes = b"",
    region: str = REGION,
    service: str = "labkit",
    content_type: str = "application/json",
) -> urllib.request.Request:
    """An HTTP request to the emulator signed with SigV4, as the emulator wants every request."""
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    key, secret, token = signing_keys(credentials)
    headers = {"Content-Type": content_type} if body else {}
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials(key, secret, token or None), service, region).add_auth(request)
    return urllib.request.Request(  # noqa: S310 - the emulator's own loopback endpoint
        url, data=body or None, method=method, headers=dict(request.headers.items())
    )


def call(
    endpoint: str,
    route: str,
    body: dict[str, Any],
    *,
    credentials: Any = None,
    timeout_s: float = 120.0,
) -> dict[str, Any]:
    """Ask the emulator at `endpoint` for one of its own calls; raises EmulatorCallError with its reason."""
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode("utf-8")
    region = str(body.get("Region", REGION))
    request = signed_request(
        "POST", f"{endpoint.rstrip('/')}{PREFIX}{route}", credentials=credentials, body=data, region=region
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310
            result: dict[str, Any] = json.load(answer)
            return result
    except urllib.error.HTTPError as error:
        reason = json.loads(error.read() or b"{}").get("message", str(error))
        raise EmulatorCallError(f"the emulator refused {route}: {reason}") from None


def fire_schedule(
    endpoint: str, name: str, *, region: str = REGION, group: str | None = None, credentials: Any = None
) -> ScheduleFiring:
    """Fire a schedule of the emulator at `endpoint` now, with its own role, as Scheduler would when due."""
    body: dict[str, Any] = {"Name": name, "Region": region, **({"GroupName": group} if group else {})}
    return ScheduleFiring.from_json(call(endpoint, "schedules/fire", body, credentials=credentials))


def interrupt_spot_instance(
    endpoint: str,
    instance_id: str,
    *,
    region: str = REGION,
    warning_s: float | None = None,
    credentials: Any = None,
) -> SpotInterruption:
    """EC2 interrupts a Spot instance of the emulator: both events now, the termination after the warning."""
    body: dict[str, Any] = {"InstanceId": instance_id, "Region": region}
    if warning_s is not None:
        body["WarningSeconds"] = warning_s
    return SpotInterruption.from_json(call(endpoint, "spot/interrupt", body, credentials=credentials))


def publish_image(
    endpoint: str, parameter: str, *, region: str = REGION, credentials: Any = None
) -> ImagePublished:
    """AWS publishes a new image behind a public SSM parameter: a lab's next deploy sees it."""
    body = {"Parameter": parameter, "Region": region}
    return ImagePublished.from_json(call(endpoint, "images/publish", body, credentials=credentials))


def accepts_keys(endpoint: str, key: str, secret: str, token: str = "", *, timeout_s: float = 2.0) -> bool:
    """Whether the emulator at `endpoint` takes these credentials (STS GetCallerIdentity signed with them):
    its run's key and every key it issued (an AssumeRole session, an IAM user's key) do, an earlier run's
    does not. An answer other than a refusal, or none, counts as taken: only the emulator's "no" is a no."""
    import urllib.error
    import urllib.request

    from botocore.credentials import Credentials

    sent = signed_request(
        "POST",
        f"{endpoint.rstrip('/')}/",
        credentials=Credentials(key, secret, token or None),
        body=b"Action=GetCallerIdentity&Version=2011-06-15",
        service="sts",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    try:
        with urllib.request.urlopen(sent, timeout=timeout_s):  # noqa: S310
            return True
    except urllib.error.HTTPError as error:
        return error.code != 403
    except OSError:
        return True
