"""LabSpot — "Spot capacity, interrupted": stack.py builds it, check.py proves it worked."""
