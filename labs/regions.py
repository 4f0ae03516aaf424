"""Which region names AWS has: a typo (us-east-3) is named before any call, instead of a connection error."""

from __future__ import annotations

import difflib
from functools import lru_cache


@lru_cache(maxsize=1)
def aws_regions() -> frozenset[str]:
    """Every region of every partition in botocore's endpoint data (the SDK's own list)."""
    import botocore.session

    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("sts", partition_name=partition)
    )


def region_problem(name: str) -> str | None:
    """One line when `name` is no AWS region (with the nearest name), else None."""
    if name in aws_regions():
        return None
    near = difflib.get_close_matches(name, sorted(aws_regions()), n=1)
    hint = f" (did you mean {near[0]}?)" if near else " (for example eu-west-1)"
    return f"{name!r} is not an AWS region{hint}"
