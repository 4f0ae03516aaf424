"""Amazon ECS's cluster: free itself; its Fargate tasks bill by the vCPU-hour and GB-hour configured."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from labs.catalogue.entry import Free, Leftovers, ResourceType, Running
from labs.catalogue.reading import pages, tags
from labs.cost.items import RunningResource
from labs.cost.prices import PriceTable

if TYPE_CHECKING:
    from labs.catalogue.entry import RegionReach

# DescribeTasks takes at most 100 tasks a call
_TASKS_PER_CALL = 100


def _architecture(task: Mapping[str, Any]) -> str:
    for attribute in task.get("attributes", []):
        if attribute.get("name") == "ecs.cpu-architecture":
            return "arm64" if attribute.get("value") == "arm64" else "x86_64"
    return "x86_64"


def _eni(task: Mapping[str, Any]) -> str:
    for attachment in task.get("attachments", []):
        for detail in attachment.get("details", []):
            if detail.get("name") == "networkInterfaceId":
                return str(detail.get("value", ""))
    return ""


def _size(ecs: Any, task: Mapping[str, Any], definitions: dict[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    """The task's cpu and memory: on the task, else on its task definition (a Fargate task's size is its
    definition's, or an override's, ECS developer guide, "Task size")."""
    if task.get("cpu") and task.get("memory"):
        return task
    arn = str(task.get("taskDefinitionArn", ""))
    if arn and arn not in definitions:
        definitions[arn] = ecs.describe_task_definition(taskDefinition=arn).get("taskDefinition", {})
    return definitions.get(arn, {})


def _fargate_task(
    task: Mapping[str, Any], size: Mapping[str, Any], prices: PriceTable, public: set[str], region: str
) -> RunningResource:
    arn = str(task.get("taskArn", "?"))
    try:
        vcpus, memory_gb = int(size["cpu"]) / 1024, int(size["memory"]) / 1024
        usd: float | None = prices.fargate(vcpus=vcpus, memory_gb=memory_gb, architecture=_architecture(task))
        what, note = f"{vcpus:g} vCPU, {memory_gb:g} GB", ""
    except (KeyError, TypeError, ValueError):
        usd, what, note = None, "size unknown", "neither the task nor its definition gives cpu and memory"
    eni = _eni(task)
    if usd is not None and eni in public:
        usd += prices.hourly("public_ipv4")
    return RunningResource(
        resource_type="",
        identifier=arn,
        what=f"Fargate task ({what}{', public IPv4' if eni in public else ''}) of {task.get('group', '?')}",
        usd_per_hour=usd,
        since=task.get("startedAt") or task.get("createdAt"),
        tags=tags([{"Key": t.get("key"), "Value": t.get("value")} for t in task.get("tags", [])]),
        attached_to=str(task.get("clusterArn", "")).rsplit("/", 1)[-1],
        note=note,
        region=region,
    )


def _running_fargate(region: RegionReach, prices: PriceTable) -> Iterator[RunningResource]:
    """Every cluster's running Fargate tasks (tasks on EC2 run on instances the EC2 scan prices)."""
    ecs = region.client("ecs")
    tasks: list[Mapping[str, Any]] = []
    for cluster in pages(ecs, "list_clusters", "clusterArns"):
        arns = list(pages(ecs, "list_tasks", "taskArns", cluster=cluster, desiredStatus="RUNNING"))
        for start in range(0, len(arns), _TASKS_PER_CALL):
            described = ecs.describe_tasks(
                cluster=cluster, tasks=arns[start : start + _TASKS_PER_CALL], include=["TAGS"]
            )
            tasks += [t for t in described.get("tasks", []) if t.get("launchType", "FARGATE") == "FARGATE"]
    enis = sorted({_eni(t) for t in tasks} - {""})
    public: set[str] = set()
    if enis:
        found = region.client("ec2").describe_network_interfaces(NetworkInterfaceIds=enis)
        public = {
            i["NetworkInterfaceId"]
            for i in found.get("NetworkInterfaces", [])
            if i.get("Association", {}).get("PublicIp")
        }
    definitions: dict[str, Mapping[str, Any]] = {}
    for task in tasks:
        yield _fargate_task(task, _size(ecs, task, definitions), prices, public, region.name)


CLUSTER = ResourceType(
    cfn_type="AWS::ECS::Cluster",
    price=Free(),
    deploy_actions=(
        "ecs:CreateCluster",
        "ecs:DeleteCluster",
        "ecs:DescribeClusters",
        "ecs:PutClusterCapacityProviders",
        "ecs:TagResource",
    ),
    leftovers=Leftovers(tag_arn="ecs:cluster"),
    running=Running(
        sees="ECS tasks on Fargate (Spot counted at the on-demand price)",
        reads="ecs:ListTasks",
        scan=_running_fargate,
    ),
)
