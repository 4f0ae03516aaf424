"""The emulator's own API beside AWS's, under /_labkit/: what a learner asks of the emulator, not of AWS.

- POST /_labkit/schedules/fire {"Name", "GroupName"}: fire a schedule now (labs/emulator/schedules.py);
- POST /_labkit/images/publish {"Parameter"}: AWS publishes a new image behind a public SSM parameter;
- POST /_labkit/spot/interrupt {"InstanceId", "WarningSeconds"}: EC2 interrupts a Spot instance
  (labs/emulator/interruptions.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from labs.emulator import interruptions, schedules

PREFIX = "/_labkit/"
StartResponse = Callable[..., Any]
Route = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def _fire(account_id: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    return schedules.fire(account_id, region, str(body["Name"]), body.get("GroupName")).as_json()


def _interrupt(account_id: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    warning = body.get("WarningSeconds")
    return interruptions.interrupt(
        account_id, region, str(body["InstanceId"]), None if warning is None else float(warning)
    ).as_json()


ROUTES: dict[str, Route] = {"schedules/fire": _fire, "spot/interrupt": _interrupt}


class AdminApi:
    """WSGI middleware: /_labkit/ requests are the emulator's own, everything else goes to moto."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, account_id: str) -> None:
        self.app = app
        self.account_id = account_id

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        route = ROUTES.get(path.removeprefix(PREFIX))
        if route is None or environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "404 Not Found", {"message": f"no such emulator call: {path}"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            region = str(body.get("Region", "us-east-1"))
            return _answer(start_response, "200 OK", route(self.account_id, region, body))
        except Exception as error:  # the caller gets the reason, the emulator keeps serving
            return _answer(start_response, "400 Bad Request", {"message": f"{type(error).__name__}: {error}"})


def _answer(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def call(endpoint: str, route: str, body: dict[str, Any], *, timeout_s: float = 120.0) -> dict[str, Any]:
    """Ask the emulator at `endpoint` for one of its own calls; raises EmulatorCallError with its reason."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - the emulator's own loopback endpoint
        f"{endpoint.rstrip('/')}{PREFIX}{route}",
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # noqa: S310
            result: dict[str, Any] = json.load(answer)
            return result
    except urllib.error.HTTPError as error:
        reason = json.loads(error.read() or b"{}").get("message", str(error))
        raise EmulatorCallError(f"the emulator refused {route}: {reason}") from None


class EmulatorCallError(RuntimeError):
    """The emulator answered one of its own calls with an error; the message holds its reason."""
