"""LabBatch — "containers, no Docker": an array job on Fargate; stack.py builds it, check.py proves it."""
