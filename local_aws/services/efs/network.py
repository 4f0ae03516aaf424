"""Whether a client's security groups reach a mount target on NFS (TCP 2049), as a VPC decides it.

Security groups are stateful and allow-only: the client's groups must let TCP 2049 out to the mount target
(its group or a CIDR holding its address), and the mount target's groups must let TCP 2049 in from the
client (one of its groups or a CIDR holding its subnet). Lambda's guide: "Ensure that NFS traffic (port 2049)
is allowed by the security groups used by the function and mount targets". Plain data in, yes or no out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

NFS_PORT = 2049
ALL_PROTOCOLS = "-1"
TCP = ("tcp", "6")


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One security group rule: protocol, ports, and the CIDRs and groups on its other side."""

    protocol: str
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def allows_nfs(self) -> bool:
        """True when the rule's protocol and port range take TCP 2049."""
        if self.protocol == ALL_PROTOCOLS:
            return True
        if self.protocol not in TCP:
            return False
        low = self.from_port if self.from_port is not None else 0
        high = self.to_port if self.to_port is not None else 65535
        return low <= NFS_PORT <= high

    def admits(self, *, groups: Iterable[str], network: str) -> bool:
        """True when the rule takes NFS from (or to) one of these groups or this address range."""
        if not self.allows_nfs():
            return False
        if set(groups) & set(self.groups):
            return True
        wanted = ipaddress.ip_network(network, strict=False)
        return any(
            wanted.subnet_of(ipaddress.ip_network(cidr, strict=False))  # type: ignore[arg-type]
            for cidr in self.cidrs
            if ipaddress.ip_network(cidr, strict=False).version == wanted.version
        )


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """One side of the connection: its security groups' rules, its groups and its address range."""

    group_ids: tuple[str, ...]
    ingress: tuple[Rule, ...]
    egress: tuple[Rule, ...]
    # the function's subnet CIDR, the mount target's own address (/32)
    network: str


def reaches_nfs(client: Endpoint, target: Endpoint) -> bool:
    """True when `client` may open NFS to `target`: out through its groups, in through the target's."""
    out = any(rule.admits(groups=target.group_ids, network=target.network) for rule in client.egress)
    into = any(rule.admits(groups=client.group_ids, network=client.network) for rule in target.ingress)
    return out and into


def rules_of(moto_rules: Sequence[Any]) -> tuple[Rule, ...]:
    """moto's security group rules (one CIDR or group each) as Rules."""
    rules = []
    for rule in moto_rules:
        cidr = (rule.ip_range or {}).get("CidrIp") or (rule.ip_range or {}).get("CidrIpv6")
        group = (rule.source_group or {}).get("GroupId")
        rules.append(
            Rule(
                protocol=str(rule.ip_protocol),
                from_port=rule.from_port,
                to_port=rule.to_port,
                cidrs=(cidr,) if cidr else (),
                groups=(group,) if group else (),
            )
        )
    return tuple(rules)
