"""The emulator serves only its own clients: requests to localhost signed with its key or one it issued.

AWS refuses a request signed with an access key it does not know, a signature its secret did not make, an
expired session and an unsigned call, each family of services in its own form (AWS API reference, "Common
Errors"; Amazon S3 error responses; Amazon EC2 error codes):
- query services (STS, IAM, CloudFormation, Auto Scaling, SNS): InvalidClientTokenId (403) "The security token
  included in the request is invalid.", SignatureDoesNotMatch (403), ExpiredToken (403),
  MissingAuthenticationToken (403);
- JSON services (DynamoDB, Logs, SSM, Step Functions, EventBridge): UnrecognizedClientException (400),
  InvalidSignatureException, ExpiredTokenException, MissingAuthenticationTokenException; REST JSON services
  (Lambda, Scheduler, FIS) the same codes with 403;
- S3: InvalidAccessKeyId (403) "The AWS Access Key Id you provided does not exist in our records.",
  SignatureDoesNotMatch (403), ExpiredToken (400), InvalidToken (400), AccessDenied (403) when unsigned;
- EC2: AuthFailure (401) "AWS was not able to validate the provided access credentials".
Beyond AWS, as a loopback server for one user's shells: a Host other than localhost (a web page's DNS
rebinding) is refused, and no answer carries CORS headers (moto's server sends them for any origin unless
MOTO_DISABLE_GLOBAL_CORS), so no web page can read the emulator, nor reach it unsigned. The emulator's own
calls (/_labkit/, moto's /moto-api/) need the same signature; a URL the emulator hands out (a custom
resource's response URL) carries an HMAC of its own, as a pre-signed S3 URL carries its signature.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from local_aws.sigv4 import (
    RawRequest,
    credential_of,
    session_token_v2,
    signature_matches,
    signature_v2_matches,
    signed_by,
)

StartResponse = Callable[..., Any]
# the emulator's own signature on a URL it hands out
URL_SIGNATURE = "X-Labkit-Signature"
_ADMIN_PATHS = ("/_labkit/", "/moto-api")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_INVALID_TOKEN = "The security token included in the request is invalid."  # noqa: S105 - AWS's message
_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
_EXPIRED = "The security token included in the request is expired"
# (status, code, message) per service family and kind of refusal
_ANSWERS: dict[str, dict[str, tuple[int, str, str]]] = {
    "query": {
        "unknown": (403, "InvalidClientTokenId", _INVALID_TOKEN),
        "token": (403, "InvalidClientTokenId", _INVALID_TOKEN),
        "signature": (403, "SignatureDoesNotMatch", _BAD_SIGNATURE),
        "expired": (403, "ExpiredToken", _EXPIRED),
        "missing": (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
    },
    "json": {
        "unknown": (400, "UnrecognizedClientException", _INVALID_TOKEN),
        "token": (400, "UnrecognizedClientException", _INVALID_TOKEN),
        "signature": (400, "InvalidSignatureException", _BAD_SIGNATURE),
        "expired": (400, "ExpiredTokenException", _EXPIRED),
        "missing": (400, "MissingAuthenticationTokenException", "Missing Authentication Token"),
    },
    "s3": {
        "unknown": (
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        "token": (400, "InvalidToken", "The provided token is malformed or otherwise invalid."),
        "signature": (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key "
            "and signing method.",
        ),
        "expired": (400, "ExpiredToken", "The provided token has expired."),
        "missing": (403, "AccessDenied", "Access Denied"),
    },
}
_ANSWERS["rest"] = {kind: (403, code, message) for kind, (_, code, message) in _ANSWERS["json"].items()}
_EC2 = (401, "AuthFailure", "AWS was not able to validate the provided access credentials")


@dataclass(frozen=True)
class IssuedKey:
    """The secret behind an access key the emulator issued, its session token ("" for a long-term key) and
    when it expires (None: never)."""

    secret_access_key: str
    session_token: str = ""
    expiration: datetime | None = None


def url_signature(secret: str, path_and_query: str) -> str:
    """The HMAC that makes a URL the emulator hands out valid without a SigV4 signature."""
    return hmac.new(secret.encode(), path_and_query.encode(), hashlib.sha256).hexdigest()


def presign(url: str, secret: str) -> str:
    """`url` with the emulator's own signature appended: only whoever was handed it can call it."""
    parts = urlsplit(url)
    path_and_query = f"{parts.path}?{parts.query}" if parts.query else parts.path
    joiner = "&" if parts.query else "?"
    return f"{url}{joiner}{URL_SIGNATURE}={url_signature(secret, path_and_query)}"


def _family(raw: RawRequest, service: str) -> str:
    if raw.path.startswith(_ADMIN_PATHS):
        return "admin"
    if service in {"s3", "ec2"}:
        return service
    if "x-amz-target" in raw.headers:
        return "json"
    form = raw.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    return "query" if form or "Action=" in raw.query else "rest"


