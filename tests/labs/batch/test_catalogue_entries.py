"""LabBatch's three types in the kit's catalogue: what leftovers calls their ARNs, the quota the compute
environment takes, and that the ECS clusters' running scan, not a Batch one, prices what a job runs."""

from __future__ import annotations

from labs.catalogue import entries
from labs.catalogue.batch import COMPUTE_ENVIRONMENT, JOB_DEFINITION, JOB_QUEUE
from labs.catalogue.ecs import CLUSTER
from labs.catalogue.entry import ByUse, Free
from labs.leftovers.by_tag import arn_type_and_id
from labs.preflight.quotas import FARGATE_VCPUS
from tests.synth import Template

ARN = "arn:aws:batch:us-east-1:123456789012"


def test_leftovers_names_each_batch_arn_by_its_type() -> None:
    assert arn_type_and_id(f"{ARN}:compute-environment/LabBatch-Fargate") == (
        COMPUTE_ENVIRONMENT.cfn_type,
        "LabBatch-Fargate",
    )
    assert arn_type_and_id(f"{ARN}:job-queue/LabBatch-Queue")[0] == JOB_QUEUE.cfn_type
    assert arn_type_and_id(f"{ARN}:job-definition/LabBatch-Child:3")[0] == JOB_DEFINITION.cfn_type


def test_idle_they_cost_nothing_and_a_running_job_is_priced_once(templates: dict[str, Template]) -> None:
    batch_types = {r["Type"] for r in templates["LabBatch"]["Resources"].values() if "Batch" in r["Type"]}
    assert batch_types == {COMPUTE_ENVIRONMENT.cfn_type, JOB_QUEUE.cfn_type, JOB_DEFINITION.cfn_type}
    assert isinstance(COMPUTE_ENVIRONMENT.price, ByUse)
    assert isinstance(JOB_QUEUE.price, Free)
    assert isinstance(JOB_DEFINITION.price, Free)
    # Batch runs a job as a Fargate task in a cluster it manages: the clusters' scan lists every cluster
    assert CLUSTER.running is not None
    assert [t for t, found in entries().items() if found.running and t.startswith("AWS::Batch::")] == []


def test_the_compute_environment_takes_fargates_vcpu_quota_and_makes_batchs_role() -> None:
    assert COMPUTE_ENVIRONMENT.quota is not None
    assert (COMPUTE_ENVIRONMENT.quota.service_code, COMPUTE_ENVIRONMENT.quota.quota_code) == (
        FARGATE_VCPUS.service_code,
        FARGATE_VCPUS.quota_code,
    )
    assert COMPUTE_ENVIRONMENT.quota.counts == "vcpus"
    assert "iam:CreateServiceLinkedRole" in (COMPUTE_ENVIRONMENT.deploy_actions or ())
    assert "iam:PassRole" in (JOB_DEFINITION.deploy_actions or ())
