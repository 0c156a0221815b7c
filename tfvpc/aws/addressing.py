"""Public IPv4 (R-IP-1, R-IP-2) and global IPv6 (R-IP-4) addresses of interfaces."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfvpc.aws.context import Context, Fields
from tfvpc.model import PublicIpSource, Subnet


@dataclass(frozen=True)
class EipClaim:
    """An Elastic IP that (possibly) sits on an interface.

    `evidence` is the EIP's address (or the association's, when the EIP itself is not in
    the input); `reason` is set when the EIP may sit on another interface instead, or may
    not exist at all.
    """

    evidence: str
    related: tuple[str, ...]
    reason: str | None = None


@dataclass(frozen=True)
class PublicIpv4:
    """Whether an interface has a public IPv4 address, how, and what gives it."""

    value: bool | None
    via: PublicIpSource | None = None
    evidence: str | None = None


def eip_claims(ctx: Context, holder_of: Callable[[str], str]) -> dict[str, list[EipClaim]]:
    """Return the EIPs on each attachment address (R-IP-2).

    `holder_of` maps an instance or ENI address to the attachment that represents it (the
    primary ENI of an instance is reported under the instance).
    """
    claims: dict[str, list[EipClaim]] = {}

    def claim(
        fields: Fields,
        attr: str,
        evidence: str,
        related: tuple[str, ...],
        doubts: tuple[str, ...] = (),
    ) -> None:
        """Record the EIP `evidence` on whatever `attr` of `fields` names; `doubts` say why
        the EIP or its association may not exist (then the claim is only possible)."""
        if not fields.has(attr):
            return
        found = fields.one(attr)
        reason = found.unknowns[0] if found.unknowns and len(found.addresses) > 1 else None
        if reason is None and doubts:
            reason = doubts[0]
        for address in found.addresses:
            holder = holder_of(address)
            claims.setdefault(holder, []).append(EipClaim(evidence, related, reason))

    for eip in ctx.resolver.of_type("aws_eip"):
        fields = ctx.fields(eip)
        claim(fields, "instance", eip.address, (eip.address,), eip.uncertain)
        claim(fields, "network_interface", eip.address, (eip.address,), eip.uncertain)
    for association in ctx.resolver.of_type("aws_eip_association"):
        fields = ctx.fields(association)
        attr = "allocation_id" if fields.has("allocation_id") else "public_ip"
        named = fields.one(attr)
        internal = [a for a in named.addresses if a not in named.external]
        evidence = internal[0] if len(internal) == 1 else association.address
        related = tuple(dict.fromkeys((evidence, association.address)))
        doubts = (*association.uncertain, *(r for a in internal for r in ctx.uncertain(a)))
        claim(fields, "instance_id", evidence, related, doubts)
        claim(fields, "network_interface_id", evidence, related, doubts)
    for holder, found in claims.items():
        # An EIP on an instance and on its primary ENI is one EIP (state records both).
        claims[holder] = list({(c.evidence, c.reason): c for c in found}.values())
    return claims


def with_eips(base: PublicIpv4, claims: list[EipClaim], notes: list[str]) -> PublicIpv4:
    """Return the public IPv4 of an interface once its EIPs are taken into account.

    An EIP replaces an auto-assigned address; an EIP that may sit elsewhere makes an
    interface without another public address only possibly public.
    """
    definite = [c for c in claims if c.reason is None]
    if definite:
        return PublicIpv4(True, "eip", definite[0].evidence)
    if claims and base.value is not True:
        notes.extend(c.reason for c in claims if c.reason is not None)
        return PublicIpv4(None, "eip", claims[0].evidence)
    return base


def auto_public_ipv4(fields: Fields, subnets: Sequence[Subnet], notes: list[str]) -> PublicIpv4:
    """Return the address an instance gets at launch on its new primary ENI (R-IP-1).

    An explicit `associate_public_ip_address` wins; unset, the subnet's
    `map_public_ip_on_launch` decides. Unknowns give None with the reason noted.
    """
    if fields.has("associate_public_ip_address"):
        explicit = fields.flag("associate_public_ip_address", False)
        if explicit:
            return PublicIpv4(True, "associate_public_ip_address", fields.owner)
        return PublicIpv4(explicit)
    return subnet_public_ipv4(subnets, fields.owner, notes)


def subnet_public_ipv4(subnets: Sequence[Subnet], owner: str, notes: list[str]) -> PublicIpv4:
    """Return the address a new primary ENI of `owner` gets from its subnets'
    `map_public_ip_on_launch` (R-IP-1). Unknowns give None with the reason noted."""
    if not subnets:
        notes.append(
            f"whether {owner} gets a public IPv4 address depends on a subnet "
            "that is not in the input"
        )
        return PublicIpv4(None)
    values = {subnet.map_public_ip_on_launch for subnet in subnets}
    if values == {True}:
        return PublicIpv4(True, "auto-assign", subnets[0].address)
    if values == {False}:
        return PublicIpv4(False)
    notes.extend(
        f"map_public_ip_on_launch of {subnet.address} is unknown"
        for subnet in subnets
        if subnet.map_public_ip_on_launch is None
    )
    if len(subnets) > 1:
        notes.append(f"the subnet of {owner} is ambiguous")
    return PublicIpv4(None)


def ipv6_of(fields: Fields, subnets: Sequence[Subnet], notes: list[str]) -> bool | None:
    """Return whether an interface gets global IPv6 addresses (R-IP-4), None if unknown."""
    if fields.has("ipv6_address_count"):
        count = fields.integer("ipv6_address_count")
        return None if count is None else count > 0
    if fields.has("ipv6_addresses"):
        addresses = fields.raw("ipv6_addresses")
        if isinstance(addresses, list) and addresses:
            return True
        if not isinstance(addresses, list):
            notes.append(fields.reason("ipv6_addresses"))
            return None
    return subnet_ipv6(subnets, notes)


def subnet_ipv6(subnets: Sequence[Subnet], notes: list[str]) -> bool | None:
    """Return whether an interface gets global IPv6 addresses from its subnets'
    `assign_ipv6_address_on_creation` (R-IP-4), None if unknown (noted)."""
    if not subnets:
        return None
    found: set[bool | None] = set()
    for subnet in subnets:
        assign = subnet.assign_ipv6_address_on_creation
        if assign and subnet.ipv6_cidr is None:
            notes.append(f"the IPv6 CIDR of {subnet.address} is unknown")
            found.add(None)
        else:
            found.add(assign)
            if assign is None:
                notes.append(f"assign_ipv6_address_on_creation of {subnet.address} is unknown")
    return found.pop() if len(found) == 1 else None
