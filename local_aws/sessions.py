"""The run's credential, and a boto3 session whose every client talks to the emulator with it, whatever this
machine's profiles say."""

from __future__ import annotations

import os
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3

# what AWS's long-term access key ids are made of: AKIA and 16 characters of base32
_KEY_ALPHABET = string.ascii_uppercase + "234567"


@dataclass(frozen=True)
class EmulatorCredentials:
    """The one key an emulator run accepts (besides the keys it issues): random, never a real account's."""

    access_key_id: str
    secret_access_key: str
    session_token: str = ""

    @classmethod
    def generate(cls) -> EmulatorCredentials:
        """A fresh key for one run of the emulator."""
        key = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
        return cls(key, secrets.token_urlsafe(30))

    def __repr__(self) -> str:  # a log or a test's failure shows the key, never the secret
        return f"EmulatorCredentials(access_key_id={self.access_key_id!r}, secret_access_key='***')"


def emulator_session(endpoint: str, region: str, credentials: EmulatorCredentials) -> boto3.Session:
    """A session on the emulator at `endpoint`: its endpoint, the run's key, and no file of this machine."""
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
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        region_name=region,
        botocore_session=core,
    )
