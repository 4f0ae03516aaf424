"""The emulator's own settings: what LocalAws hands its server process, as environment variables.

The server reads each when it needs it, with a one-line error for a value it cannot use. None of them
comes from the labs: a caller of LocalAws chooses them (`labkit emulator --lambda-idle-seconds`, a test's
shorter Spot warning, the kit's price table).
"""

from __future__ import annotations

import os
from pathlib import Path

# how long an idle function's execution environment stays warm (seconds)
IDLE_VARIABLE = "LABKIT_LAMBDA_IDLE_S"
# how long a Spot interruption's warning lasts before the termination (seconds; AWS: 120)
WARNING_VARIABLE = "LABKIT_SPOT_WARNING_S"
# a price file for the emulator's Spot market (the format: local_aws.services.ec2.spot_prices)
PRICES_VARIABLE = "LABKIT_EMULATOR_PRICES"
# the server removes this folder itself when it outlives the process that started it
SCRATCH_VARIABLE = "LABKIT_EMULATOR_SCRATCH"
# the run's credential: the only key the emulator accepts besides those it issues (STS, IAM access keys)
ACCESS_KEY_VARIABLE = "LABKIT_EMULATOR_ACCESS_KEY_ID"
SECRET_VARIABLE = "LABKIT_EMULATOR_SECRET_ACCESS_KEY"  # noqa: S105 - a variable's name
# the server's first line on stdout: `READY <port>`
READY = "READY"
ACCOUNT_ID = "123456789012"  # moto's default account: every request lands in it
REGION = "us-east-1"

DEFAULT_IDLE_S = 300.0
REHEARSAL_WARNING_S = 10.0


class SettingError(ValueError):
    """A setting the emulator was handed cannot be used; the message names the variable and the value."""


def idle_seconds(environ: dict[str, str] | None = None) -> float:
    """How long an idle environment stays warm: LABKIT_LAMBDA_IDLE_S, else the emulator's default."""
    text = (environ if environ is not None else dict(os.environ)).get(IDLE_VARIABLE, "")
    try:
        return float(text) if text and float(text) > 0 else DEFAULT_IDLE_S
    except ValueError:
        return DEFAULT_IDLE_S


def warning_seconds() -> float:
    """The rehearsal's warning time: LABKIT_SPOT_WARNING_S when it is a number of seconds, else 10 s."""
    try:
        return float(os.environ.get(WARNING_VARIABLE, "") or REHEARSAL_WARNING_S)
    except ValueError:
        raise SettingError(
            f"{WARNING_VARIABLE}={os.environ[WARNING_VARIABLE]!r} is not a number of seconds"
        ) from None


def run_credentials(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(access key id, secret) of the run, as LocalAws hands them; an emulator without them does not start."""
    source = environ if environ is not None else dict(os.environ)
    key, secret = source.get(ACCESS_KEY_VARIABLE, ""), source.get(SECRET_VARIABLE, "")
    if not key or not secret:
        raise SettingError(
            f"{ACCESS_KEY_VARIABLE} and {SECRET_VARIABLE} are unset: the emulator accepts only the run's own "
            "credentials, which LocalAws (labkit emulator) hands it"
        )
    return key, secret


def price_file() -> Path | None:
    """The price file the emulator was handed, or None (then it knows no Spot or on-demand prices)."""
    text = os.environ.get(PRICES_VARIABLE, "")
    return Path(text) if text else None
