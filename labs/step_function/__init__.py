"""LabStepFunction — "My first Step Function": stack.py builds it, check.py proves it worked."""
