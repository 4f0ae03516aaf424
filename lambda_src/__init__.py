"""Lambda code of the kit: standard library + boto3 only."""
