"""Typed settings of the kit, parsed once from CDK context and the environment in app.py."""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from labs.cdk_json import cdk_json_context
from labs.handler_code import HandlerCodeError, handler_folder
from labs.shared_facts import LAB_TAG_KEYS, OWNER_UNSET, stack_name

DEFAULT_TTL_HOURS = 8.0
MAX_TTL_HOURS = 24.0 * 14
DEFAULT_PING_CIDR = "0.0.0.0/0"
# where `labkit exercise` writes a learner's starters (ignored by git in this repository)
DEFAULT_MY_LABS = Path("my-labs")

_OWNER = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$")
_ACCOUNT = re.compile(r"^\d{12}$")
# a zone name: its region (us-east-1, us-gov-west-1, ap-southeast-2) and a letter; not a zone id (use1-az4)
_ZONE = re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")


# the context keys the kit reads; CDK's own (`@aws-cdk/...` flags, `aws:cdk:...`) have a prefix or a colon
SETTING_KEYS = (
    "owner", "sandboxAccounts", "pingCidr", "ttlHours", "permissionsBoundary", "classTags",
    "availabilityZone", "handlerCode", "myLabs", "account",
    # the teacher-access stack's (labs/teacher_access/facts.py)
    "teacherPrincipals", "classExternalId", "teacherRoleName", "budgetUsdPerMonth", "budgetEmail",
)  # fmt: skip


class SettingsError(ValueError):
    """A context value the kit cannot use; the message names the key, the value and what is expected."""


class AccountNotAllowedError(SettingsError):
    """The target account is not one of the sandbox accounts the kit may deploy into."""


@dataclass(frozen=True, kw_only=True)
class LabSettings:
    """Everything the lab stacks need to know, resolved before any construct is built."""

    owner: str | None = None
    sandbox_accounts: tuple[str, ...] = ()
    ping_cidr: str = DEFAULT_PING_CIDR
    ttl_hours: float = DEFAULT_TTL_HOURS
    # landing zones: a boundary on every IAM role the kit creates, and tags every resource must carry
    permissions_boundary: str | None = None
    class_tags: tuple[tuple[str, str], ...] = ()
    # where the instance lab's instance and subnet go (a zone that offers t4g); None: the region's first zone
    availability_zone: str | None = None
    # accounts the deploy may target: the CLI's default account and an explicit one, when known
    target_accounts: tuple[str, ...] = ()
    # the synth's clock, read once so every stack of one synth expires at the same minute
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    # the learner's own CSV writer (a folder with handler.py), deployed in place of the kit's
    handler_code: Path | None = None
    # why the learner's handler folder cannot be used: an error of the stacks that deploy it, and only theirs
    handler_code_error: str | None = None
    # the learner's starters: <my_labs>/<LabId>/stack.py becomes the stack My<LabId>
    my_labs: Path = DEFAULT_MY_LABS

    def stack_name(self, lab_id: str) -> str:
        """`alice-<Lab>` when an owner is set, else the lab id itself."""
        return stack_name(lab_id, self.owner)

    @property
    def owner_tag(self) -> str:
        return self.owner or OWNER_UNSET

    @property
    def expires_at(self) -> datetime | None:
        """When every stack of this synth deletes itself (minute precision), or None with TTL off."""
        if self.ttl_hours == 0:
            return None
        moment = self.now.astimezone(UTC) + timedelta(hours=self.ttl_hours)
        # round up to the next whole minute: the schedule never fires before the promised TTL
        rounded = moment.replace(second=0, microsecond=0)
        return rounded if rounded == moment else rounded + timedelta(minutes=1)

    def check_target_account(self) -> str | None:
        """Raise for a known target outside the sandbox list; return a warning when there is no list."""
        if not self.sandbox_accounts:
            return (
                "labkit: no sandboxAccounts set (-c sandboxAccounts=111111111111,...): "
                "nothing stops a deploy into a non-sandbox account."
            )
        for account in self.target_accounts:
            if account not in self.sandbox_accounts:
                raise AccountNotAllowedError(
                    f"refusing to synthesize for account {account}: it is not a sandbox account "
                    f"(sandboxAccounts: {', '.join(self.sandbox_accounts)}). Switch to a sandbox account's "
                    "credentials, or add this account to sandboxAccounts if it really is one."
                )
        return None

    @classmethod
    def from_context(
        cls,
        context: Callable[[str], Any],
        environ: Mapping[str, str],
        *,
        now: datetime,
        keys: Iterable[str] = (),
    ) -> LabSettings:
        """Parse `-c key=value` context (strings from the CLI, typed values from cdk.json) and env;
        `keys` (all context keys) are checked for a misspelt setting first."""
        check_setting_names(keys)
        targets = [
            environ.get("CDK_DEPLOY_ACCOUNT", ""),
            _text(context("account")),
            environ.get("CDK_DEFAULT_ACCOUNT", ""),
        ]
        known_targets = tuple(dict.fromkeys(a.strip() for a in targets if a and a.strip()))
        for account in known_targets:
            if not _ACCOUNT.match(account):
                raise SettingsError(f"target account {account!r} is not a 12-digit AWS account id")
        # the region the CLI targets, when it says: a zone of another region would fail only at deploy
        region = environ.get("CDK_DEPLOY_REGION", "").strip() or environ.get("CDK_DEFAULT_REGION", "").strip()
        try:
            handler_code, handler_code_error = parse_handler_code(context("handlerCode")), None
        except SettingsError as error:
            handler_code, handler_code_error = None, str(error)
        return cls(
            owner=parse_owner(context("owner")),
            sandbox_accounts=parse_accounts(context("sandboxAccounts")),
            ping_cidr=parse_cidr(context("pingCidr")),
            ttl_hours=parse_ttl_hours(context("ttlHours")),
            permissions_boundary=parse_permissions_boundary(context("permissionsBoundary")),
            class_tags=parse_class_tags(context("classTags")),
            availability_zone=parse_availability_zone(context("availabilityZone"), region=region or None),
            target_accounts=known_targets,
            now=now,
            handler_code=handler_code,
            handler_code_error=handler_code_error,
            my_labs=parse_my_labs(context("myLabs")),
        )


