"""The filter function's environment and the tag it reads, declared once: the stack sets them, the handler
and the check read them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# Auto Scaling tags each instance it launches with its group's name (Auto Scaling user guide: tagging)
GROUP_NAME_TAG = "aws:autoscaling:groupName"
# the Auto Scaling group whose instances' events go on, and the log group they go to
GROUP_VARIABLE = "GROUP_NAME"
LOG_GROUP_VARIABLE = "LOG_GROUP"


@dataclass(frozen=True)
class FilterEnvironment:
    """Which group's events the function keeps, and where it writes them."""

    group_name: str
    log_group: str

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> FilterEnvironment:
        """The function's settings from its environment; KeyError names a variable the stack did not set."""
        values = os.environ if environ is None else environ
        return cls(group_name=values[GROUP_VARIABLE], log_group=values[LOG_GROUP_VARIABLE])

    def as_variables(self) -> dict[str, str]:
        """The settings as the function's environment variables."""
        return {GROUP_VARIABLE: self.group_name, LOG_GROUP_VARIABLE: self.log_group}
