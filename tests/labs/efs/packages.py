"""LabEfs's functions packaged as CDK packs them, for the tests that deploy the lab's template."""

from __future__ import annotations

import io
import zipfile

from labs.constructs.function_facts import LAMBDA_SRC


def functions_zip() -> bytes:
    """The functions' asset as CDK packs it: lambda_src/ at the zip's root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(LAMBDA_SRC.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                bundle.write(path, path.relative_to(LAMBDA_SRC).as_posix())
    return buffer.getvalue()
