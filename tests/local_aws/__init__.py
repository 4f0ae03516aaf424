"""Helpers the emulator tests share: whether an emulator answers, and the endpoint an export line names."""

from __future__ import annotations

import urllib.error
import urllib.request


def answers(endpoint: str) -> bool:
    """Does the emulator answer at all (it refuses an unsigned call: a refusal is an answer)?"""
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/config", timeout=2) as response:
            return bool(response.status < 500)
    except urllib.error.HTTPError as refused:
        return refused.code < 500
    except (urllib.error.URLError, OSError):
        return False


def aws_endpoint(exports: str) -> str:
    line = next(line for line in exports.splitlines() if line.startswith("export AWS_ENDPOINT_URL="))
    return line.split("=", 1)[1]
