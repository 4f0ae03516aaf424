"""CDK-free facts of the CSV writer, read by its construct (as ids) and by the checks (to find it)."""

from __future__ import annotations

from labs.constructs.function_facts import FUNCTION_ID

# the construct id each function lab gives its CsvWriter
CSV_WRITER_ID = "CsvWriter"
# the writer's LabFunction inside it; CDK leaves this step out of logical ids, as `CsvWriter` ends with it
WRITER_ID = "Writer"
# the logical id prefix of the writer function in both function labs' templates
WRITER_LOGICAL_PREFIX = f"{CSV_WRITER_ID}{FUNCTION_ID}"
# the check's items of the hands-on's two steps (the user's event in the log, the user's CSV row)
EVENT_ITEM = "Event in the function's log"
ROW_ITEM = "CSV row in the bucket"
