"""The emulator's own API beside AWS's, under /_labkit/, served in the emulator's process.

What a learner asks of the emulator, not of AWS (the routes and answers: local_aws.admin_protocol):
schedules/fire (services/scheduler/firing.py), spot/interrupt (services/ec2/interruptions.py), and
images/publish, which the SSM service adds with its fix (services/ssm.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from local_aws.admin_protocol import PREFIX
from local_aws.services.ec2 import interruptions
from local_aws.services.scheduler import firing

StartResponse = Callable[..., Any]
Route = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def _fire(account_id: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    return firing.fire(account_id, region, str(body["Name"]), body.get("GroupName")).as_json()


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
