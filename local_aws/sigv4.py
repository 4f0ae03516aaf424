"""AWS signatures on the server's side: whose key signed a request, and whether its secret did.

What AWS documents ("Create a signed AWS API request", IAM user guide; Amazon S3's "Authenticating Requests:
Using the Authorization Header" and "...Query Parameters"): the signature is an HMAC-SHA256 chain from the
secret over the date, region, service and `aws4_request`, applied to a string to sign that holds the hash of
the canonical request: method, canonical URI, canonical query string, canonical headers (the signed ones,
lower-case, values trimmed), the signed header names, and the payload's hash (S3 sends it in
x-amz-content-sha256; UNSIGNED-PAYLOAD for a pre-signed URL). Every service but S3 encodes the URI path once
more; S3 signs it as sent. S3 still takes Signature Version 2 (HMAC-SHA1 over the method, Content-MD5,
Content-Type, the date or `Expires`, the x-amz-* headers and the path with its sub-resources), which boto3
uses for the URLs it pre-signs. Pure functions over a request's raw parts: no moto, no botocore.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED = "UNSIGNED-PAYLOAD"
_QUERY_SIGNATURE = "X-Amz-Signature"
# the query parameters a Signature Version 2 string to sign keeps (S3's sub-resources)
_SUBRESOURCES = frozenset(
    [
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "location",
        "logging",
        "partNumber",
        "policy",
        "requestPayment",
        "torrent",
        "versioning",
        "versionId",
        "versions",
        "website",
        "uploads",
        "uploadId",
        "response-content-type",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "delete",
        "lifecycle",
        "tagging",
        "restore",
        "storageClass",
        "notification",
        "replication",
        "analytics",
        "metrics",
        "inventory",
        "select",
        "select-type",
        "object-lock",
    ]
)


@dataclass(frozen=True)
class Signed:
    """What a request says about its signature: the key, its scope, what it signed and the signature."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    # X-Amz-Date (the header, or the query parameter of a pre-signed URL)
    amz_date: str
    # the session token sent beside it (temporary credentials), "" when none
    session_token: str
    presigned: bool


@dataclass(frozen=True)
class RawRequest:
    """The parts of an HTTP request a signature covers, as they came over the wire."""

    method: str
    # the path as sent, still percent-encoded, and the query string after "?"
    path: str
    query: str
    # lower-case header name -> value
    headers: Mapping[str, str]
    body: bytes


def _pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def _signed(credential: str, values: Mapping[str, str], *, presigned: bool) -> Signed | None:
    """A Signed from a Credential (key/date/region/service/aws4_request) and the other fields by name."""
    key, date, region, service, terminal = ([*credential.split("/"), "", "", "", "", ""])[:5]
    if not (key and terminal == "aws4_request"):
        return None
    return Signed(
        key,
        date,
        region,
        service,
        tuple(values.get("signed_headers", "").split(";")),
        values.get("signature", ""),
        values.get("amz_date", ""),
        values.get("token", ""),
        presigned=presigned,
    )


def signed_by(request: RawRequest) -> Signed | None:
    """The signature a request carries (Authorization header or pre-signed query), None when unsigned."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith(f"{ALGORITHM} "):
        fields = dict(
            part.strip().split("=", 1) for part in authorization[len(ALGORITHM) :].split(",") if "=" in part
        )
        values = {
            "signed_headers": fields.get("SignedHeaders", ""),
            "signature": fields.get("Signature", ""),
            "amz_date": request.headers.get("x-amz-date", ""),
            "token": request.headers.get("x-amz-security-token", ""),
        }
        return _signed(fields.get("Credential", ""), values, presigned=False)
    query = dict(_pairs(request.query))
    if query.get("X-Amz-Algorithm") != ALGORITHM:
        return None
    values = {
        "signed_headers": query.get("X-Amz-SignedHeaders", ""),
        "signature": query.get(_QUERY_SIGNATURE, ""),
        "amz_date": query.get("X-Amz-Date", ""),
        "token": query.get("X-Amz-Security-Token", ""),
    }
    return _signed(query.get("X-Amz-Credential", ""), values, presigned=True)


def credential_of(request: RawRequest) -> str:
    """The access key id a request names, signed in any way AWS knows (SigV2 too), or "" when none."""
    signed = signed_by(request)
    if signed is not None:
        return signed.access_key_id
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("AWS ") and ":" in authorization:
        return authorization[4:].split(":", 1)[0].strip()
    return dict(_pairs(request.query)).get("AWSAccessKeyId", "")


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _canonical_query(query: str, *, presigned: bool) -> str:
    pairs = [(n, v) for n, v in _pairs(query) if not (presigned and n == _QUERY_SIGNATURE)]
    encoded = sorted((_encode(name), _encode(value)) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def _canonical_headers(request: RawRequest, names: tuple[str, ...]) -> str:
    return "".join(f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in names)


def _payload_hashes(request: RawRequest, signed: Signed) -> list[str]:
    sent = request.headers.get("x-amz-content-sha256", "")
    if sent:
        return [sent]
    body = hashlib.sha256(request.body).hexdigest()
    return [UNSIGNED, body] if signed.presigned else [body]


def _uris(path: str) -> list[str]:
    """The canonical URI as S3 signs it (the path as sent) and as every other service does (encoded again)."""
    path = path or "/"
    return list(dict.fromkeys([path, quote(path, safe="/~")]))


def _key(secret: str, signed: Signed) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (signed.date, signed.region, signed.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature_matches(request: RawRequest, signed: Signed, secret: str) -> bool:
    """Did the holder of `secret` sign this request (any canonical form a conforming client may use)?"""
    scope = f"{signed.date}/{signed.region}/{signed.service}/aws4_request"
    query = _canonical_query(request.query, presigned=signed.presigned)
    headers = _canonical_headers(request, signed.signed_headers)
    names = ";".join(signed.signed_headers)
    key = _key(secret, signed)
    for uri in _uris(request.path):
        for payload in _payload_hashes(request, signed):
            canonical = "\n".join([request.method, uri, query, headers, names, payload])
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            to_sign = f"{ALGORITHM}\n{signed.amz_date}\n{scope}\n{digest}"
            computed = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(computed, signed.signature):
                return True
    return False


def session_token_v2(request: RawRequest) -> str:
    """The session token beside a Signature Version 2 (a header, or the pre-signed URL's parameter)."""
    return request.headers.get("x-amz-security-token", "") or dict(_pairs(request.query)).get(
        "x-amz-security-token", ""
    )


def signature_v2_matches(request: RawRequest, secret: str) -> bool:
    """Did the holder of `secret` sign this S3 request with Signature Version 2 (header or query)?"""
    query = dict(_pairs(request.query))
    authorization = request.headers.get("authorization", "")
    if "Signature" in query:
        given, date = query["Signature"], query.get("Expires", "")
    elif authorization.startswith("AWS ") and ":" in authorization:
        given, date = authorization.rsplit(":", 1)[1], request.headers.get("date", "")
    else:
        return False
    amz = sorted(
        (name, value.strip()) for name, value in request.headers.items() if name.startswith("x-amz-")
    )
    kept = sorted((name, value) for name, value in _pairs(request.query) if name in _SUBRESOURCES)
    resource = request.path + ("?" + "&".join(f"{n}={v}" if v else n for n, v in kept) if kept else "")
    standard = [
        request.method,
        request.headers.get("content-md5", ""),
        request.headers.get("content-type", ""),
    ]
    to_sign = "\n".join([*standard, date]) + "\n" + "".join(f"{n}:{v}\n" for n, v in amz) + resource
    digest = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), given)
