"""Lambda without containers: the emulator runs a Python function's deployed code in a process of its own.

`invoke` (in the emulator's process) unpacks the zip CloudFormation deployed, prepares what the Lambda
Python runtime provides (boto3, the layers), starts `bootstrap` in a fresh interpreter with the function's
environment, role credentials, time limit and memory cap, and turns what it printed and returned into
Lambda's answer and Lambda's log lines (START, END, REPORT). What differs from AWS: the interpreter is
the kit's Python, not the runtime's version, and memory is capped as address space, not isolated.
"""
