"""Amazon SQS's queue (billed per request) and its policy."""

from __future__ import annotations

from typing import Any

from labs.catalogue.entry import ByUse, Free, Leftovers, ResourceType
from labs.catalogue.reading import probe


def _queue_names(session: Any) -> list[str]:
    # a queue URL ends in its name
    return [
        url.rstrip("/").rsplit("/", 1)[-1] for url in session.client("sqs").list_queues().get("QueueUrls", [])
    ]


QUEUE = ResourceType(
    cfn_type="AWS::SQS::Queue",
    price=ByUse(),
    deploy_actions=(
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue",
    ),
    leftovers=Leftovers(
        tag_arn="sqs:",
        names=_queue_names,
        exists=probe("sqs", "get_queue_attributes", "QueueUrl"),
        gone_codes=frozenset({"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"}),
    ),
)
QUEUE_POLICY = ResourceType(
    cfn_type="AWS::SQS::QueuePolicy",
    price=Free(),
    deploy_actions=("sqs:SetQueueAttributes", "sqs:GetQueueAttributes"),
    leftovers=Leftovers(goes_with="the policy of its queue, deleted with it"),
    tagged=False,
)
