"""TFV201 unreachable-subnet: subnets that no source can open any connection into.

Sources considered, each with the route both ways and the NACLs on the way (R-NACL-1, stateless):

* the other subnets of the same VPC (local route, R-RT-4), grouped by the NACL they share; their
  outbound NACL must let the request out and their inbound NACL the reply in;
* the internet, when the VPC has an attached internet gateway and the subnet's table routes some
  internet addresses to it (the return path, R-PUB-1);
* the subnets of a VPC peered through an accepted peering, when each side routes the other's
  addresses through that peering (R-PEER-1);
* the subnets of VPCs attached to a transit gateway the input declares with its route tables,
  when both VPCs and both attachments' TGW tables route each other's addresses (R-TGW-1,
  symmetric; a blackhole route drops; an attachment without a subnet in the zone cannot serve
  it, U-7), and its VPN or peering attachments from the addresses both tables route;
* every other way out of the subnet's route table (a transit gateway known only by id, VPN
  gateway and route propagation, appliances, endpoints, targets known only by id or unknown):
  whoever sits behind it may connect from the route's destinations (R-VPN-1: on-premises).

A source can open a connection when some request flow passes every NACL on its way in and some
of the replies it needs (R-NACL-11: ephemeral ports, ICMP reply types) pass on the way back.
NAT gateways and egress-only gateways never admit connections (R-IP-3, R-IP-5). Everything is
read permissively (unknowns resolved towards reachability), so a finding is definite.

R-NACL-12 (unverified): a NACL does not filter traffic inside its own subnet, so the subnet itself
is never counted as a source; a subnet reachable only from inside itself is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tfvpc.analyse.exposure_text import describe_nacl_rule
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.internet import internet_sources
from tfvpc.analyse.peer_space import open_addresses
from tfvpc.analyse.routing import (
    RoutingIndex,
    TableRouting,
    attached_gateways,
    family_window,
    gateway_of,
    subnet_addresses,
    vpc_addresses,
)
from tfvpc.analyse.transit_routing import (
    TransitLookup,
    associated_tables,
    attachments_of,
    modelled_transit_gateway,
    transit_lookup,
    zone_gap,
)
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import (
    Gateway,
    Network,
    Route,
    Subnet,
    TransitAttachment,
    TransitRouteTable,
    Vpc,
)
from tfvpc.space import FlowSet

_NO_CONNECTION_TARGETS = ("local", "nat", "eigw")
"""Route targets through which nobody opens connections into the subnet."""

_SHOWN = 4
"""How many subnet names a hop lists before saying how many more there are."""


@dataclass(frozen=True)
class _Side:
    """One end of a connection: its NACLs' allowed flows and its address space."""

    inbound: FlowSet
    outbound: FlowSet
    addresses: FlowSet
    nacls: tuple[str, ...]


@dataclass(frozen=True)
class _Verdict:
    """Why one source cannot connect; `routed` is False when routing, not a NACL, stops it."""

    source: str
    reason: str
    routed: bool


def find_unreachable_subnets(
    network: Network, routing: RoutingIndex, flows: FlowCache
) -> list[Finding]:
    """Return a TFV201 finding for every subnet that no source can open a connection into."""
    reach = _Reach(network, routing, flows)
    findings: list[Finding] = []
    for address in sorted(network.subnets):
        subnet = network.subnets[address]
        vpc = network.vpcs.get(subnet.vpc) if subnet.vpc else None
        side = reach.side_of(subnet, None)
        if vpc is None or side is None or not side.addresses:
            continue  # unknown VPC, NACL or CIDR: nothing certain to say
        finding = _check(reach, subnet, vpc, side)
        if finding is not None:
            findings.append(finding)
    return findings


