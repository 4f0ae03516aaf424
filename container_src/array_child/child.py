"""One child of the Batch lab's array job: read input i from the lab's bucket, write one result for it.

The job definition runs it as `python3 -c <this file> <input prefix> <result prefix>` in the public image
python:3.13-slim, whose Python has no boto3: S3 is called over HTTPS with requests signed here (Signature
Version 4, AWS General Reference), with the job role's credentials from the container's credentials endpoint.
Only the standard library, so nothing is installed when a child starts.

    AWS_BATCH_JOB_ARRAY_INDEX  which child this is (AWS Batch sets it for each child of an array job)
    BUCKET_NAME                the lab's bucket (the job definition's environment)

Exit codes: 0 the result is written; 2 the input is missing or not the expected CSV (a retry cannot fix it,
so the retry strategy exits); 1 anything else, such as an S3 or network error (retried once).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

BAD_INPUT = 2
FAILED = 1
INPUT_COLUMNS = ("orderId", "region", "amountCents")
RESULT_COLUMNS = ("region", "orders", "amountCents")
# the ECS container credentials endpoint, which Fargate serves to every task with a role
CREDENTIALS_HOST = "http://169.254.170.2"
TIMEOUT_S = 20


class BadInputError(ValueError):
    """The input is missing or not the expected CSV."""


@dataclass(frozen=True)
class Credentials:
    """Temporary credentials of the job role (or any AWS credentials)."""

    access_key: str
    secret_key: str
    token: str = ""


def credentials(environ: Mapping[str, str]) -> Credentials:
    """The job role's credentials: from the environment when set, else from the container's endpoint."""
    if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        return Credentials(
            environ["AWS_ACCESS_KEY_ID"],
            environ["AWS_SECRET_ACCESS_KEY"],
            environ.get("AWS_SESSION_TOKEN", ""),
        )
    url = environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or (
        CREDENTIALS_HOST + environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
    )
    if url == CREDENTIALS_HOST:
        raise RuntimeError("no credentials: the job definition names no job role")
    headers = {}
    if environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"):
        headers["Authorization"] = environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    found = json.loads(_open(url, headers=headers))
    return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found.get("Token", ""))


def _open(url: str, *, headers: dict[str, str], method: str = "GET", body: bytes | None = None) -> bytes:
    """The answer's body to an HTTP(S) request; no other scheme is opened."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an HTTP(S) URL: {url}")
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - as above
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310 - checked just above
        data: bytes = answer.read()
    return data


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(
    method: str, url: str, *, body: bytes, region: str, creds: Credentials, now: datetime
) -> dict[str, str]:
    """The headers that sign an S3 request (no query string) with Signature Version 4, its payload hashed."""
    parts = urllib.parse.urlsplit(url)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": parts.netloc, "x-amz-content-sha256": payload, "x-amz-date": stamp}
    if creds.token:
        headers["x-amz-security-token"] = creds.token
    names = ";".join(sorted(headers))
    lines = "".join(f"{name}:{headers[name].strip()}\n" for name in sorted(headers))
    # S3 signs the path as sent (each segment encoded once, by object_url)
    canonical = f"{method}\n{parts.path or '/'}\n\n{lines}\n{names}\n{payload}"
    scope = f"{stamp[:8]}/{region}/s3/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    key = _hmac(
        _hmac(_hmac(_hmac(f"AWS4{creds.secret_key}".encode(), stamp[:8]), region), "s3"), "aws4_request"
    )
    signature = hmac.new(key, f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{digest}".encode(), hashlib.sha256)
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={creds.access_key}/{scope}, SignedHeaders={names}, "
        f"Signature={signature.hexdigest()}"
    )
    return headers


def object_url(environ: Mapping[str, str], bucket: str, key: str, region: str) -> str:
    """Where an object is: the endpoint an SDK would use (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, path
    style), else the bucket's regional virtual-hosted address."""
    path = urllib.parse.quote(key, safe="/-_.~")
    endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}/{path}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{path}"


def s3_call(method: str, url: str, *, region: str, creds: Credentials, body: bytes = b"") -> bytes:
    """One signed S3 request; its answer's body. An HTTP error raises urllib.error.HTTPError."""
    headers = sign(method, url, body=body, region=region, creds=creds, now=datetime.now(UTC))
    if method == "PUT":
        # urllib would send a form's content type, and a server may read the body as a form
        headers["Content-Type"] = "text/csv"
    return _open(url, headers=headers, method=method, body=body if method == "PUT" else None)


def summarize(text: str) -> list[dict[str, int | str]]:
    """The input's orders per region: one row per region (sorted), with the number of orders and their sum."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != INPUT_COLUMNS:
        raise BadInputError(f"expected the columns {','.join(INPUT_COLUMNS)}, got {reader.fieldnames}")
    totals: dict[str, list[int]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            cents = int(row["amountCents"])
        except (TypeError, ValueError):
            raise BadInputError(
                f"line {line}: amountCents {row['amountCents']!r} is not a whole number"
            ) from None
        region = totals.setdefault(row["region"], [0, 0])
        region[0] += 1
        region[1] += cents
    return [
        {"region": name, "orders": n, "amountCents": cents} for name, (n, cents) in sorted(totals.items())
    ]


def result_csv(rows: list[dict[str, int | str]]) -> str:
    """The result file's text: a header and one row per region."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESULT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def log(**fields: object) -> None:
    """One JSON line on stdout: the awslogs driver sends it to the job's log stream."""
    print(json.dumps(fields), flush=True)


def main(argv: list[str], environ: Mapping[str, str]) -> int:
    """Read input `AWS_BATCH_JOB_ARRAY_INDEX`, write its result; the exit code (0, 1 or 2, see above)."""
    index = int(environ.get("AWS_BATCH_JOB_ARRAY_INDEX", "0"))
    inputs = argv[0] if argv else "inputs/"
    results = argv[1] if len(argv) > 1 else "results/"
    bucket = environ.get("BUCKET_NAME", "")
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    source, target = f"{inputs}part-{index:04d}.csv", f"{results}part-{index:04d}.csv"
    attempt = environ.get("AWS_BATCH_JOB_ATTEMPT", "1")
    log(event="start", index=index, attempt=attempt, input=f"s3://{bucket}/{source}")
    try:
        creds = credentials(environ)
        try:
            text = s3_call("GET", object_url(environ, bucket, source, region), region=region, creds=creds)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise BadInputError(f"s3://{bucket}/{source} does not exist") from None
            raise
        rows = summarize(text.decode("utf-8"))
        body = result_csv(rows).encode("utf-8")
        url = object_url(environ, bucket, target, region)
        s3_call("PUT", url, region=region, creds=creds, body=body)
    except BadInputError as error:
        log(event="bad input", index=index, error=str(error), exit=BAD_INPUT)
        return BAD_INPUT
    except Exception as error:  # what a retry may fix: S3 throttling, the network, the credentials endpoint
        log(event="failed", index=index, error=f"{type(error).__name__}: {error}", exit=FAILED)
        return FAILED
    orders = sum(int(row["orders"]) for row in rows)
    log(event="done", index=index, orders=orders, regions=len(rows), result=f"s3://{bucket}/{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
