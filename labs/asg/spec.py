"""LabAsg's facts, shared by its stack and its check without loading the CDK."""

from __future__ import annotations

LAB_ID = "LabAsg"
MIN_CAPACITY, DESIRED_CAPACITY, MAX_CAPACITY = 1, 2, 4
