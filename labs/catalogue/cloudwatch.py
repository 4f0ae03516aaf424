"""Amazon CloudWatch's alarm: a monthly fee, prorated by the hour."""

from __future__ import annotations

from labs.catalogue.entry import Hourly, Leftovers, ResourceType
from labs.catalogue.reading import monthly_fee

ALARM = ResourceType(
    cfn_type="AWS::CloudWatch::Alarm",
    price=Hourly(monthly_fee("cloudwatch_alarm", "CloudWatch alarm")),
    deploy_actions=("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"),
    leftovers=Leftovers(tag_arn="cloudwatch:alarm"),
)