class _Reach:
    """The network, its route partitions and NACL flows, and what the checks of many subnets
    share: each subnet's NACL view (one object for subnets behind NACLs alike), the merged
    views of its neighbours, and per VPC its subnets, internet clients and gateways."""

    def __init__(self, network: Network, routing: RoutingIndex, flows: FlowCache) -> None:
        self.network = network
        self.routing = routing
        self.flows = flows
        self._sides: dict[tuple[str, str | None], _Side | None] = {}
        self._members: dict[str, list[Subnet]] = {}
        self._internet: dict[str, FlowSet] = {}
        self._allowed: dict[tuple[tuple[FlowSet, ...], FlowSet], FlowSet] = {}
        self._gateways: dict[tuple[str, str], list[Gateway]] = {}
        self._local: dict[str, FlowSet] = {}
        self._merged: dict[tuple[str, tuple[str, ...]], _Side | None] = {}
        self._lookups: dict[str, TransitLookup] = {}
        for address in sorted(network.subnets):
            subnet = network.subnets[address]
            if subnet.vpc is not None:
                self._members.setdefault(subnet.vpc, []).append(subnet)

    def transit_lookups(self, attachment: str) -> list[TransitLookup]:
        """Return the lookups of the transit gateway route tables `attachment` is associated
        with, once per table."""
        return [self._lookup(t) for t in associated_tables(self.network, attachment)]

    def _lookup(self, table: TransitRouteTable) -> TransitLookup:
        found = self._lookups.get(table.address)
        if found is None:
            found = self._lookups[table.address] = transit_lookup(self.network, table)
        return found

    def internet(self, vpc: Vpc) -> FlowSet:
        """Return the internet clients of both families as seen from `vpc` (R-CIDR-3)."""
        found = self._internet.get(vpc.address)
        if found is None:
            found = FlowSet.union_all(internet_sources(vpc, family) for family in (4, 6))
            self._internet[vpc.address] = found
        return found

    def local_addresses(self, vpc: Vpc) -> FlowSet:
        """Return the addresses of every subnet of `vpc` (the whole VPC for a subnet whose
        CIDR is unknown)."""
        found = self._local.get(vpc.address)
        if found is None:
            found = FlowSet.union_all(
                subnet_addresses(m) or vpc_addresses(vpc) for m in self.subnets_of(vpc.address)
            )
            self._local[vpc.address] = found
        return found

    def merged(self, members: list[Subnet], vpc: Vpc) -> _Side | None:
        """Return the NACL views of subnets of `vpc` as one source, None if one is unknown."""
        key = (vpc.address, tuple(m.address for m in members))
        if key not in self._merged:
            sides = [self.side_of(m, vpc) for m in members]
            known = [side for side in sides if side is not None]
            self._merged[key] = _merged(known) if len(known) == len(sides) else None
        return self._merged[key]

    def subnets_of(self, vpc: str) -> list[Subnet]:
        """Return the subnets of `vpc`, by address."""
        return self._members.get(vpc, [])

    def side_of(self, subnet: Subnet, vpc: Vpc | None) -> _Side | None:
        """Return the subnet's NACL view (several NACLs, if ambiguous, are unioned), None if
        unknown. An unknown CIDR stands for the whole VPC (`vpc`) when given, else for nothing.
        """
        key = (subnet.address, vpc.address if vpc is not None else None)
        if key not in self._sides:
            self._sides[key] = self._side(subnet, vpc)
        return self._sides[key]

    def _side(self, subnet: Subnet, vpc: Vpc | None) -> _Side | None:
        network = self.network
        nacls = [network.nacls[n] for n in subnet.nacls if n in network.nacls]
        if not nacls or len(nacls) < len(subnet.nacls):
            return None
        window = family_window(subnet)
        addresses = subnet_addresses(subnet)
        if subnet.ipv4_cidr is None and vpc is not None:
            addresses = addresses | vpc_addresses(vpc)
        inbound = tuple(self.flows.nacl_allowed(n, False, permissive=True) for n in nacls)
        outbound = tuple(self.flows.nacl_allowed(n, True, permissive=True) for n in nacls)
        return _Side(
            inbound=self.allowed(inbound, window),
            outbound=self.allowed(outbound, window),
            addresses=addresses,
            nacls=tuple(n.address for n in nacls),
        )

    def allowed(self, allowed: tuple[FlowSet, ...], window: FlowSet) -> FlowSet:
        """Return what some of the `allowed` sets allow within `window`, one object for NACLs
        alike (their sources then merge at no cost)."""
        key = (allowed, window)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = FlowSet.union_all(allowed) & window
        return found

    def gateways(self, vpc: str, kind: str) -> list[Gateway]:
        """Return `routing.attached_gateways(network, vpc, kind)`, once per VPC and kind."""
        key = (vpc, kind)
        found = self._gateways.get(key)
        if found is None:
            found = self._gateways[key] = attached_gateways(self.network, vpc, kind)
        return found

    def connect(
        self,
        target: _Side,
        clients: FlowSet,
        source: _Side | None = None,
        toward: FlowSet | None = None,
    ) -> str | None:
        """Return None if some client can connect to `target`, else why not.

        `clients` are the client addresses the target can route replies to (open in protocol
        and port). A modelled `source` side must also let the request out towards `toward` (the
        target's addresses it routes to) and let some reply back in.
        """
        names = ", ".join(target.nacls)
        requests = target.inbound & clients
        if not requests:
            return f"NACL {names} admits nothing inbound from {_cidrs(clients)}"
        sent = FlowSet.empty()
        if source is not None and toward is not None:
            sent = source.outbound & toward & open_addresses(requests)
            requests = requests & open_addresses(sent)
            if not requests:
                others = ", ".join(source.nacls)
                return f"NACL {others} lets out none of what NACL {names} admits from it"
        if self.flows.needed_replies(requests).isdisjoint(target.outbound):
            return f"NACL {names} lets no reply out to {_cidrs(clients)}"
        if source is not None and self.flows.needed_replies(sent).isdisjoint(source.inbound):
            return f"NACL {', '.join(source.nacls)} lets no reply back in"
        return None


