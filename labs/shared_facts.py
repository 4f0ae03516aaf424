"""CDK-free facts that the stacks, the checks and the tooling share: tag keys, stack names, the layer.

Importing this module costs nothing: `labkit check` and `labkit leftovers` read these facts without
loading the CDK, and the stacks write them, so both sides use the one definition here.
"""

from __future__ import annotations

from datetime import UTC, datetime

# on every lab stack and every taggable resource in it
TAG_LAB = "labkit:lab"
TAG_OWNER = "labkit:owner"
TAG_EXPIRES = "labkit:expires-at"
LAB_TAG_KEYS = (TAG_LAB, TAG_OWNER, TAG_EXPIRES)
OWNER_UNSET = "unset"
# each lab stack's expiry construct and its dead-letter queue (what Scheduler could not do lands there)
EXPIRY_ID = "Expiry"
DEAD_LETTERS_ID = "DeadLetters"
# the queue's logical id prefix, which checks look for
EXPIRY_DEAD_LETTERS_PREFIX = f"{EXPIRY_ID}{DEAD_LETTERS_ID}"
# minute precision: the expiry schedule fires at a whole minute
EXPIRES_TAG_FORMAT = "%Y-%m-%dT%H:%MZ"
_EXPIRES_TAG_FORMATS = (EXPIRES_TAG_FORMAT, "%Y-%m-%dT%H:%M:%SZ")


def stack_name(lab_id: str, owner: str | None = None) -> str:
    """`alice-<Lab>` when an owner is set, else the lab id itself."""
    return f"{owner}-{lab_id}" if owner else lab_id


def owner_of(stack: str, lab_id: str) -> str | None:
    """The owner a lab's stack name carries (`alice` for `alice-<Lab>`), None without one."""
    return stack[: -len(lab_id) - 1] if stack.endswith(f"-{lab_id}") else None


def cdk_command(verb: str, lab_id: str, stack: str) -> str:
    """`cdk destroy <Lab> -c owner=alice` for `alice-<Lab>`: without the owner, cdk acts on `<Lab>`;
    `cdk deploy My<Lab>` for a learner's own stack (`labkit exercise`)."""
    for construct_id in (lab_id, learner_stack_id(lab_id)):
        owner = owner_of(stack, construct_id)
        if owner or stack == construct_id:
            return f"cdk {verb} {construct_id}" + (f" -c owner={owner}" if owner else "")
    return f"cdk {verb} {lab_id}"


def expire_command(lab_id: str, stack: str) -> str:
    """`labkit emulator expire <Lab>` for exactly this stack: `--owner alice` for `alice-<Lab>`, `--stack`
    for any other name (a learner's `My<Lab>`); without them the command fires `<Lab>`'s schedule."""
    command = f"labkit emulator expire {lab_id}"
    if stack == lab_id:
        return command
    owner = owner_of(stack, lab_id)
    return f"{command} --owner {owner}" if owner else f"{command} --stack {stack}"


def expires_tag(moment: datetime) -> str:
    """The expiry tag's value for a moment."""
    return f"{moment.astimezone(UTC):{EXPIRES_TAG_FORMAT}}"


def parse_expires_tag(text: str) -> datetime | None:
    """`2030-01-01T08:00Z` (the kit's tag format) as an aware UTC datetime, or None if unreadable."""
    for pattern in _EXPIRES_TAG_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


# Powertools for AWS Lambda (Python) in the CSV writer: the AWS-managed public layer, pinned, and the same
# release in the venv (pyproject.toml), so tests and the emulator run the code Lambda runs. Source: the
# layer table docs/includes/_layer_homepage_arm64.md of aws-powertools/powertools-lambda-python at commit
# 0219b401 (shared/version.py = "3.22.0"): every region lists AWSLambdaPowertoolsPythonV3-python313-arm64:25.
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python313-arm64"
POWERTOOLS_LAYER_VERSION = 25
POWERTOOLS_PYPI_VERSION = "3.22.0"


# the regions of that table (arm64, Python 3.13, layer version 25): not every commercial region (no ca-west-1)
POWERTOOLS_LAYER_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)


class UnsupportedRegionError(ValueError):
    """The pinned Powertools layer is not published in this region."""


def powertools_region_problem(region: str) -> str | None:
    """Why the function labs cannot deploy in `region`, or None when the pinned layer is published there."""
    if region in POWERTOOLS_LAYER_REGIONS:
        return None
    return (
        f"the Powertools layer {POWERTOOLS_LAYER_NAME}:{POWERTOOLS_LAYER_VERSION} is not published in "
        f"{region}; deploy the function labs in one of: {', '.join(POWERTOOLS_LAYER_REGIONS)}"
    )


def powertools_layer_arn(region: str, partition: str = "aws") -> str:
    """The pinned Powertools layer in one region (a region known only at deploy: the template checks it)."""
    problem = None if region.startswith("${Token[") else powertools_region_problem(region)
    if problem:
        raise UnsupportedRegionError(problem)
    return (
        f"arn:{partition}:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
        f"{POWERTOOLS_LAYER_NAME}:{POWERTOOLS_LAYER_VERSION}"
    )


# the kit's CSV writer in both function labs (lambda_src/csv_writer), and the learner's own
# (`-c handlerCode=<dir>`): the function `handler` of <dir>/handler.py
KIT_WRITER_HANDLER = "csv_writer.handler.handler"
LEARNER_HANDLER = "handler.handler"
LEARNER_HANDLER_FILE = "handler.py"
# a learner's own stack of a lab: `My<Lab>`, deployed and checked beside the kit's `<Lab>`
LEARNER_STACK_PREFIX = "My"


def learner_stack_id(lab_id: str) -> str:
    """The construct id of a learner's own stack for the lab."""
    return f"{LEARNER_STACK_PREFIX}{lab_id}"


# the lab VPC's range (constructs/network.LabVpc)
VPC_CIDR = "10.0.0.0/24"
# a named zone's subnet: a /28 of 10.0.0.128-255 chosen by the zone's letter, clear of the two /26 subnets
# the template has without a named zone (10.0.0.0/26 and 10.0.0.64/26)
_NAMED_ZONE_BLOCKS = 8


def zone_subnet_cidr(zone: str) -> str:
    """The subnet CIDR for a subnet pinned to `zone`: a zone change replaces the subnet, and EC2 refuses a
    second subnet with the same CIDR (InvalidSubnet.Conflict) while the old one still exists, so the CIDR
    moves with the zone: us-east-1a -> 10.0.0.128/28, us-east-1b -> 10.0.0.144/28, ..."""
    letter = zone.strip()[-1:].lower()
    index = (ord(letter) - ord("a")) % _NAMED_ZONE_BLOCKS if letter.isalpha() else 0
    return f"10.0.0.{128 + 16 * index}/28"
