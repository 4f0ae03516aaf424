"""CSV writer Lambda of labs 3 and 4: DynamoDB stream batches or Step Functions inputs into CSV objects in S3.

Handler string: `csv_writer.handler.handler` (asset root `lambda_src/`). `csv_writer` is the package's one
import name, for Lambda, the kit and the tests alike (`make setup` installs it as a top-level package).
The package stays import-light on purpose (cold start): import the module you need, e.g.
`from csv_writer.batch import write_stream_batch`.

Modules:
- `cells`: one DynamoDB attribute value (or one plain JSON value) into one spreadsheet-safe cell;
  `ConversionError` for a value that cannot become one.
- `csv_format`: cells into the bytes of a CSV file (RFC 4180, plain UTF-8 without a byte order mark) and
  back, the `'` prefix that keeps a spreadsheet from reading text as a formula, and the change table every
  file is (`Op,TIMESTAMP,<attributes>`, after AWS DMS's change data in S3).
- `changes`: the change columns' cells: `I`/`U`/`D` and the change's time as ISO-8601 UTC.
- `records`: stream records into rows and per-record failures (the poison-record rules live there).
- `keys`: the idempotent object keys.
- `batch`: the plain functions the kit calls in-process (`write_stream_batch`, `write_direct_input`).
- `log`: the Powertools Logger and how an event is logged (first records whole, the rest counted).
- `handler`: the thin Lambda entry point.
"""
