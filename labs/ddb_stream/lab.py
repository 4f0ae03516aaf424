"""LabDdbStream, as the tooling sees it: a table's stream triggers the CSV writer, which fills a bucket."""

from __future__ import annotations

from labs.constructs.function_facts import KIT_CODE
from labs.cost.cheapest import idle_serverless
from labs.ddb_stream import spec
from labs.descriptor import SHARED_TEMPLATES, CheapestSetup, Exercise, HandlerLoop, Lab, StarterSpec
from labs.function_labs.facts import EVENT_ITEM, ROW_ITEM, WRITER_LOGICAL_PREFIX
from labs.shared_facts import KIT_WRITER_HANDLER

LAB = Lab(
    package=__package__ or "labs.ddb_stream",
    lab_id=spec.LAB_ID,
    title="a DynamoDB `Users` table whose stream triggers a Lambda that writes each change as CSV into S3",
    order=30,
    stack_class="LabDdbStreamStack",
    steps=spec.STEPS,
    starter=StarterSpec(
        kind="handler",
        template=SHARED_TEMPLATES / "handler.py.tmpl",
        solution="lambda_src/csv_writer/ (handler.py, then batch.py and records.py)",
        rest="the Users table and its stream, the bucket, the function's role and the stream trigger",
        items='the new items are the records\' dynamodb.NewImage: {"userId": {"S": "u-1"}, ...}',
    ),
    cheapest=CheapestSetup(description="serverless: nothing billed while idle", usd_per_hour=idle_serverless),
    walkthrough_outputs=("PutItemCommand", "ListCsvCommand", "LogsCommand"),
    handler_loop=HandlerLoop(
        functions=(WRITER_LOGICAL_PREFIX,),
        kit_handler=KIT_WRITER_HANDLER,
        kit_code=KIT_CODE,
        exercise=Exercise(
            action="put_item",
            target_type="AWS::DynamoDB::Table",
            request=spec.sample_item,
            says="put a user into the Users table (the PutItemCommand output); its stream runs the function",
        ),
        check_items=(EVENT_ITEM, ROW_ITEM),
    ),
)