def _cidrs(flows: FlowSet) -> str:
    return _names(flows.cidrs())


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _check(reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side) -> Finding | None:
    own = side.addresses
    if not side.inbound - own:
        return _dead(reach, subnet, side, egress=False)
    if not side.outbound - own:
        return _dead(reach, subnet, side, egress=True)
    tables = reach.routing.of_subnet(subnet)
    verdicts: list[_Verdict] = []
    for verdict in _verdicts(reach, subnet, vpc, side, tables):
        if verdict is None:
            return None
        verdicts.append(verdict)
    return _unreachable(reach.network, subnet, vpc, side, tables, verdicts)


def _verdicts(
    reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side, tables: list[TableRouting]
) -> Iterator[_Verdict | None]:
    """Yield, per source, None if it can connect (the caller then stops) or why it cannot."""
    yield from _sibling_verdicts(reach, subnet, vpc, side)
    yield _internet_verdict(reach, vpc, side, tables)
    yield from _peering_verdicts(reach, subnet, vpc, side, tables)
    yield from _transit_verdicts(reach, subnet, vpc, side, tables)
    yield from _exit_verdicts(reach, subnet, vpc, side, tables)


def _merged(sides: list[_Side]) -> _Side:
    return _Side(
        inbound=FlowSet.union_all(s.inbound for s in sides),
        outbound=FlowSet.union_all(s.outbound for s in sides),
        addresses=FlowSet.union_all(s.addresses for s in sides),
        nacls=tuple(dict.fromkeys(n for s in sides for n in s.nacls)),
    )


def _sibling_verdicts(
    reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side
) -> Iterator[_Verdict | None]:
    """The other subnets of the VPC, one source per NACL they share (R-RT-4 local route)."""
    groups: dict[tuple[str, ...], list[Subnet]] = {}
    for other in reach.subnets_of(vpc.address):
        if other.address != subnet.address:
            groups.setdefault(other.nacls, []).append(other)
    everyone = [m for members in groups.values() for m in members]
    # The subnet's own addresses are `side.addresses`: its share of the VPC's goes with them.
    addresses = reach.local_addresses(vpc) - side.addresses
    if everyone and addresses and side.inbound.isdisjoint(addresses):
        # Nothing from any sibling gets in: one verdict for all of them.
        names = _names([m.address for m in everyone])
        blocked = f"NACL {', '.join(side.nacls)} admits nothing inbound from {_cidrs(addresses)}"
        yield _Verdict(f"{names} (local route)", blocked, True)
        return
    for members in groups.values():
        source = reach.merged(members, vpc)
        if source is None:
            yield None  # their NACLs are unknown: they may well connect
            return
        clients = (source.addresses - side.addresses) & family_window(subnet)
        if not clients:
            continue  # no address of its family outside this subnet (an overlap, TFV204)
        why = reach.connect(side, clients, source, side.addresses)
        name = f"{_names([m.address for m in members])} (local route)"
        yield None if why is None else _Verdict(name, why, True)


def _via(tables: list[TableRouting], target: str) -> FlowSet:
    """Return the destinations the tables route to `target`."""
    return FlowSet.union_all(t.won_by(lambda r: r.target == target) for t in tables)


def _internet_verdict(
    reach: _Reach, vpc: Vpc, side: _Side, tables: list[TableRouting]
) -> _Verdict | None:
    igws = reach.gateways(vpc.address, "igw")
    if not igws:
        return _Verdict("internet", f"{vpc.address} has no attached internet gateway", False)
    names = {g.address for g in igws}
    routed = FlowSet.union_all(t.won_by(lambda r: r.target in names) for t in tables)
    clients = routed & reach.internet(vpc)
    if not clients:
        where = ", ".join(t.table.address for t in tables) or "its route table"
        gateways = _names(sorted(names))
        return _Verdict("internet", f"{where} routes no internet address to {gateways}", False)
    why = reach.connect(side, clients)
    return None if why is None else _Verdict("internet", why, True)


