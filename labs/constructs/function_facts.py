"""CDK-free facts of every LabFunction: the ids of its parts, which checks use to find them, and the code
folders the functions deploy, which `labkit watch` packages as the deploy does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# the lambda_.Function inside a LabFunction
FUNCTION_ID = "Function"
# the kit's Lambda code: one folder whose packages the runtime imports (csv_writer, bucket_cleaner, coldstart)
LAMBDA_SRC = Path(__file__).resolve().parents[2] / "lambda_src"
# what never goes into a function's package (CDK's glob patterns, matched against each path and its name)
ASSET_EXCLUDES = ("**/__pycache__", "**/*.pyc", "**/.pytest_cache")


@dataclass(frozen=True)
class CodeSource:
    """A function's code as the deploy packages it: a folder, less what matches `exclude`."""

    folder: Path
    exclude: tuple[str, ...] = ASSET_EXCLUDES


# the asset every kit function deploys unless its lab says otherwise
KIT_CODE = CodeSource(LAMBDA_SRC)
