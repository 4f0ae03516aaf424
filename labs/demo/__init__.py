"""`labkit demo`: rehearse every lab on the local emulator with the real, pinned CDK CLI.

`cdk_cli` runs the pinned CLI, `emulator_or_account` is where it runs, `rehearsal` drives one run, `runs`
records what happened to each lab, `results` makes the summary, and `command` is the command itself.
"""
