"""CloudFormation in the emulator: stacks created, updated, rolled back and deleted as CloudFormation does.

- change_sets.py: a change set belongs to the live stack of its name;
- stacks.py: outputs after a change set, a failed deploy reported and rolled back, every resource listed;
- stack_updates.py: an update changes, replaces and rolls back resources;
- stack_deletes.py: deletion in dependency order, resources already gone, DELETE_FAILED kept with each failed
  resource's event, DeleteStack on a caller's behalf;
- stack_states.py: what a stack's state allows next (updates, change sets, DeleteStack with RetainResources);
- custom_resources.py: a custom resource runs its function and is judged by its answer;
- resource_types.py: `cloudformation_type(...)` teaches moto a resource type it has no model for;
- templates.py: references, dependencies and the deletion order a template implies.
"""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.cloudformation import (
    change_sets,
    custom_resources,
    stack_deletes,
    stack_states,
    stack_updates,
    stacks,
)

FIXES: tuple[ParityFix, ...] = (
    *change_sets.FIXES,
    *stack_deletes.FIXES,
    *stack_states.FIXES,
    *stacks.FIXES,
    *custom_resources.FIXES,
    *stack_updates.FIXES,
)
GAPS: tuple[EmulatorGap, ...] = ()
