"""Provisioned concurrency configurations, with the states and fields of Lambda's API.

PutProvisionedConcurrencyConfig answers at once with Status IN_PROGRESS; Lambda then starts the environments
and the status becomes READY (or FAILED with a StatusReason), as AWS's API reference for
PutProvisionedConcurrencyConfig / GetProvisionedConcurrencyConfig describes (Status: IN_PROGRESS | READY |
FAILED; Requested-, Available- and AllocatedProvisionedConcurrentExecutions; LastModified, ISO 8601).
A configuration belongs to an alias or a published version, never to $LATEST.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

IN_PROGRESS = "IN_PROGRESS"
READY = "READY"
FAILED = "FAILED"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


@dataclass
class ProvisionedConfig:
    """One alias's or version's provisioned concurrency."""

    # the function's ARN without a qualifier, and the alias name or version number
    function_arn: str
    qualifier: str
    requested: int
    allocated: int = 0
    status: str = IN_PROGRESS
    status_reason: str = ""
    last_modified: str = field(default_factory=_now)

    @property
    def key(self) -> str:
        return provisioned_key(self.function_arn, self.qualifier)

    def as_json(self) -> dict[str, Any]:
        """GetProvisionedConcurrencyConfig's answer."""
        answer: dict[str, Any] = {
            "RequestedProvisionedConcurrentExecutions": self.requested,
            "AvailableProvisionedConcurrentExecutions": self.allocated,
            "AllocatedProvisionedConcurrentExecutions": self.allocated,
            "Status": self.status,
            "LastModified": self.last_modified,
        }
        if self.status_reason:
            answer["StatusReason"] = self.status_reason
        return answer

    def as_list_item(self) -> dict[str, Any]:
        """One item of ListProvisionedConcurrencyConfigs: the same, with the qualified FunctionArn."""
        return {"FunctionArn": self.key, **self.as_json()}


def provisioned_key(function_arn: str, qualifier: str) -> str:
    """`arn:aws:lambda:...:function:name:live`: the qualified ARN a configuration is kept under."""
    return f"{function_arn}:{qualifier}"


class ProvisionedConfigs:
    """The emulator's provisioned concurrency configurations, by qualified function ARN."""

    def __init__(self) -> None:
        self._configs: dict[str, ProvisionedConfig] = {}
        self._lock = threading.Lock()

    def put(self, function_arn: str, qualifier: str, requested: int) -> ProvisionedConfig:
        """Record the provisioned concurrency requested for a function's qualifier."""
        config = ProvisionedConfig(function_arn=function_arn, qualifier=qualifier, requested=requested)
        with self._lock:
            self._configs[config.key] = config
        return config

    def get(self, function_arn: str, qualifier: str) -> ProvisionedConfig | None:
        """The provisioned concurrency of a function's qualifier, or None."""
        with self._lock:
            return self._configs.get(provisioned_key(function_arn, qualifier))

    def delete(self, function_arn: str, qualifier: str) -> ProvisionedConfig | None:
        """Forget a qualifier's provisioned concurrency; what it was, or None."""
        with self._lock:
            return self._configs.pop(provisioned_key(function_arn, qualifier), None)

    def of_function(self, function_arn: str) -> list[ProvisionedConfig]:
        """Every provisioned concurrency configuration of one function."""
        with self._lock:
            return [config for config in self._configs.values() if config.function_arn == function_arn]
