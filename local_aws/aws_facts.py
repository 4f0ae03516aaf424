"""AWS's own names and numbers that the emulator emulates and the labs rely on, written once here.

The labs read them through local_aws.client; the emulator's services use them to act as AWS does.
"""

from __future__ import annotations

# the two events EC2 sends about a Spot instance, from source aws.ec2 on the default bus (EC2 user guide:
# spot-instance-termination-notices, rebalance-recommendations)
EC2_EVENT_SOURCE = "aws.ec2"
INTERRUPTION_WARNING = "EC2 Spot Instance Interruption Warning"
REBALANCE_RECOMMENDATION = "EC2 Instance Rebalance Recommendation"
SPOT_EVENT_TYPES = (INTERRUPTION_WARNING, REBALANCE_RECOMMENDATION)
# EC2 interrupts a Spot instance two minutes after its warning
AWS_WARNING_S = 120

# AWS Fault Injection Service's action that sends a real Spot interruption (FIS user guide: actions reference)
FIS_ACTION = "aws:ec2:send-spot-instance-interruptions"
