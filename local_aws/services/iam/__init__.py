"""IAM in the emulator: permissions boundaries that must exist (boundaries.py), the policy simulator
(simulation.py), and the policy evaluation both it and Scheduler's firing use (policy.py)."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.iam import boundaries, simulation

FIXES: tuple[ParityFix, ...] = (*boundaries.FIXES, *simulation.FIXES)
GAPS: tuple[EmulatorGap, ...] = ()
