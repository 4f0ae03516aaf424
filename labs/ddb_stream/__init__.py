"""LabDdbStream — "React to DynamoDB Streams, write CSV to S3": stack.py builds it, check.py proves it."""