def close_setting(key: str) -> str | None:
    """The kit's setting `key` was probably meant to be (`ttl` -> ttlHours, `TTLHours`), else None."""
    if key in SETTING_KEYS or key.startswith("@") or ":" in key:
        return None
    lowered = {name.lower(): name for name in SETTING_KEYS}
    if key.lower() in lowered:
        return lowered[key.lower()]
    prefixed = [name for low, name in lowered.items() if len(key) >= 3 and low.startswith(key.lower())]
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
    return prefixed[0] if len(prefixed) == 1 else lowered[close[0]] if close else None


def check_setting_names(keys: Iterable[str]) -> None:
    """Refuse a context key that is a near miss of a setting: it would deploy with the default unsaid."""
    for key in keys:
        meant = close_setting(key)
        if meant:
            raise SettingsError(
                f"unknown setting {key!r}: did you mean {meant}? (-c {meant}=...; the kit's settings: "
                f"{', '.join(name for name in SETTING_KEYS if name != 'account')})"
            )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_owner(value: Any) -> str | None:
    """The owner context value, or None; SettingsError when it cannot prefix stack names."""
    text = _text(value)
    if not text:
        return None
    if not _OWNER.match(text):
        raise SettingsError(
            f"owner={text!r} cannot prefix stack names: use 1-32 lowercase letters, digits or hyphens, "
            "starting with a letter (for example -c owner=alice)"
        )
    return text


def parse_accounts(value: Any) -> tuple[str, ...]:
    """The sandbox accounts context value; SettingsError when one is not an account id."""
    items = value if isinstance(value, list | tuple) else _text(value).split(",")
    accounts = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    bad = [a for a in accounts if not _ACCOUNT.match(a)]
    if bad:
        raise SettingsError(
            f"sandboxAccounts has {', '.join(repr(b) for b in bad)}: each entry must be a 12-digit "
            "account id (for example -c sandboxAccounts=111111111111,222222222222)"
        )
    return accounts


def parse_cidr(value: Any) -> str:
    """The ping CIDR context value; SettingsError unless it is an IPv4 network."""
    text = _text(value) or DEFAULT_PING_CIDR
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        raise SettingsError(
            f"pingCidr={text!r} is not an IPv4 network: give one like 203.0.113.7/32 ({error})"
        ) from None
    if network.version != 4:
        raise SettingsError(f"pingCidr={text!r} is IPv6; the lab VPC is IPv4 only, give an IPv4 CIDR")
    return str(network)


def parse_ttl_hours(value: Any) -> float:
    """The lab's lifetime in hours (0: never expire); SettingsError when out of range."""
    text = _text(value)
    if not text:
        return DEFAULT_TTL_HOURS
    try:
        hours = float(text)
    except ValueError:
        raise SettingsError(
            f"ttlHours={text!r} is not a number of hours (for example -c ttlHours=4)"
        ) from None
    if not 0 <= hours <= MAX_TTL_HOURS:
        raise SettingsError(f"ttlHours={text!r} must be between 0 (never expire) and {MAX_TTL_HOURS:g}")
    if 0 < hours < 1 / 6:
        raise SettingsError(f"ttlHours={text!r} is shorter than 10 minutes: a deploy could outlive its lab")
    return hours


def parse_handler_code(value: Any) -> Path | None:
    """A folder whose handler.py defines `handler(event, context)` and imports, checked before anything is
    built (labs/handler_code.py)."""
    text = _text(value)
    if not text:
        return None
    try:
        return handler_folder(text)
    except HandlerCodeError as error:
        raise SettingsError(str(error)) from None


