"""TFV203 blackhole-route: routes whose target cannot carry the traffic they attract.

R-RT-7: a route whose target is gone or unusable drops what it matches; packets do not fall back
to a shorter prefix. Checked per route:

* a reference to a resource that the input does not declare (a literal id of something outside
  the input is *not* a blackhole: it is unknown, and nothing is said);
* a gateway not attached to the route table's VPC (IGW/EIGW/VGW/endpoint of another VPC, an
  appliance ENI or NAT gateway in another VPC, a transit gateway this VPC has no attachment to);
* U-5, a NAT gateway that cannot forward: its own subnet does not route the destination to an
  internet gateway of its VPC (nor to another next hop a NAT gateway can use), or the NAT gateway
  is private / has no Elastic IP and the destination is the internet;
* U-8, a peering connection that is not accepted, joins other VPCs, is used for destinations
  outside the peer VPC (R-PEER-2, no transitive routing), or has no route back from the peer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfvpc.analyse.routing import (
    RoutingIndex,
    describe_route,
    gateway_of,
    is_attached,
    route_cidrs,
    subnet_tables,
    vpc_addresses,
)
from tfvpc.findings import Certainty, Finding, Hop, make_finding
from tfvpc.model import Gateway, Network, Route, RouteTable
from tfvpc.space import FlowSet

_TF_ADDRESS = re.compile(
    r"(?P<address>(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*(?P<data>data\.)?[a-z][a-z0-9_]*\.[\w-]+"
    r"(?:\[[^\]]*\])?)(?:\.[\w.]*)?$"
)
"""A Terraform reference such as ``aws_nat_gateway.a[0].id``, as the builder keeps it in
`Route.target_ref` when the reference leads to nothing it modelled."""

_INDEX = re.compile(r"\[[^\]]*\]$")


class _Declared:
    """The addresses the input declares, with and without their instance index; gathered on
    the first question, as only a route to nothing modelled asks."""

    def __init__(self, network: Network) -> None:
        self._network = network
        self._addresses: set[str] | None = None

    def __contains__(self, address: str) -> bool:
        if self._addresses is None:
            locations = self._network.locations
            self._addresses = {_INDEX.sub("", a) for a in locations} | set(locations)
        return address in self._addresses


@dataclass(frozen=True)
class _Defect:
    reason: str
    hops: tuple[Hop, ...] = ()
    related: tuple[str, ...] = ()
    certainty: Certainty = "definite"


def find_blackhole_routes(network: Network, routing: RoutingIndex) -> list[Finding]:
    """Return a TFV203 finding for each route of each table whose target cannot carry traffic."""
    declared = _Declared(network)
    findings: list[Finding] = []
    for address in sorted(network.route_tables):
        table = network.route_tables[address]
        for route in table.routes:
            defect = _defect(network, routing, table, route, declared)
            if defect is not None:
                findings.append(_finding(network, table, route, defect))
    return findings


def _defect(
    network: Network,
    routing: RoutingIndex,
    table: RouteTable,
    route: Route,
    declared: _Declared,
) -> _Defect | None:
    if route.target_kind == "local":
        return None
    if route.target is None or route.target not in network.gateways:
        return _dangling(route, declared)
    gateway = network.gateways[route.target]
    if gateway.external_id is not None or table.vpc is None:
        return None
    defect = _detached(network, gateway, table.vpc)
    if defect is None and gateway.kind == "nat":
        defect = _broken_nat(network, routing, route, gateway, table.vpc)
    if defect is None and gateway.kind == "pcx":
        defect = _broken_peering(network, routing, route, gateway, table.vpc)
    if defect is not None and (gateway.unknowns or route.unknowns):
        because = "; ".join((*route.unknowns, *gateway.unknowns))
        return _Defect(
            f"{defect.reason} (possibly: {because})", defect.hops, defect.related, "possible"
        )
    return defect


def _dangling(route: Route, declared: _Declared) -> _Defect | None:
    """A reference to a resource the input never declares; literal ids are left alone."""
    text = route.target or route.target_ref
    match = _TF_ADDRESS.match(text) if text else None
    if match is None or match.group("data"):
        return None
    address = match.group("address")
    if address in declared or _INDEX.sub("", address) in declared:
        return None
    return _Defect(f"its target {address} is not declared anywhere in the input")


def _detached(network: Network, gateway: Gateway, vpc: str) -> _Defect | None:
    """A gateway (or appliance, NAT gateway, endpoint) that is not in the table's VPC."""
    if gateway.kind in ("eni", "instance", "nat") and gateway.subnet is not None:
        subnet = network.subnets.get(gateway.subnet)
        home = (subnet.vpc,) if subnet is not None and subnet.vpc is not None else gateway.vpcs
    else:
        home = gateway.vpcs
    if gateway.kind not in ("igw", "eigw", "vgw", "vpce", "tgw", "pcx", "eni", "instance", "nat"):
        return None
    if vpc in home or (gateway.kind == "tgw" and not home):
        return None
    where = f"belongs to {', '.join(home)}, not {vpc}" if home else "is attached to no VPC"
    return _Defect(
        f"{gateway.kind} {gateway.address} {where} (R-RT-7)",
        (Hop(hop=gateway.address, detail=where),),
        (gateway.address, *home),
    )


