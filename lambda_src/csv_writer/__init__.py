"""CSV writer Lambda of labs 3 and 4: DynamoDB stream batches or Step Functions inputs into CSV objects in S3.

Handler string: `csv_writer.handler.handler` (asset root `lambda_src/`). The package stays import-light on
purpose (cold start): import the module you need, e.g. `from csv_writer.batch import write_stream_batch`.

Modules:
- `rendering`: one DynamoDB attribute value (or one plain JSON value) into one spreadsheet-safe cell, and
  the CSV bytes of a table (RFC 4180, UTF-8 with a byte order mark so spreadsheets pick UTF-8).
- `records`: stream records into rows and per-record failures (the poison-record rules live there).
- `keys`: the idempotent object keys.
- `batch`: the plain functions the kit calls in-process (`write_stream_batch`, `write_direct_input`).
- `jsonlog`: one JSON object per log line.
- `handler`: the thin Lambda entry point.
"""
