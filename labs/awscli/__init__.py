"""The kit's `aws` (scripts/aws, installed as .venv/bin/aws): every output a lab prints runs as pasted.

The AWS CLI v1 from PyPI (pinned: v2 is not on PyPI), with `aws logs tail` added as v2 has it. Pointed at
the emulator (LABKIT_EMULATOR=1), every call goes to its endpoint; elsewhere, when the machine has an AWS
CLI of its own on PATH (v2 for `aws sso login`), the launcher hands over to it.
"""
