"""AWS Fault Injection Service's experiment template (billed per action-minute of an experiment run)."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Leftovers, ResourceType

EXPERIMENT_TEMPLATE = ResourceType(
    cfn_type="AWS::FIS::ExperimentTemplate",
    price=ByUse(),
    deploy_actions=(
        "fis:CreateExperimentTemplate",
        "fis:UpdateExperimentTemplate",
        "fis:GetExperimentTemplate",
        "fis:DeleteExperimentTemplate",
        "fis:TagResource",
        "iam:PassRole",
    ),
    leftovers=Leftovers(tag_arn="fis:experiment-template"),
)
