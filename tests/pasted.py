"""An output's command as a learner pastes it: run by bash, with a fake `aws` first on PATH.

The fake logs each call's arguments and answers the few calls the outputs chain, as the AWS CLI prints them
with `--output text`: so a test sees what the pasted line would ask AWS, and that bash runs it at all.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

FAKE_AWS = """#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ["AWS_CALLS"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[:2] == ["sqs", "receive-message"]:
    print(os.environ.get("FAKE_BODY", "None"))
elif args[:2] == ["dynamodbstreams", "get-shard-iterator"]:
    print("ITERATOR-1")
elif args[:2] == ["dynamodbstreams", "get-records"]:
    print('{"Records": [{"eventName": "INSERT"}]}')
"""


def run_pasted(
    command: str, directory: Path, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """`command` run by bash with the fake `aws`; what it printed and the aws calls it made, in order."""
    fake = directory / "aws"
    fake.write_text(FAKE_AWS)
    fake.chmod(0o755)
    calls = directory / "calls.jsonl"
    environ = {**os.environ, "PATH": f"{directory}:{os.environ['PATH']}", "AWS_CALLS": str(calls), **env}
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=environ, check=False)
    made = [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []
    return done, made
