"""`labkit emulator` (command.py): the kit's command over its local AWS.

The emulator itself is the top-level package local_aws, which knows AWS and not the labs; the kit reaches it
through local_aws.client only.
"""