def _peering_verdicts(
    reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side, tables: list[TableRouting]
) -> Iterator[_Verdict | None]:
    """Subnets of peered VPCs, when both sides route through the peering (R-PEER-1)."""
    network = reach.network
    for pcx in reach.gateways(vpc.address, "pcx"):
        peers = [network.vpcs[v] for v in pcx.vpcs if v != vpc.address and v in network.vpcs]
        if pcx.accepted is False or len(peers) != 1:
            continue  # unaccepted: nothing passes (TFV203); a peer outside the model is an exit
        out = _via(tables, pcx.address)
        for other in reach.subnets_of(peers[0].address):
            source = reach.side_of(other, peers[0])
            if source is None:
                yield None
                return
            back = _via(reach.routing.of_subnet(other), pcx.address)
            name = f"{other.address} via {pcx.address}"
            if out.isdisjoint(source.addresses):
                yield _Verdict(
                    name, f"{subnet.address} has no route to it via {pcx.address}", False
                )
            elif back.isdisjoint(side.addresses):
                yield _Verdict(name, f"it has no route back via {pcx.address}", False)
            else:
                why = reach.connect(side, out & source.addresses, source, back & side.addresses)
                yield None if why is None else _Verdict(name, why, True)


def _transit_gateways(reach: _Reach, tables: list[TableRouting]) -> list[str]:
    """Return the modelled transit gateways the tables route something to, by address."""
    found = {
        share.route.target
        for table in tables
        for share in table.shares
        if share.route.target is not None
    }
    return sorted(g for g in found if modelled_transit_gateway(reach.network, g))


def _transit_verdicts(
    reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side, tables: list[TableRouting]
) -> Iterator[_Verdict | None]:
    """Sources behind a transit gateway the input declares with its route tables (R-TGW-1):
    subnets of the other attached VPCs, and VPN or peering attachments from their routes."""
    network = reach.network
    for tgw in _transit_gateways(reach, tables):
        back = _via(tables, tgw)
        own = [a for a in attachments_of(network, tgw) if a.kind == "vpc" and a.vpc == vpc.address]
        if not own:
            yield _Verdict(tgw, f"{vpc.address} has no attachment to {tgw}", False)
            continue
        for here in own:
            gap = zone_gap(network, here, subnet)
            if gap is not None:
                yield _Verdict(f"sources via {tgw}", gap, False)
                continue
            home = reach.transit_lookups(here.address)
            if not home:
                why = f"{here.address} is associated with no route table of {tgw}"
                yield _Verdict(f"sources via {tgw}", why, False)
                continue
            for there in attachments_of(network, tgw):
                if there.address != here.address:
                    yield from _attachment_verdicts(
                        reach, subnet, side, tgw, here, there, home, back
                    )


def _attachment_verdicts(
    reach: _Reach,
    subnet: Subnet,
    side: _Side,
    tgw: str,
    here: TransitAttachment,
    there: TransitAttachment,
    home: list[TransitLookup],
    back: FlowSet,
) -> Iterator[_Verdict | None]:
    """The sources behind one other attachment of the transit gateway (R-TGW-1, symmetric)."""
    network = reach.network
    lookups = reach.transit_lookups(there.address)
    if not lookups:
        lone = f"{there.address} is associated with no route table of {tgw}"
        yield _Verdict(f"{there.address} via {tgw}", lone, False)
        return
    forward = FlowSet.union_all(t.to(here.address) for t in lookups) & side.addresses
    returned = FlowSet.union_all(t.to(there.address) for t in home)
    peer = network.vpcs.get(there.vpc) if there.vpc is not None else None
    if there.kind != "vpc" or peer is None:
        # A VPN, a peering or a VPC outside the input: whoever sits behind it may connect from
        # the addresses both tables route (R-VPN-1 for a VPN: on-premises, not the internet).
        name = f"{there.address} ({there.kind}) via {tgw}"
        cut = _transit_path(subnet, tgw, here, there, lookups, forward, returned & back)
        yield _Verdict(name, cut, False) if cut else _exit(reach, side, name, returned & back)
        return
    for other in reach.subnets_of(peer.address):
        source = reach.side_of(other, peer)
        if source is None:
            yield None
            return
        name = f"{other.address} via {tgw}"
        out = _via(reach.routing.of_subnet(other), tgw) & side.addresses
        if not out:
            yield _Verdict(name, f"it has no route to {subnet.address} via {tgw}", False)
            continue
        gap = zone_gap(network, there, other)
        why = gap or _transit_path(
            subnet, tgw, here, there, lookups, forward & out, returned & back & source.addresses
        )
        if why is not None:
            yield _Verdict(name, why, False)
            continue
        clients = returned & back & source.addresses
        verdict = reach.connect(side, clients, source, forward & out)
        yield None if verdict is None else _Verdict(name, verdict, True)


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


