"""The kit's local AWS: moto's server with the AWS parity fixes, on a port the OS picks.

`python -m labs.emulator.server --host 127.0.0.1 --port 0` prints `READY <port>` once it accepts
requests, then serves until SIGTERM, SIGINT or the death of the process that started it.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

# what the demo needs from moto: Lambda without containers, Step Functions that really execute
EMULATOR_CONFIG: dict[str, dict[str, bool]] = {
    "lambda": {"use_docker": False},
    "stepfunctions": {"execute_state_machine": True},
}
_PARENT_POLL_S = 1.0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m labs.emulator.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 lets the OS pick a free one")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def _configure_moto() -> None:
    from moto.core import config

    # the same settings POST /moto-api/config would set, in place before the first request
    user_config: dict[str, dict[str, bool]] = config.default_user_config  # type: ignore[assignment]
    for service, settings in EMULATOR_CONFIG.items():
        user_config[service] = {**user_config.get(service, {}), **settings}


def _stop_with_parent(server: BaseWSGIServer, parent_pid: int) -> None:
    """An orphaned emulator would hold its port forever: exit once the starting process is gone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_POLL_S)
        server.shutdown()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the emulator's HTTP server with the parity fixes applied, until stopped."""
    args = _parse(argv)
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from labs.emulator import parity
    from labs.emulator.admin import AdminApi
    from labs.emulator.lambda_runtime import service
    from labs.emulator.local_aws import ACCOUNT_ID, READY, SCRATCH_VARIABLE

    parity.apply_all()
    _configure_moto()
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    app = AdminApi(DomainDispatcherApplication(create_backend_app), account_id=ACCOUNT_ID)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    # moto puts this port into the callback URL it gives custom resources
    os.environ["MOTO_PORT"] = str(server.server_port)
    # `localhost`, as in the endpoint the kit gives its users (moto reads buckets from other host names)
    service.start(f"http://localhost:{server.server_port}")

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _stop_with_parent(server, os.getppid())
    print(f"{READY} {server.server_port}", flush=True)
    # nothing else may go to stdout: the starter reads only the first line, then stops reading
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        # a stop waits out one poll: the default half second made every Ctrl-C and every test slower
        server.serve_forever(poll_interval=0.05)
    finally:
        server.server_close()
        service.stop()
        if scratch := os.environ.get(SCRATCH_VARIABLE):
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
