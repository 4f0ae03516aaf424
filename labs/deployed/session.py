"""What every command decides the same way about AWS: error codes, "already gone", and the emulator."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from local_aws.client import EMULATOR_VARIABLE
from local_aws.client import on_emulator as on_emulator_endpoint

if TYPE_CHECKING:
    import boto3

    from labs.deployed.shared_session import SharedSession

# set by `labkit emulator` and `labkit demo` in the environment of everything they run
EMULATOR_ENV = EMULATOR_VARIABLE
_GONE_CODES = frozenset({"ResourceNotFoundException", "NoSuchEntity"})


def error_code(error: ClientError) -> str:
    """The error code of an AWS client error."""
    return str(error.response.get("Error", {}).get("Code", ""))


def error_text(error: ClientError) -> str:
    """`Code: message`, the two parts of an AWS error a learner can search for."""
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Error')}: {details.get('Message', str(error))}"


def unless_gone(
    call: Callable[..., Any], /, *, gone_codes: Collection[str] = (), **arguments: Any
) -> Any | None:
    """The call's answer, or None when AWS says the resource no longer exists (deleted by hand). A service
    that names "not found" its own way gets its codes passed: its type's catalogue entry holds them
    (`leftovers.gone_codes`)."""
    try:
        return call(**arguments)
    except ClientError as error:
        code = error_code(error)
        if code.endswith(".NotFound") or code in _GONE_CODES or code in gone_codes:
            return None
        raise


def new_session(**kwargs: Any) -> SharedSession:
    """A boto3 session (boto3.Session's arguments) whose clients are made once and whose service models are
    loaded once per process (labs.deployed.shared_session)."""
    # boto3 takes 0.2 s to import: only the commands that call AWS pay it
    from labs.deployed.shared_session import SharedSession

    return SharedSession(**kwargs)


def session_from_environment(region: str | None = None) -> SharedSession:
    """A command's boto3 session in the region `cdk deploy` used: `region` (a --region option) first, then
    AWS_REGION, as the CDK CLI and AWS CLI v2 read it (boto3 alone reads only AWS_DEFAULT_REGION), then
    AWS_DEFAULT_REGION and the profile's region."""
    return new_session(region_name=region or os.environ.get("AWS_REGION", "").strip() or None)


def on_emulator(session: boto3.Session | None = None) -> bool:
    """True for the kit's emulator: LABKIT_EMULATOR=1, or a session whose endpoint is this machine."""
    return on_emulator_endpoint(None if session is None else session.client("sts").meta.endpoint_url)


def aws_failure(error: Exception) -> str | None:
    """The one-line reason an AWS call could not be made or was refused; None for other errors."""
    if isinstance(error, NoCredentialsError | NoRegionError):
        return f"{error}: configure AWS credentials and a region (aws configure, AWS_PROFILE)"
    if isinstance(error, ClientError):
        return f"AWS refused a call: {error}"
    if isinstance(error, BotoCoreError):
        return f"could not reach AWS: {error}"
    return None
