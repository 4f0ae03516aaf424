"""The child of LabBatch's array job, without boto3: its Signature Version 4 signs a request exactly as
botocore does, it finds the job role's credentials where Fargate puts them, and it summarizes its input."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from array_child import child

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 10, 30, 0, tzinfo=UTC)
CREDS = child.Credentials("ASIAEXAMPLE", "secret/key+example", "token-123")


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "https://lab-bucket.s3.us-east-1.amazonaws.com/inputs/part-0003.csv", b""),
        ("PUT", "https://lab-bucket.s3.us-east-1.amazonaws.com/results/part-0003.csv", b"region,orders\n"),
        ("PUT", "http://localhost:4566/lab-bucket/results/a%20b.csv", b"x"),
    ],
)
def test_the_signature_is_the_one_botocore_computes(
    method: str, url: str, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = child.sign(method, url, body=body, region="us-east-1", creds=CREDS, now=NOW)

    # botocore signs at its own clock: the same moment as ours
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    request = AWSRequest(method=method, url=url, data=body)
    request.headers["X-Amz-Content-SHA256"] = ours["x-amz-content-sha256"]
    signer = S3SigV4Auth(
        BotocoreCredentials(CREDS.access_key, CREDS.secret_key, CREDS.token), "s3", "us-east-1"
    )
    signer.add_auth(request)

    assert ours["Authorization"] == request.headers["Authorization"]
    assert ours["x-amz-security-token"] == "token-123"


def test_credentials_from_the_environment_first() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T"}
    assert child.credentials(environ) == child.Credentials("A", "S", "T")


@pytest.fixture
def credentials_endpoint() -> Iterator[str]:
    """A stand-in for Fargate's container credentials endpoint on this machine."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("Authorization") != "let-me-in":
                self.send_response(401)
                self.end_headers()
                return
            body = json.dumps({"AccessKeyId": "K", "SecretAccessKey": "S", "Token": "T", "Expiration": "x"})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v2/credentials/abc"
    finally:
        server.shutdown()
        server.server_close()


def test_credentials_from_the_container_endpoint_with_its_token(credentials_endpoint: str) -> None:
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": credentials_endpoint,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "let-me-in",
    }
    assert child.credentials(environ) == child.Credentials("K", "S", "T")


def test_without_a_job_role_there_are_no_credentials() -> None:
    with pytest.raises(RuntimeError, match="no job role"):
        child.credentials({})


def test_the_object_url_is_the_sdks_endpoint_when_set_else_the_buckets_own() -> None:
    assert (
        child.object_url({}, "b", "inputs/p.csv", "eu-west-1")
        == "https://b.s3.eu-west-1.amazonaws.com/inputs/p.csv"
    )
    endpoint = {"AWS_ENDPOINT_URL": "http://localhost:5000/"}
    assert (
        child.object_url(endpoint, "b", "inputs/p.csv", "eu-west-1") == "http://localhost:5000/b/inputs/p.csv"
    )
    assert (
        child.object_url({**endpoint, "AWS_ENDPOINT_URL_S3": "http://s3:9"}, "b", "k", "r")
        == "http://s3:9/b/k"
    )


def test_the_summary_counts_orders_and_cents_per_region() -> None:
    text = "orderId,region,amountCents\no-1,eu,100\no-2,us,5\no-3,eu,20\n"
    rows = child.summarize(text)
    assert rows == [
        {"region": "eu", "orders": 2, "amountCents": 120},
        {"region": "us", "orders": 1, "amountCents": 5},
    ]
    assert child.result_csv(rows) == "region,orders,amountCents\neu,2,120\nus,1,5\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a,b,c\n1,2,3\n", "expected the columns"),
        ("orderId,region,amountCents\no-1,eu,lots\n", "line 2: amountCents 'lots' is not a whole number"),
    ],
)
def test_a_malformed_input_is_a_bad_input(text: str, problem: str) -> None:
    with pytest.raises(child.BadInputError, match=problem):
        child.summarize(text)


def test_a_child_without_a_bucket_or_role_fails_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert child.main(["inputs/", "results/"], {"AWS_BATCH_JOB_ARRAY_INDEX": "4"}) == child.FAILED
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["event"] == "start"
    assert lines[0]["index"] == 4
    assert lines[-1]["event"] == "failed"
    assert "no job role" in lines[-1]["error"]
