"""LabStepFunction, as the tooling sees it: a state machine that waits, calls the CSV writer and succeeds."""

from __future__ import annotations

from labs.cost.cheapest import idle_serverless
from labs.descriptor import SHARED_TEMPLATES, CheapestSetup, Lab, StarterSpec
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
)