def _exit_verdicts(
    reach: _Reach, subnet: Subnet, vpc: Vpc, side: _Side, tables: list[TableRouting]
) -> Iterator[_Verdict | None]:
    """Every other way out of the table: whoever is behind it may connect from its routes."""
    outside = family_window(subnet) - vpc_addresses(vpc)
    if not tables:
        yield _exit(reach, side, "unknown route table", outside)
        return
    for table in tables:
        for share in table.shares:
            if _is_exit(reach.network, vpc, share.route) and not modelled_transit_gateway(
                reach.network, share.route.target or ""
            ):
                yield _exit(reach, side, _exit_name(share.route), share.destinations)
        for route in table.unresolved_exits:
            if _is_exit(reach.network, vpc, route):
                yield _exit(reach, side, _exit_name(route), outside)
        for gateway in table.table.propagating_gateways:
            yield _exit(reach, side, f"routes propagated from {gateway}", outside)


def _exit(reach: _Reach, side: _Side, name: str, clients: FlowSet) -> _Verdict | None:
    why = reach.connect(side, clients, None)
    return None if why is None else _Verdict(name, why, True)


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


def _dead(reach: _Reach, subnet: Subnet, side: _Side, *, egress: bool) -> Finding:
    """U-2: the NACL allows nothing at all in one direction (beyond the subnet itself)."""
    network = reach.network
    direction = "outbound" if egress else "inbound"
    nacls = [network.nacls[n] for n in side.nacls]
    deciding = [
        describe_nacl_rule(rule)
        for nacl in nacls
        for rule, decided in reach.flows.nacl_decisions(nacl, egress, permissive=True)
        if decided
    ]
    names = ", ".join(side.nacls)
    effect = "no packet can enter" if not egress else "no reply can leave, so no connection opens"
    return make_finding(
        "TFV201",
        resource=subnet.address,
        message=(
            f"{subnet.address} cannot be reached by any source: NACL {names} allows nothing"
            f" {direction} from outside the subnet ({'; '.join(deciding)}), so {effect} (U-2);"
            " only traffic inside the subnet flows, as its NACL does not filter it (R-NACL-12)"
        ),
        related=(*side.nacls, *subnet.route_tables),
        path=(
            Hop(hop=subnet.address, detail=f"NACL {names}"),
            *(
                Hop(hop=nacl.address, detail=f"{direction}: {'; '.join(deciding)}")
                for nacl in nacls
            ),
        ),
        location=network.locations.get(subnet.address) or subnet.location,
        fingerprint_extra=direction,
    )


def _unreachable(
    network: Network,
    subnet: Subnet,
    vpc: Vpc,
    side: _Side,
    tables: list[TableRouting],
    verdicts: list[_Verdict],
) -> Finding:
    routed = any(v.routed for v in verdicts)
    shown = "; ".join(f"{v.source}: {v.reason}" for v in verdicts[:3])
    more = f"; and {len(verdicts) - 3} more sources (see path)" if len(verdicts) > 3 else ""
    if routed:
        summary = f"no source can open a connection into {subnet.address}"
    else:
        summary = f"{subnet.address} is isolated: nothing outside it has a route to it (U-1)"
    return make_finding(
        "TFV201",
        resource=subnet.address,
        severity=None if routed else Severity.INFO,
        message=(
            f"{summary}: {shown}{more}; traffic inside the subnet itself is not filtered by its"
            " NACL (R-NACL-12)"
        ),
        related=tuple(
            dict.fromkeys((*side.nacls, *(t.table.address for t in tables), vpc.address))
        ),
        path=(
            Hop(hop=subnet.address, detail=f"NACL {', '.join(side.nacls)}"),
            *(Hop(hop=v.source, detail=v.reason) for v in verdicts),
        ),
        location=network.locations.get(subnet.address) or subnet.location,
        fingerprint_extra="sources",
    )
