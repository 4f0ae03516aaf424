"""LabStepFunction, as the tooling sees it: a state machine that waits, calls the CSV writer and succeeds."""

from __future__ import annotations

from labs.constructs.function_facts import KIT_CODE
from labs.cost.cheapest import idle_serverless
from labs.descriptor import SHARED_TEMPLATES, CheapestSetup, Exercise, HandlerLoop, Lab, StarterSpec
from labs.function_labs.facts import EVENT_ITEM, ROW_ITEM, WRITER_LOGICAL_PREFIX
from labs.shared_facts import KIT_WRITER_HANDLER
from labs.step_function import spec

LAB = Lab(
    package=__package__ or "labs.step_function",
    lab_id=spec.LAB_ID,
    title=f"a state machine: Wait {spec.WAIT_SECONDS} s, call that Lambda, Succeed",
    order=40,
    stack_class="LabStepFunctionStack",
    steps=spec.STEPS,
    starter=StarterSpec(
        kind="handler",
        template=SHARED_TEMPLATES / "handler.py.tmpl",
        solution="lambda_src/csv_writer/ (handler.py, then batch.py: write_direct_input)",
        rest=f"the state machine (Wait {spec.WAIT_SECONDS} s, this function, Succeed), the bucket and the "
        "function's role",
        items='the item is the input itself: {"userId": "u-200", "name": "Grace Hopper", ...}',
    ),
    # its state machine's logging adds /aws/vendedlogs/ groups to the account's log-delivery policy
    extends_log_delivery_policy=True,
    cheapest=CheapestSetup(description="serverless: nothing billed while idle", usd_per_hour=idle_serverless),
    handler_loop=HandlerLoop(
        functions=(WRITER_LOGICAL_PREFIX,),
        kit_handler=KIT_WRITER_HANDLER,
        kit_code=KIT_CODE,
        exercise=Exercise(
            action="start_execution",
            target_type="AWS::StepFunctions::StateMachine",
            request=spec.sample_input,
            says=f"start an execution with a sample user (the StartExecutionCommand output): Wait "
            f"{spec.WAIT_SECONDS} s, then the function",
        ),
        check_items=(EVENT_ITEM, ROW_ITEM),
    ),
)
