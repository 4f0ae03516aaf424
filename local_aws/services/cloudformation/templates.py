"""What a CloudFormation template says about its resources: who references whom, and the order of deletion."""

from __future__ import annotations

from typing import Any


def references(node: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref or Fn::GetAtt."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(str(value[0] if isinstance(value, list) else str(value).split(".")[0]))
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def dependencies(resources: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Logical id -> the logical ids it references or names in DependsOn."""
    found = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        needs = references(resource.get("Properties", {}))
        needs |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        found[logical_id] = needs & resources.keys()
    return found


def deletion_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    """Logical ids with every resource before the resources it depends on, as CloudFormation deletes."""
    needs = dependencies(resources)
    created: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in created or logical_id in visiting:
            return
        visiting.add(logical_id)
        for dependency in sorted(needs[logical_id]):
            visit(dependency)
        created.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return created[::-1]
