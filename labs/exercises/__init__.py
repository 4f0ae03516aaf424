"""Exercises: the learner writes the lab, the kit checks it.

`labkit exercise <Lab>` (command.py) writes a starter into the learner's folder (starters.py, templates/):
a stack module for the labs whose descriptor says so, deployed as `My<Lab>` (learner_stack.py builds it in
app.py with the kit's guardrails), or a handler for the function labs, deployed in place of the kit's
CSV writer with `-c handlerCode=<dir>`. `labkit check <Lab> --stack My<Lab>` grades it; every failing
item's hint names the hands-on's step (labs/<lab>/spec.py STEPS) and what is missing.
"""
