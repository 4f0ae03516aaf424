"""Local AWS for rehearsing the labs offline: moto's server plus the kit's AWS parity fixes.

local_aws.py starts and stops the server (server.py, the only process where parity/ patches moto);
parity/ holds one module of fixes per AWS service; lambda_runtime/ runs a function's deployed code in a
process of its own, as the Lambda service would; command.py is `labkit emulator`. Importing this package
imports neither moto nor boto3.
"""

from __future__ import annotations

from labs.emulator.local_aws import ACCOUNT_ID, REGION, EmulatorError, LocalAws

__all__ = ["ACCOUNT_ID", "REGION", "EmulatorError", "LocalAws"]