def _forwards(network: Network, route: Route, nat: Gateway, vpc: str) -> bool:
    """Return True if a NAT gateway can pass traffic on along `route` of its own subnet's table.

    A public NAT gateway (or one of unknown type) uses an internet gateway of its VPC; a private
    one cannot (R-IP-3). An internet gateway known only by id or whose attachment is unknown
    gets the benefit of the doubt, as does any other next hop outside the VPC (transit gateway,
    VGW, peering, appliance, an external or unknown target); another NAT gateway, an egress-only
    gateway or no route at all drops the traffic.
    """
    if route.target_kind == "igw":
        gateway = gateway_of(route, network)
        usable = (
            gateway is None
            or gateway.external_id is not None
            or bool(gateway.unknowns)
            or is_attached(gateway, vpc)
        )
        return nat.public is not False and usable
    return route.target_kind not in ("nat", "eigw", "local")


def _broken_nat(
    network: Network, routing: RoutingIndex, route: Route, nat: Gateway, vpc: str
) -> _Defect | None:
    """U-5: the part of the route's destination outside the VPC that the NAT gateway drops."""
    subnet = network.subnets.get(nat.subnet) if nat.subnet else None
    vpc_model = network.vpcs.get(vpc)
    cidrs = route_cidrs(route, network)
    if subnet is None or vpc_model is None or cidrs is None:
        return None
    tables = [routing.of(t) for t in subnet_tables(subnet, network)]
    if not tables or any(t.unresolved_exits for t in tables):
        return None
    # NAT64 destinations (IPv6 routes to a NAT gateway) are left alone: only IPv4 is checked.
    wanted = FlowSet.union_all(FlowSet.of(-1, c) for c in cidrs).restrict(family=4)
    wanted = wanted - vpc_addresses(vpc_model)
    dropped = FlowSet.empty()
    for table in tables:
        carried = table.won_by(lambda r: _forwards(network, r, nat, vpc))
        dropped = dropped | (wanted - carried)
    if not dropped:
        return None
    winners = [(t.table.address, s.route) for t in tables for s in t.winners(dropped)]
    how = "; ".join(f"{table}: {describe_route(r)}" for table, r in winners)
    if nat.public is False:
        what = f"NAT gateway {nat.address} is private or has no Elastic IP (R-IP-3)"
    else:
        what = f"NAT gateway {nat.address} sits in {subnet.address}"
    part = "" if dropped == wanted else f" for {', '.join(dropped.cidrs())}"
    reason = (
        f"{what} and cannot pass the traffic on{part}: "
        f"{how or 'its subnet has no route for it'} (U-5)"
    )
    hops = (
        Hop(hop=nat.address, detail=what),
        Hop(hop=subnet.address, detail=how or "no route outside the VPC"),
    )
    related = (nat.address, subnet.address, *(t.table.address for t in tables))
    related += tuple(r.target for _, r in winners if r.target is not None)
    return _Defect(reason, hops, related)


def _broken_peering(
    network: Network, routing: RoutingIndex, route: Route, pcx: Gateway, vpc: str
) -> _Defect | None:
    """U-8 and R-PEER-2: unaccepted, used beyond the peer VPC, or without a route back."""
    if pcx.accepted is False:
        return _Defect(
            f"peering {pcx.address} is not accepted, so it carries nothing (R-PEER-1, U-8)",
            (Hop(hop=pcx.address, detail="not accepted"),),
            (pcx.address,),
        )
    peers = [network.vpcs[v] for v in pcx.vpcs if v != vpc and v in network.vpcs]
    cidrs = route_cidrs(route, network)
    if len(peers) != 1 or cidrs is None or peers[0].unknowns:
        return None
    peer = peers[0]
    wanted = FlowSet.union_all(FlowSet.of(-1, c) for c in cidrs)
    beyond = wanted - vpc_addresses(peer)
    if beyond:
        return _Defect(
            f"{', '.join(beyond.cidrs())} lies outside {peer.address}, and a peering does not"
            f" forward beyond the peer VPC (R-PEER-2)",
            (Hop(hop=pcx.address), Hop(hop=peer.address, detail=", ".join(peer.ipv4_cidrs))),
            (pcx.address, peer.address),
        )
    own = network.vpcs.get(vpc)
    if own is None:
        return None
    back = [
        routing.of(t)
        for _, t in sorted(network.route_tables.items())
        if t.vpc == peer.address and not t.edge_gateways
    ]
    if any(t.unresolved_exits for t in back):
        return None
    returning = FlowSet.union_all(t.won_by(lambda r: r.target == pcx.address) for t in back)
    if not returning.isdisjoint(vpc_addresses(own)):
        return None
    return _Defect(
        f"no route table of {peer.address} routes {vpc} back through {pcx.address}, so"
        " replies never return (R-PEER-1, U-8)",
        (Hop(hop=pcx.address), Hop(hop=peer.address, detail=f"no route to {vpc} via the peering")),
        (pcx.address, peer.address, *(t.table.address for t in back)),
    )


def _finding(network: Network, table: RouteTable, route: Route, defect: _Defect) -> Finding:
    shown = describe_route(route)
    hops = (Hop(hop=table.address, detail=shown), *defect.hops)
    related = tuple(dict.fromkeys(a for a in (table.address, *defect.related) if a != route.origin))
    return make_finding(
        "TFV203",
        resource=route.origin,
        message=(
            f"route {shown} in {table.address} is a blackhole: {defect.reason}; matching packets"
            " are dropped, they do not fall back to a shorter route"
        ),
        certainty=defect.certainty,
        related=related,
        path=hops,
        location=route.location or network.locations.get(route.origin),
        fingerprint_extra=f"{table.address}|{route.destination or route.prefix_list}",
    )
