"""Who uses what: the attachments, security groups and NAT gateways placed in each subnet.

Built once per analysis from `Network.attachments` and `Network.gateways`; every list is in
address order so that findings come out in a deterministic order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.model import Attachment, Gateway, Network


@dataclass(frozen=True)
class Usage:
    """Reverse indexes from subnets and security groups to what uses them."""

    by_subnet: dict[str, list[Attachment]] = field(default_factory=dict)
    """Attachments that may sit in each subnet (an ambiguous placement lists every candidate)."""
    by_security_group: dict[str, list[Attachment]] = field(default_factory=dict)
    nat_by_subnet: dict[str, list[Gateway]] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    """The subnets the model holds."""

    def subnets_of_group(self, group: str) -> list[str]:
        """Return the model's subnets where an attachment carrying security group `group` may
        sit."""
        return sorted(
            {s for a in self.by_security_group.get(group, ()) for s in a.subnets} & self.known
        )

    def is_used(self, subnet: str) -> bool:
        """Return True if an attachment or a NAT gateway sits (or may sit) in the subnet."""
        return bool(self.by_subnet.get(subnet) or self.nat_by_subnet.get(subnet))


def usage_of(network: Network) -> Usage:
    """Return the reverse indexes of `network`: what uses each subnet and each security group."""
    usage = Usage(known=set(network.subnets))
    for address in sorted(network.attachments):
        attachment = network.attachments[address]
        for subnet in attachment.subnets:
            usage.by_subnet.setdefault(subnet, []).append(attachment)
        for group in dict.fromkeys(attachment.security_groups):
            usage.by_security_group.setdefault(group, []).append(attachment)
    for address in sorted(network.gateways):
        gateway = network.gateways[address]
        if gateway.kind == "nat" and gateway.subnet is not None:
            usage.nat_by_subnet.setdefault(gateway.subnet, []).append(gateway)
    return usage
