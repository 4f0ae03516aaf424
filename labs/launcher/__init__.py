"""What .venv/bin/cdk runs: the pinned CDK CLI on the venv's Node, in a process group of its own.

Ctrl-C, `timeout` or a hang-up stop the CLI and everything it started (the app, jsii's Node kernel) together,
their temporary files go with them, and each owner's synth gets an output folder of its own.
"""
