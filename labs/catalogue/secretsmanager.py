"""AWS Secrets Manager's secret: a monthly fee, prorated by the hour."""

from __future__ import annotations

from labs.catalogue.entry import Hourly, Leftovers, ResourceType
from labs.catalogue.reading import monthly_fee

SECRET = ResourceType(
    cfn_type="AWS::SecretsManager::Secret",
    price=Hourly(monthly_fee("secret", "Secrets Manager secret")),
    deploy_actions=(
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:TagResource",
        "secretsmanager:GetRandomPassword",
    ),
    leftovers=Leftovers(tag_arn="secretsmanager:secret"),
)
