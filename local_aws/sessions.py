"""A boto3 session whose every client talks to the emulator, whatever this machine's profiles say."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3

# the emulator takes any credentials; these are never a real account's
DUMMY_KEY = "testing"


def emulator_session(endpoint: str, region: str) -> boto3.Session:
    """A session on the emulator at `endpoint`: its endpoint, dummy keys, and no file of this machine."""
    import boto3
    import botocore.session

    class EmulatorSession(boto3.Session):
        """Every client and resource gets the emulator's endpoint (botocore reads it from env or files)."""

        def client(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("endpoint_url", endpoint)
            return super().client(*args, **kwargs)

        def resource(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("endpoint_url", endpoint)
            return super().resource(*args, **kwargs)

    # no profile (not even AWS_PROFILE), config file or credentials file of this machine takes part
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("config_file", os.devnull)
    core.set_config_variable("credentials_file", os.devnull)
    core.set_config_variable("account_id_endpoint_mode", "disabled")
    return EmulatorSession(
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=DUMMY_KEY,
        region_name=region,
        botocore_session=core,
    )
