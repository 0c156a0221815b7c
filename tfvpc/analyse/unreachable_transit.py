"""The TFV201 sources behind a transit gateway the input declares with its route tables
(R-TGW-1): subnets of the other attached VPCs, and VPN or peering attachments from the
addresses both tables route."""

from __future__ import annotations

from collections.abc import Iterator

from tfvpc.analyse.routing import TableRouting, subnet_addresses
from tfvpc.analyse.transit_routing import (
    TransitLookup,
    attachments_of,
    modelled_transit_gateway,
    zone_gap,
)
from tfvpc.analyse.unreachable_reach import Reach, Side, Verdict
from tfvpc.analyse.unreachable_sources import exit_verdict
from tfvpc.model import Subnet, TransitAttachment, Vpc
from tfvpc.space import FlowSet


def transit_verdicts(
    reach: Reach, subnet: Subnet, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Iterator[Verdict | None]:
    """Yield, per source behind a modelled transit gateway the tables route to, None if it can
    connect (the caller then stops) or why it cannot (R-TGW-1, symmetric)."""
    network = reach.network
    for tgw in _transit_gateways(reach, tables):
        back = reach.via(tables, frozenset((tgw,)))
        own = [a for a in attachments_of(network, tgw) if a.kind == "vpc" and a.vpc == vpc.address]
        if not own:
            yield Verdict(tgw, f"{vpc.address} has no attachment to {tgw}", False)
            continue
        for here in own:
            gap = zone_gap(network, here, subnet)
            if gap is not None:
                yield Verdict(f"sources via {tgw}", gap, False)
                continue
            home = reach.transit_lookups(here.address)
            if not home:
                why = f"{here.address} is associated with no route table of {tgw}"
                yield Verdict(f"sources via {tgw}", why, False)
                continue
            for there in attachments_of(network, tgw):
                if there.address != here.address:
                    yield from _attachment_verdicts(
                        reach, subnet, side, tgw, here, there, home, back
                    )


def _transit_gateways(reach: Reach, tables: list[TableRouting]) -> list[str]:
    """Return the modelled transit gateways the tables route something to, by address."""
    key = tuple(t.table.address for t in tables)
    found = reach.transit_gateways.get(key)
    if found is None:
        targets = {
            share.route.target
            for table in tables
            for share in table.shares
            if share.route.target is not None
        }
        found = reach.transit_gateways[key] = sorted(
            g for g in targets if modelled_transit_gateway(reach.network, g)
        )
    return found


def _attachment_verdicts(
    reach: Reach,
    subnet: Subnet,
    side: Side,
    tgw: str,
    here: TransitAttachment,
    there: TransitAttachment,
    home: list[TransitLookup],
    back: FlowSet,
) -> Iterator[Verdict | None]:
    """The sources behind one other attachment of the transit gateway (R-TGW-1, symmetric)."""
    network = reach.network
    lookups = reach.transit_lookups(there.address)
    if not lookups:
        lone = f"{there.address} is associated with no route table of {tgw}"
        yield Verdict(f"{there.address} via {tgw}", lone, False)
        return
    forward = FlowSet.union_all(t.to(here.address) for t in lookups) & side.addresses
    returned = FlowSet.union_all(t.to(there.address) for t in home)
    peer = network.vpcs.get(there.vpc) if there.vpc is not None else None
    if there.kind != "vpc" or peer is None:
        # A VPN, a peering or a VPC outside the input: whoever sits behind it may connect from
        # the addresses both tables route (R-VPN-1 for a VPN: on-premises, not the internet).
        name = f"{there.address} ({there.kind}) via {tgw}"
        cut = _transit_path(subnet, tgw, here, there, lookups, forward, returned & back)
        yield Verdict(name, cut, False) if cut else exit_verdict(reach, side, name, returned & back)
        return
    through = frozenset((tgw,))
    for other in reach.subnets_of(peer.address):
        source = reach.side_of(other, peer)
        if source is None:
            yield None
            return
        name = f"{other.address} via {tgw}"
        out = reach.via(reach.routing.of_subnet(other), through) & side.addresses
        if not out:
            yield Verdict(name, f"it has no route to {subnet.address} via {tgw}", False)
            continue
        gap = zone_gap(network, there, other)
        why = gap or _transit_path(
            subnet, tgw, here, there, lookups, forward & out, returned & back & source.addresses
        )
        if why is not None:
            yield Verdict(name, why, False)
            continue
        clients = returned & back & source.addresses
        verdict = reach.connect(side, clients, source, forward & out)
        yield None if verdict is None else Verdict(name, verdict, True)


def _transit_path(
    subnet: Subnet,
    tgw: str,
    here: TransitAttachment,
    there: TransitAttachment,
    lookups: list[TransitLookup],
    forward: FlowSet,
    returned: FlowSet,
) -> str | None:
    """Return why the transit gateway carries nothing between the attachments, None if it
    carries something both ways."""
    if not forward:
        tables = ", ".join(t.table.address for t in lookups)
        own = subnet_addresses(subnet)
        dropped = [o for t in lookups if not t.blackholed.isdisjoint(own) for o in t.blackholes]
        if dropped:
            return f"{tables} drops {subnet.address} at blackhole route {', '.join(dropped)}"
        return f"{tables} routes nothing of {subnet.address} to {here.address}"
    if not returned:
        return f"the route table of {here.address} routes nothing back to {there.address} via {tgw}"
    return None
