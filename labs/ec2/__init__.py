"""LabEc2 — "My first EC2 instance": stack.py builds it, check.py proves it worked."""
