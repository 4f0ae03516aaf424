"""The kit's local AWS: moto's server with the AWS parity fixes, on a port the OS picks.

`python -m local_aws.server --host 127.0.0.1 --port 0` prints `READY <port>` once it accepts
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

from local_aws.settings import READY, SCRATCH_VARIABLE, run_credentials

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

# what the demo needs from moto: Lambda without containers, Step Functions that really execute
EMULATOR_CONFIG: dict[str, dict[str, bool]] = {
    "lambda": {"use_docker": False},
    "stepfunctions": {"execute_state_machine": True},
}
_PARENT_POLL_S = 1.0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local_aws.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 lets the OS pick a free one")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


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
    from local_aws import moto_bridge

    key, secret = run_credentials()  # before anything starts: no credential, no emulator
    moto_bridge.settle_environment()
    from werkzeug.serving import make_server

    from local_aws import services
    from local_aws.access import AccessGate
    from local_aws.admin import AdminApi
    from local_aws.client import ACCOUNT_ID
    from local_aws.services.awslambda.runtime import service
    from local_aws.services.batch import jobs
    from local_aws.services.sts import issued_key

    services.apply_all()
    moto_bridge.configure(EMULATOR_CONFIG)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    moto_app, request_handler = moto_bridge.wsgi_app()
    # only the run's own clients get through, to the emulator's own calls as to moto
    app = AccessGate(
        AdminApi(moto_app, account_id=ACCOUNT_ID),
        access_key_id=key,
        secret_access_key=secret,
        issued=issued_key,
    )
    server = make_server(args.host, args.port, app, threaded=True, request_handler=request_handler)
    moto_bridge.announce_port(server.server_port)
    # `localhost`, as in the endpoint the kit gives its users (moto reads buckets from other host names)
    service.start(f"http://localhost:{server.server_port}")
    jobs.start(f"http://localhost:{server.server_port}")

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
