"""CDK-free facts of every LabFunction: the ids of its parts, which checks use to find them."""

from __future__ import annotations

# the lambda_.Function inside a LabFunction
FUNCTION_ID = "Function"
