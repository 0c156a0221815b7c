"""The sources TFV201 tries for one subnet, except transit gateways (`unreachable_transit`):
the other subnets of its VPC, the internet, peered VPCs, and every other way out of its route
table. Each yields, per source, None if it can connect (the caller then stops) or why not.

What a source's verdict reads decides what it is computed for: the internet's and the exits'
verdicts read the subnet's VPC, route tables, families and NACLs but not its addresses, so
they are computed once for subnets alike in those (`Reach.verdicts`).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfvpc.analyse.routing import TableRouting, family_window, gateway_of
from tfvpc.analyse.transit_routing import modelled_transit_gateway
from tfvpc.analyse.unreachable_reach import Reach, Side, Verdict, cidrs, names
from tfvpc.model import Network, Route, Subnet, Vpc
from tfvpc.space import FlowSet

_NO_CONNECTION_TARGETS = ("local", "nat", "eigw")
"""Route targets through which nobody opens connections into the subnet."""


def sibling_verdicts(
    reach: Reach, subnet: Subnet, vpc: Vpc, side: Side
) -> Iterator[Verdict | None]:
    """The other subnets of the VPC, one source per NACL they share (R-RT-4 local route)."""
    groups = reach.siblings(vpc, subnet)
    if not groups:
        return
    # The subnet's own addresses are `side.addresses`: its share of the VPC's goes with them.
    local = reach.local_addresses(vpc)
    rest = local - side.addresses
    # `rest` is open in protocol and port: the span of the NACL meets it where the NACL does.
    if rest and reach.span(side.inbound).isdisjoint(rest):
        # Nothing from any sibling gets in: one verdict for all of them.
        everyone = [m.address for g in groups for m in g.members if m.address != subnet.address]
        blocked = f"NACL {', '.join(side.nacls)} admits nothing inbound from {cidrs(rest)}"
        yield Verdict(f"{names(everyone)} (local route)", blocked, True)
        return
    window = family_window(subnet)
    for group in groups:
        source = reach.source_without(group, subnet, side)
        if source is None or group.source is None:
            yield None  # their NACLs are unknown: they may well connect
            return
        outside = rest if source.addresses is local else source.addresses - side.addresses
        clients = outside & window
        if not clients:
            continue  # no address of its family outside this subnet (an overlap, TFV204)
        # The clients are among the group's addresses: the NACL is read there only.
        admitted = reach.within(side.inbound, group.source.addresses)
        why = reach.connect_once(admitted, side, clients, source, side.addresses)
        if why is None:
            yield None
            return
        others = [m.address for m in group.members if m.address != subnet.address]
        yield Verdict(f"{names(others)} (local route)", why, True)


def internet_verdict(
    reach: Reach, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Verdict | None:
    """The internet, through an internet gateway attached to the VPC (R-PUB-1)."""
    key = ("internet", vpc.address, _addresses(tables), side.inbound, side.outbound, side.nacls)
    found = reach.verdicts.get(key)
    if found is None:
        found = reach.verdicts[key] = (_internet(reach, vpc, side, tables),)
    return found[0]


def _internet(reach: Reach, vpc: Vpc, side: Side, tables: list[TableRouting]) -> Verdict | None:
    igws = reach.gateways(vpc.address, "igw")
    if not igws:
        return Verdict("internet", f"{vpc.address} has no attached internet gateway", False)
    gateways = frozenset(g.address for g in igws)
    clients = reach.via(tables, gateways) & reach.internet(vpc)
    if not clients:
        where = ", ".join(t.table.address for t in tables) or "its route table"
        listed = names(sorted(gateways))
        return Verdict("internet", f"{where} routes no internet address to {listed}", False)
    why = reach.connect(side, clients)
    return None if why is None else Verdict("internet", why, True)


def peering_verdicts(
    reach: Reach, subnet: Subnet, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Iterator[Verdict | None]:
    """Subnets of peered VPCs, when both sides route through the peering (R-PEER-1)."""
    network = reach.network
    for pcx in reach.gateways(vpc.address, "pcx"):
        peers = [network.vpcs[v] for v in pcx.vpcs if v != vpc.address and v in network.vpcs]
        if pcx.accepted is False or len(peers) != 1:
            continue  # unaccepted: nothing passes (TFV203); a peer outside the model is an exit
        through = frozenset((pcx.address,))
        out = reach.via(tables, through)
        for other in reach.subnets_of(peers[0].address):
            source = reach.side_of(other, peers[0])
            if source is None:
                yield None
                return
            back = reach.via(reach.routing.of_subnet(other), through)
            name = f"{other.address} via {pcx.address}"
            if out.isdisjoint(source.addresses):
                yield Verdict(name, f"{subnet.address} has no route to it via {pcx.address}", False)
            elif back.isdisjoint(side.addresses):
                yield Verdict(name, f"it has no route back via {pcx.address}", False)
            else:
                why = reach.connect(side, out & source.addresses, source, back & side.addresses)
                yield None if why is None else Verdict(name, why, True)


def exit_verdicts(
    reach: Reach, subnet: Subnet, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Iterator[Verdict | None]:
    """Every other way out of the table: whoever is behind it may connect from its routes."""
    window = family_window(subnet)
    key = (
        "exits",
        vpc.address,
        window,
        _addresses(tables),
        side.inbound,
        side.outbound,
        side.nacls,
    )
    found = reach.verdicts.get(key)
    if found is None:
        found = reach.verdicts[key] = tuple(
            _until_connected(_exits(reach, window, vpc, side, tables))
        )
    return iter(found)


def _addresses(tables: list[TableRouting]) -> tuple[str, ...]:
    return tuple(t.table.address for t in tables)


def _until_connected(verdicts: Iterator[Verdict | None]) -> Iterator[Verdict | None]:
    """Yield the verdicts up to the first source that connects."""
    for verdict in verdicts:
        yield verdict
        if verdict is None:
            return


def _exits(
    reach: Reach, window: FlowSet, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Iterator[Verdict | None]:
    outside = reach.outside(window, vpc)
    if not tables:
        yield exit_verdict(reach, side, "unknown route table", outside)
        return
    network = reach.network
    for table in tables:
        for share in table.shares:
            if _is_exit(network, vpc, share.route) and not modelled_transit_gateway(
                network, share.route.target or ""
            ):
                yield exit_verdict(reach, side, _exit_name(share.route), share.destinations)
        for route in table.unresolved_exits:
            if _is_exit(network, vpc, route):
                yield exit_verdict(reach, side, _exit_name(route), outside)
        for gateway in table.table.propagating_gateways:
            yield exit_verdict(reach, side, f"routes propagated from {gateway}", outside)


def exit_verdict(reach: Reach, side: Side, name: str, clients: FlowSet) -> Verdict | None:
    """Return None if whoever sits behind the exit `name` can connect from `clients`, else
    why not."""
    why = reach.connect(side, clients, None)
    return None if why is None else Verdict(name, why, True)


def _exit_name(route: Route) -> str:
    target = route.target or route.target_ref or f"unknown {route.target_kind} target"
    return f"{target} ({route.destination or route.prefix_list or 'unknown destination'})"


def _is_exit(network: Network, vpc: Vpc, route: Route) -> bool:
    """Return True for a route behind which unmodelled sources may sit."""
    if route.target_kind in _NO_CONNECTION_TARGETS:
        return False
    gateway = gateway_of(route, network)
    if gateway is None:
        return (
            route.target is None and route.target_ref is not None
        ) or route.target_kind == "unknown"
    if gateway.external_id is not None or gateway.unknowns:
        return True
    if gateway.kind == "igw":
        return False  # handled as the internet source, or a blackhole (TFV203)
    if gateway.kind == "pcx":
        peers = [v for v in gateway.vpcs if v != vpc.address]
        return gateway.accepted is not False and not all(v in network.vpcs for v in peers)
    return vpc.address in gateway.vpcs or not gateway.vpcs or gateway.kind in ("eni", "instance")
