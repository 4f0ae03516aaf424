"""Issue 29: the emulator serves only its own clients (local_aws/access.py).

A request signed with another key is refused as AWS refuses an unknown key, in each service family's form;
a wrong secret is a signature mismatch; the keys the emulator issues (AssumeRole, an IAM user's access key)
keep working; its own calls and moto's need the signature too; no answer carries CORS headers; a Host other
than localhost is refused; a URL it hands out (a custom resource's response URL) works only as handed out.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_aws.client import LocalAws
from local_aws.sessions import EmulatorCredentials

pytestmark = pytest.mark.emulator
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
# a call of each service family the labs use, as AWS answers one signed with a key it does not know
UNKNOWN_KEY = {
    "sts": (lambda c: c.get_caller_identity(), 403, "InvalidClientTokenId"),
    "cloudformation": (lambda c: c.list_stacks(), 403, "InvalidClientTokenId"),
    "dynamodb": (lambda c: c.list_tables(), 400, "UnrecognizedClientException"),
    "logs": (lambda c: c.describe_log_groups(), 400, "UnrecognizedClientException"),
    "lambda": (lambda c: c.list_functions(), 403, "UnrecognizedClientException"),
    "s3": (lambda c: c.list_buckets(), 403, "InvalidAccessKeyId"),
    "ec2": (lambda c: c.describe_vpcs(), 401, "AuthFailure"),
}


def _client(aws: LocalAws, service: str, key: str, secret: str, token: str | None = None) -> Any:
    session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
    return session.client(service, endpoint_url=aws.endpoint, region_name=aws.region)


def _refusal(call: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as refused:
        call()
    return refused.value.response["ResponseMetadata"]["HTTPStatusCode"], refused.value.response["Error"][
        "Code"
    ]


def _http(
    aws: LocalAws, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(f"{aws.endpoint}{path}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers)


@pytest.mark.parametrize("service", sorted(UNKNOWN_KEY))
def test_a_request_signed_with_another_key_is_refused_as_aws_refuses_an_unknown_key(
    local_aws: LocalAws, service: str
) -> None:
    call, status, code = UNKNOWN_KEY[service]
    other = EmulatorCredentials.generate()

    refused = _refusal(
        lambda: call(_client(local_aws, service, other.access_key_id, other.secret_access_key))
    )
    accepted = call(local_aws.session().client(service))

    assert refused == (status, code)
    assert accepted["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_run_s_key_with_another_secret_is_a_signature_mismatch(local_aws: LocalAws) -> None:
    key = local_aws.credentials.access_key_id

    query = _refusal(lambda: _client(local_aws, "sts", key, "not-the-secret").get_caller_identity())
    json_api = _refusal(lambda: _client(local_aws, "dynamodb", key, "not-the-secret").list_tables())
    s3 = _refusal(lambda: _client(local_aws, "s3", key, "not-the-secret").list_buckets())

    assert query == (403, "SignatureDoesNotMatch")
    assert json_api == (400, "InvalidSignatureException")
    assert s3 == (403, "SignatureDoesNotMatch")


def test_keys_the_emulator_issues_keep_working_and_only_with_their_own_session_token(
    session: boto3.Session, local_aws: LocalAws
) -> None:
    iam = session.client("iam")
    role = iam.create_role(RoleName="AccessTestRole", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    assumed = session.client("sts").assume_role(RoleArn=role, RoleSessionName="learner")["Credentials"]
    iam.create_user(UserName="access-test-user")
    user_key = iam.create_access_key(UserName="access-test-user")["AccessKey"]
    key, secret, token = assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"]

    as_role = _client(local_aws, "sts", key, secret, token).get_caller_identity()["Arn"]
    as_user = _client(
        local_aws, "sts", user_key["AccessKeyId"], user_key["SecretAccessKey"]
    ).get_caller_identity()
    without_token = _refusal(lambda: _client(local_aws, "sts", key, secret).get_caller_identity())
    other_token = _refusal(lambda: _client(local_aws, "s3", key, secret, "forged").list_buckets())

    assert as_role.endswith(":assumed-role/AccessTestRole/learner")
    assert as_user["Arn"].endswith(":user/access-test-user")
    assert without_token == (403, "InvalidClientTokenId")
    assert other_token == (400, "InvalidToken")


def test_the_emulator_s_own_calls_and_moto_s_need_the_signature(local_aws: LocalAws) -> None:
    from local_aws.admin_protocol import signed_request

    unsigned_admin, _ = _http(local_aws, "POST", "/_labkit/schedules/fire")
    unsigned_config, _ = _http(local_aws, "GET", "/moto-api/config")
    unsigned_reset, _ = _http(local_aws, "POST", "/moto-api/reset")
    other = EmulatorCredentials.generate()
    forged = signed_request("GET", f"{local_aws.endpoint}/moto-api/config", credentials=other)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=10)
    signed = signed_request("GET", f"{local_aws.endpoint}/moto-api/config", credentials=local_aws.credentials)
    with urllib.request.urlopen(signed, timeout=10) as answer:
        config = json.load(answer)

    assert (unsigned_admin, unsigned_config, unsigned_reset) == (403, 403, 403)
    assert refused.value.code == 403
    assert config["lambda"]["use_docker"] is False  # the signed call got through, and the reset did not run


def test_a_cross_origin_preflight_and_a_cross_origin_call_get_no_cors_headers(local_aws: LocalAws) -> None:
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }

    status, headers = _http(local_aws, "OPTIONS", "/", preflight)
    client = local_aws.session().client("sts")
    client.meta.events.register(
        "before-sign.sts.*", lambda request, **_: request.headers.add_header("Origin", "https://evil.example")
    )
    answered = client.get_caller_identity()["ResponseMetadata"]["HTTPHeaders"]

    assert status == 403
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    assert not [name for name in answered if name.lower().startswith("access-control-")]


def test_a_host_other_than_localhost_is_refused(local_aws: LocalAws) -> None:
    """A web page that points its own name at 127.0.0.1 (DNS rebinding) sends its name as the Host."""
    rebinding, _ = _http(local_aws, "GET", "/", {"Host": f"attacker.example:{local_aws.port}"})
    by_ip = local_aws.session().client("sts", endpoint_url=f"http://127.0.0.1:{local_aws.port}")

    assert rebinding == 403
    assert by_ip.get_caller_identity()["Account"] == local_aws.account_id
    assert local_aws.session().client("sts").get_caller_identity()["Account"] == local_aws.account_id


def test_pre_signed_s3_urls_work_as_handed_out_and_not_once_changed(session: boto3.Session) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="access-presigned")
    s3.put_object(Bucket="access-presigned", Key="a b/c+d.txt", Body=b"hello")
    v2 = s3.generate_presigned_url("get_object", Params={"Bucket": "access-presigned", "Key": "a b/c+d.txt"})
    v4 = session.client("s3", config=boto3.session.Config(signature_version="s3v4")).generate_presigned_url(
        "get_object", Params={"Bucket": "access-presigned", "Key": "a b/c+d.txt"}
    )

    read = [urllib.request.urlopen(url, timeout=10).read() for url in (v2, v4)]
    with pytest.raises(urllib.error.HTTPError) as changed:
        urllib.request.urlopen(v4.replace("c%2Bd", "other"), timeout=10)

    assert read == [b"hello", b"hello"]
    assert changed.value.code == 403


def test_a_custom_resource_s_response_url_is_refused_unless_as_handed_out(local_aws: LocalAws) -> None:
    stack = "arn%3Aaws%3Acloudformation%3Aus-east-1%3A1%3Astack%2Fs%2F1"
    path = f"/cloudformation_us-east-1/cfnresponse?stack={stack}"
    forged = f"{path}&X-Labkit-Signature={'0' * 64}"

    unsigned, _ = _http(local_aws, "PUT", path)
    wrong, _ = _http(local_aws, "PUT", forged)

    assert (unsigned, wrong) == (403, 403)


def test_accepts_keys_takes_the_run_s_key_and_one_it_issued_and_refuses_another(
    session: boto3.Session, local_aws: LocalAws
) -> None:
    from local_aws.client import accepts_keys

    run = local_aws.credentials
    iam = session.client("iam")
    role = iam.create_role(RoleName="AcceptsKeysRole", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    issued = session.client("sts").assume_role(RoleArn=role, RoleSessionName="learner")["Credentials"]

    assert accepts_keys(local_aws.endpoint, run.access_key_id, run.secret_access_key)
    assert accepts_keys(
        local_aws.endpoint, issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]
    )
    assert not accepts_keys(local_aws.endpoint, "AKIAEARLIERRUN000000", "an earlier run's secret")
