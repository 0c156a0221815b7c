"""Transit gateway route tables as lookups: which attachment each destination is delivered to.

R-TGW-1: a transit gateway forwards a packet by the route table associated with the attachment
it arrived on, longest prefix first; a static route (``aws_ec2_transit_gateway_route``) beats a
propagated one of the same length, a ``blackhole`` route drops. Each propagating VPC attachment
contributes its VPC's CIDRs, each propagating VPN its static routes (BGP routes are unknown).

Everything here is read towards reachability, as TFV201 reads the model: a static route that
may not exist drops nothing, a route whose destination or attachment is unknown may deliver
anything anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.analyse.routing import prefix_length
from tfvpc.model import Network, Subnet, TransitAttachment, TransitRouteTable
from tfvpc.space import FlowSet, cidr_range, parse_cidr


@dataclass(frozen=True)
class TransitLookup:
    """A transit gateway route table partitioned by longest prefix match.

    `delivered` maps an attachment to the destinations routed to it; `blackholed` are the
    destinations a blackhole route drops, `blackholes` those routes' origins; `anywhere` the
    attachments that may receive any destination and `uncertain` why.
    """

    table: TransitRouteTable
    delivered: dict[str, FlowSet] = field(default_factory=dict)
    blackholed: FlowSet = field(default_factory=FlowSet.empty)
    blackholes: tuple[str, ...] = ()
    anywhere: frozenset[str] = frozenset()
    uncertain: tuple[str, ...] = ()

    def to(self, attachment: str) -> FlowSet:
        """Return the destinations this table may deliver to `attachment` (everything when an
        unknown could send them there)."""
        if attachment in self.anywhere or self.uncertain:
            return FlowSet.universe()
        return self.delivered.get(attachment, FlowSet.empty())


def _cidrs_of(network: Network, destination: str | None, prefix_list: str | None) -> list[str]:
    """Return the CIDRs a route's destination names; empty when they are unknown."""
    if destination is not None:
        return [destination]
    listed = network.prefix_lists.get(prefix_list) if prefix_list is not None else None
    return list(listed.cidrs) if listed is not None and listed.cidrs is not None else []


def transit_lookup(network: Network, table: TransitRouteTable) -> TransitLookup:
    """Return the longest-prefix-match partition of a transit gateway route table (R-TGW-1)."""
    # (negative prefix length, propagated, order, attachment or None for a blackhole, cidr)
    entries: list[tuple[int, bool, int, str | None, str]] = []
    uncertain: list[str] = list(table.unknowns)
    anywhere: set[str] = set()
    origins: dict[int, str] = {}
    for order, route in enumerate(table.routes):
        if route.blackhole and route.unknowns:
            continue  # a blackhole that may not exist drops nothing for sure
        cidrs = [
            c
            for c in _cidrs_of(network, route.destination, route.prefix_list)
            if parse_cidr(c) is not None
        ]
        if not cidrs or (route.attachment is None and not route.blackhole):
            uncertain.extend(route.unknowns or (f"{route.origin} routes an unknown destination",))
            continue
        origins[order] = route.origin
        target = None if route.blackhole else route.attachment
        entries += [(-prefix_length(cidr_range(c)), False, order, target, c) for c in cidrs]
    base = len(table.routes)
    for offset, address in enumerate(table.propagations):
        propagated = _propagated(network, network.transit_attachments.get(address))
        if propagated is None:
            anywhere.add(address)
            continue
        order = base + offset
        entries += [(-prefix_length(cidr_range(c)), True, order, address, c) for c in propagated]
    entries.sort(key=lambda entry: entry[:3])
    claimed = FlowSet.empty()
    delivered: dict[str, FlowSet] = {}
    blackholed = FlowSet.empty()
    blackholes: list[str] = []
    for _, _, order, target, cidr in entries:
        share = FlowSet.of(-1, cidr) - claimed
        claimed = claimed | FlowSet.of(-1, cidr)
        if not share:
            continue
        if target is None:
            blackholed = blackholed | share
            blackholes.append(origins[order])
        else:
            delivered[target] = delivered.get(target, FlowSet.empty()) | share
    return TransitLookup(
        table,
        delivered,
        blackholed,
        tuple(dict.fromkeys(blackholes)),
        frozenset(anywhere),
        tuple(dict.fromkeys(uncertain)),
    )


def _propagated(network: Network, attachment: TransitAttachment | None) -> list[str] | None:
    """Return the CIDRs an attachment propagates, None when they are unknown (R-TGW-1)."""
    if attachment is None or attachment.unknowns:
        return None
    if attachment.kind == "vpc":
        vpc = network.vpcs.get(attachment.vpc) if attachment.vpc is not None else None
        if vpc is None or vpc.unknowns:
            return None
        return [c for c in (*vpc.ipv4_cidrs, *vpc.ipv6_cidrs) if parse_cidr(c) is not None]
    if attachment.kind == "vpn":
        connection = network.vpn_connections.get(attachment.address)
        if connection is None or connection.static_routes is None:
            return None
        if connection.static_routes_only is not True:
            return None  # R-VPN-1: BGP routes are learned at run time
        return [c for c in connection.static_routes if parse_cidr(c) is not None]
    return None


def associated_tables(network: Network, attachment: str) -> list[TransitRouteTable]:
    """Return the route tables `attachment` is associated with, by address."""
    return [
        table
        for _, table in sorted(network.transit_route_tables.items())
        if attachment in table.associations
    ]


def modelled_transit_gateway(network: Network, gateway: str) -> bool:
    """Return True when the input declares the transit gateway and its route tables with
    nothing unknown, so that its attachments are all known; a gateway shared from elsewhere
    (known by id) may have attachments the input does not show."""
    known = network.gateways.get(gateway)
    if known is None or known.kind != "tgw" or known.external_id is not None or known.unknowns:
        return False
    return any(t.transit_gateway == gateway for t in network.transit_route_tables.values())


def attachments_of(network: Network, gateway: str) -> list[TransitAttachment]:
    """Return the attachments of a transit gateway, by address."""
    return [
        attachment
        for _, attachment in sorted(network.transit_attachments.items())
        if attachment.transit_gateway == gateway
    ]


def zone_gap(network: Network, attachment: TransitAttachment, subnet: Subnet) -> str | None:
    """Return why the attachment cannot deliver to or take from `subnet` (U-7: it has no subnet
    in the subnet's availability zone), None when it can or the zones are not all known."""
    zone = subnet.availability_zone
    zones = [
        network.subnets[s].availability_zone if s in network.subnets else None
        for s in attachment.subnets
    ]
    if zone is None or not zones or None in zones or zone in zones:
        return None
    held = ", ".join(sorted({z for z in zones if z is not None}))
    return (
        f"{attachment.address} has no subnet in {zone} (only {held}), so it cannot serve it (U-7)"
    )
