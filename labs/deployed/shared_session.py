"""The kit's boto3 session: each client made once (under a lock, shareable between threads), and the
service models loaded once per process.

botocore decodes a service's JSON model again for every session and builds a client's methods again for
every client (ec2's ~700 operations); a class's accounts, or a leftovers scan's fifteen services, would pay
it each time. A boto3 Session is not safe to create clients from in several threads at once, but its
clients are safe to share.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session


@functools.cache
def _service_models() -> botocore.loaders.Loader:
    # as a botocore session makes its loader (AWS_DATA_PATH and the config's data_path included), plus
    # boto3's own data, which each boto3 session would otherwise append to the shared list again
    loader = botocore.loaders.create_loader(botocore.session.Session().get_config_variable("data_path"))
    loader.search_paths.append(str(Path(boto3.__file__).parent / "data"))
    return loader


def core_session() -> botocore.session.Session:
    """A botocore session over the process's shared service models (for a SharedSession that needs its
    botocore session first, e.g. to hold credentials that refresh themselves)."""
    core = botocore.session.Session()
    core.register_component("data_loader", _service_models())
    return core


class SharedSession(boto3.Session):
    """A session whose clients are made once and shared by every thread, over the process's service models
    (a class's accounts each loading them again cost 0.5 s a session: 6.8 s for 10 sessions, 1.8 s sharing
    them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "botocore_session" not in kwargs:
            kwargs["botocore_session"] = core_session()
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._clients: dict[tuple[Any, ...], Any] = {}

    def _setup_loader(self) -> None:
        # boto3 appends its data folder to the loader's paths; the shared loader has it already
        self._loader = self._session.get_component("data_loader")

    def client(self, *args: Any, **kwargs: Any) -> Any:
        """A client per service and options, made once and shared between threads."""
        # a Config compares by identity: the key holds the object itself, so its id is never reused
        key = (*args, *sorted(kwargs.items(), key=lambda item: item[0]))
        with self._lock:
            if key not in self._clients:
                self._clients[key] = super().client(*args, **kwargs)
            return self._clients[key]
