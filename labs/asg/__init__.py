"""LabAsg — "Auto Scaling group": stack.py builds it, check.py proves it worked."""