def _answer(start_response: StartResponse, family: str, kind: str, service: str, key: str) -> Iterable[bytes]:
    request_id = str(uuid.uuid4())
    if family == "admin":
        status, code = 403, "AccessDenied"
        message = "the emulator's own calls need a request signed with the run's credentials (its exports)"
    elif family == "ec2":
        status, code, message = _EC2
    else:
        status, code, message = _ANSWERS[family][kind]
    headers: list[tuple[str, str]] = [("x-amzn-RequestId", request_id)]
    if family in {"s3", "ec2", "query"}:
        error = f"<Code>{code}</Code><Message>{escape(message)}</Message>"
        if family == "s3":
            extra = f"<AWSAccessKeyId>{escape(key)}</AWSAccessKeyId>" if kind == "unknown" else ""
            body = f"<Error>{error}{extra}<RequestId>{request_id}</RequestId></Error>"
        elif family == "ec2":
            errors = f"<Errors><Error>{error}</Error></Errors>"
            body = f"<Response>{errors}<RequestID>{request_id}</RequestID></Response>"
        else:
            namespace = f"https://{service or 'sts'}.amazonaws.com/doc/"
            body = (
                f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>{error}</Error>'
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        data = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'.encode()
        headers.append(("Content-Type", "application/xml"))
    else:
        document = {"__type": code, "message": message} if family == "json" else {"message": message}
        data = json.dumps(document).encode()
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", f"{code}:")]
    reasons = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}
    start_response(f"{status} {reasons[status]}", [*headers, ("Content-Length", str(len(data)))])
    return [data]


def _raw_request(environ: dict[str, Any]) -> RawRequest:
    target = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/"))
    path, _, query = target.partition("?")
    if "://" in path:  # an absolute request-target (a proxy's form)
        path = urlsplit(path).path
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "content-type"), ("CONTENT_LENGTH", "content-length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return RawRequest(str(environ.get("REQUEST_METHOD", "GET")), path, query, headers, b"")


def _with_body(environ: dict[str, Any], raw: RawRequest) -> RawRequest:
    """The request with its body, which stays readable for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    body = stream.read() if environ.get("wsgi.input_terminated") else stream.read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return RawRequest(raw.method, raw.path, raw.query, raw.headers, body)


def _without_cors(start_response: StartResponse) -> StartResponse:
    def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
        kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        return start_response(status, kept, *args)

    return start


class AccessGate:
    """WSGI middleware in front of everything the emulator serves: only its own clients get through."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        *,
        access_key_id: str,
        secret_access_key: str,
        issued: Callable[[str], IssuedKey | None],
    ) -> None:
        self.app = app
        self._own = (access_key_id, IssuedKey(secret_access_key))
        self._issued = issued

    def _key(self, access_key_id: str) -> IssuedKey | None:
        return self._own[1] if access_key_id == self._own[0] else self._issued(access_key_id)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST", "")).rsplit(":", 1)[0].strip("[]").lower()
        if host not in _LOCAL_HOSTS and not host.endswith(".localhost"):
            data = json.dumps(
                {"message": "the emulator answers only requests to localhost or 127.0.0.1"}
            ).encode()
            start_response(
                "403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
            )
            return [data]
        raw = _raw_request(environ)
        refusal = self._refusal(environ, raw)
        if refusal is not None:
            family, kind, service, key = refusal
            return _answer(start_response, family, kind, service, key)
        return self.app(environ, _without_cors(start_response))

    def _refusal(self, environ: dict[str, Any], raw: RawRequest) -> tuple[str, str, str, str] | None:
        """(family, kind, service, key) of why the request is refused, or None to let it through."""
        signed = signed_by(raw)
        if signed is None:  # S3's Signature Version 2 (boto3's pre-signed URLs), or no signature at all
            key = credential_of(raw)
            if not key:
                return None if self._handed_out(raw) else (_family(raw, ""), "missing", "", "")
            kind = self._key_problem(key, session_token_v2(raw))
            issued = self._key(key)
            if not kind and (issued is None or not signature_v2_matches(raw, issued.secret_access_key)):
                kind = "signature"
            return ("s3", kind, "s3", key) if kind else None
        kind = self._key_problem(signed.access_key_id, signed.session_token)
        if not kind:
            issued = self._key(signed.access_key_id)
            needs_body = signed.presigned or "x-amz-content-sha256" not in raw.headers
            checked = _with_body(environ, raw) if needs_body else raw
            if issued is None or not signature_matches(checked, signed, issued.secret_access_key):
                kind = "signature"
        return (_family(raw, signed.service), kind, signed.service, signed.access_key_id) if kind else None

    def _key_problem(self, access_key_id: str, session_token: str) -> str:
        """Why a key cannot sign here: "unknown", "token" (not its session's), "expired"; "" when it can."""
        issued = self._key(access_key_id)
        if issued is None:
            return "unknown"
        if session_token != issued.session_token:
            return "token"
        now = datetime.now(UTC).replace(tzinfo=None)  # moto keeps naive UTC times
        if issued.expiration is not None and issued.expiration.replace(tzinfo=None) < now:
            return "expired"
        return ""

    def _handed_out(self, raw: RawRequest) -> bool:
        """A URL the emulator itself handed out, unchanged: its own signature over its path and query."""
        marker = f"{URL_SIGNATURE}="
        query, _, signature = raw.query.rpartition(marker)
        if not signature:
            return False
        query = query.removesuffix("&").removesuffix("?")
        path_and_query = f"{raw.path}?{query}" if query else raw.path
        expected = url_signature(self._own[1].secret_access_key, path_and_query)
        return hmac.compare_digest(expected, signature)
