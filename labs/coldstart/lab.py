"""LabColdStart, as the tooling sees it: a light and a heavy function, cold and warm starts, alias live."""

from __future__ import annotations

from labs.coldstart import spec
from labs.constructs.function_facts import FUNCTION_ID
from labs.cost.cheapest import idle_serverless
from labs.descriptor import CheapestSetup, Exercise, HandlerLoop, Lab, StarterSpec

LAB = Lab(
    package=__package__ or "labs.coldstart",
    lab_id=spec.LAB_ID,
    title="three Python Lambdas, light and heavy at init (128 and 1024 MB), to see, measure and remove a "
    "cold start",
    order=50,
    stack_class="LabColdStartStack",
    steps=spec.STEPS,
    starter=StarterSpec(
        kind="handler",
        template=spec.STARTER_TEMPLATE,
        solution="lambda_src/coldstart/handler.py",
        rest="the light function, the heavy one at 128 MB and 1024 MB, their roles and log groups, the "
        f"Powertools layer and alias {spec.ALIAS} on a version of the light function",
        items=f"{spec.PROFILE_VARIABLE} is {spec.LIGHT} or {spec.HEAVY}, one file for all",
    ),
    commands={"coldstart": "command"},
    cheapest=CheapestSetup(
        description="serverless: nothing billed while idle (provisioned concurrency, off by default, "
        f"adds about ${spec.provisioned_usd_per_hour():.4f}/h)",
        usd_per_hour=idle_serverless,
    ),
    handler_loop=HandlerLoop(
        functions=tuple(f"{role.construct_id}{FUNCTION_ID}" for role in spec.FUNCTIONS),
        kit_handler=spec.HANDLER,
        kit_code=spec.COLDSTART_CODE,
        exercise=Exercise(
            action="invoke",
            target_type="AWS::Lambda::Function",
            target_prefix=f"{spec.LIGHT_128.construct_id}{FUNCTION_ID}",
            request=spec.invoke_event,
            says=f"invoke the {spec.LIGHT_128.label} function twice (InvokeLightCommand): a cold start, then "
            "a warm one",
            times=2,
        ),
        check_items=(spec.INVOCATIONS_ITEM, spec.COLD_ITEM, spec.WARM_ITEM),
    ),
)
