"""Does a resource a DELETE_FAILED stack still lists exist? One that was deleted by hand is no leftover.

The probe per type is its catalogue entry's `leftovers.exists` (labs/catalogue/); a type without one, or
without an entry at all, counts as present: any doubt counts as present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from labs.catalogue import UnknownResourceTypeError, entry
from labs.deployed.session import error_code

if TYPE_CHECKING:
    import boto3


def still_exists(session: boto3.Session, resource_type: str, physical_id: str) -> bool:
    """False only when the resource's own service says it is gone; any doubt counts as present."""
    try:
        found = entry(resource_type).leftovers
    except UnknownResourceTypeError:
        return True
    if found.exists is None or not physical_id:
        return True
    try:
        return found.exists(session, physical_id) is not None
    except ClientError as error:
        return error_code(error) not in found.gone_codes
