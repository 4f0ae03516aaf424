"""Amazon API Gateway's REST API (billed per request)."""

from __future__ import annotations

from labs.catalogue.entry import ByUse, Leftovers, ResourceType

REST_API = ResourceType(
    cfn_type="AWS::ApiGateway::RestApi",
    price=ByUse(),
    deploy_actions=(
        "apigateway:POST",
        "apigateway:GET",
        "apigateway:PUT",
        "apigateway:PATCH",
        "apigateway:DELETE",
    ),
    # its ARNs are arn:aws:apigateway:<region>::/restapis/<id>
    leftovers=Leftovers(tag_arn="apigateway:"),
)
