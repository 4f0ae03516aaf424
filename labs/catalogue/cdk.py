"""The CDK's own type: the metadata resource `cdk synth` adds to a stack (version reporting)."""

from __future__ import annotations

from labs.catalogue.entry import Free, Leftovers, ResourceType

METADATA = ResourceType(
    cfn_type="AWS::CDK::Metadata",
    price=Free(),
    # CloudFormation only records it: no API call
    deploy_actions=(),
    leftovers=Leftovers(goes_with="metadata of the template: nothing in the account"),
    tagged=False,
)
