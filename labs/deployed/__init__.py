"""A deployed lab read back from AWS: its stack (`stack`), its expiry (`expiry`), and the AWS-side
helpers every command shares (`session`: the session from the environment, error codes, "gone" answers,
whether the endpoint is the emulator).

Nothing here imports the CDK: the checks, the leftover scan and the class tools read what CloudFormation,
Scheduler and IAM say, never a synthesized template.
"""