def parse_my_labs(value: Any) -> Path:
    """The learner's starters folder; one named on purpose must exist."""
    text = _text(value)
    if not text:
        return DEFAULT_MY_LABS
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise SettingsError(
            f"myLabs={text!r} is not a folder: write a starter into it with "
            f"`labkit exercise <Lab> --dir {text}`"
        )
    return folder


# an IAM policy name, or the ARN of a customer managed policy (with an optional path)
_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
_POLICY_ARN = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:policy/([\x21-\x7e]+/)?[\w+=,.@-]{1,128}$")
# AWS's tag rules shared by every service: letters, digits, spaces and _ . : / = + - @
_TAG_PUNCTUATION = frozenset("_.:/=+-@ ")
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
# 50 tags per resource, less the kit's own (labkit:lab, labkit:owner, labkit:expires-at) and CDK's Name
MAX_CLASS_TAGS = 50 - len(LAB_TAG_KEYS) - 1
RESERVED_TAG_KEYS = ("Name",)


def parse_permissions_boundary(value: Any) -> str | None:
    """A policy name (in the deploy's account) or a policy ARN, as the platform team gives it."""
    text = _text(value)
    if not text:
        return None
    if _POLICY_ARN.match(text) or _POLICY_NAME.match(text):
        return text
    raise SettingsError(
        f"permissionsBoundary={text!r} is neither an IAM policy name nor a policy ARN (for example "
        "-c permissionsBoundary=LabBoundary or arn:aws:iam::111111111111:policy/LabBoundary)"
    )


def parse_class_tags(value: Any) -> tuple[tuple[str, str], ...]:
    """`{"CostCenter": "1234"}` (cdk.json), or `CostCenter=1234,Course=cs101` or that JSON object (-c)."""
    if value is None or value == "":
        return ()
    pairs = _tag_pairs(value)
    for key, tag_value in pairs:
        _check_tag(key, tag_value)
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise SettingsError(
            f"classTags names a key twice: {', '.join(sorted(k for k in keys if keys.count(k) > 1))}"
        )
    if len(pairs) > MAX_CLASS_TAGS:
        raise SettingsError(
            f"classTags has {len(pairs)} tags: a resource carries at most 50, of which the kit uses "
            f"{50 - MAX_CLASS_TAGS}; give at most {MAX_CLASS_TAGS}"
        )
    return tuple(pairs)


def _tag_pairs(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise SettingsError(f"classTags={value!r} is not a JSON object of tags ({error})") from None
    if isinstance(value, dict):
        return [(str(key), "" if tag_value is None else str(tag_value)) for key, tag_value in value.items()]
    if isinstance(value, str):
        pairs = []
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            key, equals, tag_value = item.partition("=")
            if not equals:
                raise SettingsError(
                    f"classTags item {item!r} has no '=': give Key=Value pairs separated by commas "
                    "(for example -c classTags=CostCenter=1234,Course=cs101)"
                )
            pairs.append((key.strip(), tag_value.strip()))
        return pairs
    raise SettingsError(
        f"classTags={value!r} must be an object of tags, or Key=Value pairs separated by commas"
    )


def _check_tag(key: str, value: str) -> None:
    def allowed(text: str) -> bool:
        return all(char.isalnum() or char in _TAG_PUNCTUATION for char in text)

    if not 1 <= len(key) <= MAX_TAG_KEY or not allowed(key):
        raise SettingsError(
            f"classTags key {key!r}: AWS tag keys are 1-{MAX_TAG_KEY} letters, digits, spaces "
            "or _ . : / = + - @"
        )
    if len(value) > MAX_TAG_VALUE or not allowed(value):
        raise SettingsError(
            f"classTags value {value!r} of {key!r}: AWS tag values are 0-{MAX_TAG_VALUE} letters, digits, "
            "spaces or _ . : / = + - @"
        )
    if key.lower().startswith("aws:"):
        raise SettingsError(f"classTags key {key!r}: the aws: prefix is reserved for AWS")
    if key.lower().startswith("labkit:") or key in RESERVED_TAG_KEYS:
        raise SettingsError(f"classTags key {key!r} is the kit's own tag: choose another key")


def parse_availability_zone(value: Any, *, region: str | None = None) -> str | None:
    """The zone context value, or None; SettingsError unless a zone name in the region."""
    text = _text(value)
    if not text:
        return None
    match = _ZONE.match(text)
    if match is None:
        raise SettingsError(
            f"availabilityZone={text!r} is not a zone name: give one like us-east-1b, not a zone id such as "
            "use1-az4 (aws ec2 describe-availability-zones lists both)"
        )
    if region and match.group("region") != region:
        raise SettingsError(
            f"availabilityZone={text!r} is not in the target region {region}: choose one of {region}'s zones"
        )
    return text


def owner_from_cdk_json(directory: Path) -> str | None:
    """The `owner` context cdk.json sets, so `labkit check` finds the stack `cdk deploy` made."""
    return parse_owner(cdk_json_context(directory / "cdk.json").get("owner"))
