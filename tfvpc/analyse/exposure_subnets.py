"""Steps 4, 6 and 7 of the §1.6 walk for one subnet: its NACL candidates and its ways to an
internet gateway (semantics.md).

They depend on the subnet's placement (`placement`) and the reading only, so every attachment
in the subnet, and in subnets placed alike, shares them: `WalkContext` computes them once per
placement and reading with a `Recorder` standing in for a walk's `doubt`, and each walk
replays the unknowns they leaned on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tfvpc.analyse.routing import RouteShare, RoutingIndex, TableRouting, describe_route
from tfvpc.model import Nacl, Network, Node, Route, RouteTable, Subnet
from tfvpc.space import FlowSet

UNKNOWN_GATEWAY = "unknown internet gateway"
"""Hop name of an internet gateway the walk assumes but cannot name."""

Candidates = list[tuple[str | None, Nacl | None]]
"""A subnet's NACLs by address; None stands for one that is not known."""

Recorded = tuple[tuple[tuple[str, ...], FlowSet], ...]
"""The unknowns (reasons, affected flows) a shared step of a walk leaned on, in order."""

DoubtFn = Callable[[Iterable[str], FlowSet], bool]
"""A walk's `doubt`: records an unknown under the permissive reading; True when the strict
reading must drop whatever rests on it."""


@dataclass(frozen=True)
class Way:
    """Clients that a route table sends to one internet gateway."""

    table: str | None
    gateway: str
    routes: tuple[RouteShare, ...]
    clients: FlowSet


def unknowns_or(unknowns: tuple[str, ...], generated: str) -> tuple[str, ...]:
    """Return an object's own words for its unknowns, or `generated` when it has none."""
    return unknowns or (generated,)


class Recorder:
    """Stands in for a walk's `doubt` while computing a step many walks share, so that each
    walk can replay the unknowns the step leaned on (see `DoubtFn`)."""

    def __init__(self, permissive: bool) -> None:
        self.permissive = permissive
        self.doubts: list[tuple[tuple[str, ...], FlowSet]] = []

    def doubt(self, reasons: Iterable[str], affected: FlowSet) -> bool:
        """Record an unknown under the permissive reading; return True under the strict one."""
        if self.permissive:
            self.doubts.append((tuple(reasons), affected))
            return False
        return True


Placement = tuple[object, ...]
"""What the steps of `SubnetSteps` read of a subnet (see `placement`)."""


def placement(subnet: Subnet) -> Placement:
    """Return everything `SubnetSteps` reads of a subnet: its NACLs, route tables and VPC, and
    its own words for unknowns and its address, which it reads only when a NACL or a route
    table is unknown or ambiguous. Subnets placed alike (those of a VPC that share a NACL and a
    route table) share their steps."""
    if len(subnet.nacls) == 1 and len(subnet.route_tables) == 1:
        return (subnet.nacls, subnet.route_tables, subnet.vpc)
    return (subnet.nacls, subnet.route_tables, subnet.vpc, subnet.unknowns, subnet.address)


class SubnetSteps:
    """Steps 4 and 6 of a walk for one subnet, which every attachment in it shares: its NACLs
    and its ways to an internet gateway. Unknowns go to `doubt`, as in a walk."""

    def __init__(
        self, network: Network, routing: RoutingIndex, permissive: bool, doubt: DoubtFn
    ) -> None:
        self.network = network
        self.routing = routing
        self.permissive = permissive
        self.doubt = doubt

    def nacls(self, subnet: Subnet | None) -> Candidates:
        """Step 4 and 7 candidates: the subnet's NACLs; None stands for an unknown one."""
        if subnet is None:
            return [(None, None)]
        if len(subnet.nacls) != 1:
            what = "unknown" if not subnet.nacls else f"ambiguous ({', '.join(subnet.nacls)})"
            why = unknowns_or(subnet.unknowns, f"network ACL of {subnet.address} is {what}")
            if self.doubt(why, FlowSet.universe()):
                return []
            if not subnet.nacls:
                return [(None, None)]
        out: list[tuple[str | None, Nacl | None]] = []
        for address in subnet.nacls:
            nacl = self.network.nacls.get(address)
            if nacl is None:
                if not self.doubt(
                    [f"network ACL {address} is not in the input"], FlowSet.universe()
                ):
                    out.append((address, None))
                continue
            if nacl.unknowns and self.doubt(nacl.unknowns, FlowSet.universe()):
                continue
            out.append((address, nacl))
        return out

    def ways(self, subnet: Subnet | None, vpc: str | None, owner: Node) -> list[Way]:
        """Step 6: per route table and internet gateway, the clients whose replies it routes
        there by longest prefix match (R-RT-5). `owner` is the subnet, or the attachment when
        its subnet is unknown."""
        tables = subnet.route_tables if subnet is not None else ()
        if len(tables) != 1:
            what = "unknown" if not tables else f"ambiguous ({', '.join(tables)})"
            why = unknowns_or(owner.unknowns, f"route table of {owner.address} is {what}")
            if self.doubt(why, FlowSet.universe()):
                return []
        if not tables:
            return self.unknown_table_ways(None, vpc)
        out: list[Way] = []
        for address in tables:
            table = self.network.route_tables.get(address)
            if table is None:
                if not self.doubt(
                    [f"route table {address} is not in the input"], FlowSet.universe()
                ):
                    out.extend(self.unknown_table_ways(address, vpc))
                continue
            if table.unknowns and self.doubt(table.unknowns, FlowSet.universe()):
                continue
            out.extend(self.table_ways(table, vpc))
        return out

    def unknown_table_ways(self, table: str | None, vpc: str | None) -> list[Way]:
        gateways = [
            address
            for address, gateway in sorted(self.network.gateways.items())
            if gateway.kind == "igw" and vpc is not None and vpc in gateway.vpcs
        ] or [UNKNOWN_GATEWAY]
        return [Way(table, gateway, (), FlowSet.universe()) for gateway in gateways]

    def table_ways(self, table: RouteTable, vpc: str | None) -> list[Way]:
        routing = self.routing.of(table)
        if self.permissive:
            routing = self.without_uncertain_detours(table, routing, vpc)
        shares: dict[str, list[RouteShare]] = {}
        for share in routing.shares:
            verdict = self.igw_verdict(share.route, vpc)
            if verdict is None:
                continue
            gateway, reasons = verdict
            if reasons and self.doubt(reasons, share.destinations):
                continue
            shares.setdefault(gateway, []).append(share)
        for route in routing.unresolved:
            if route.target_kind == "local":
                continue  # an unknown VPC CIDR is never an internet client (R-CIDR-3)
            # An unknown destination may be any prefix, even a /32 that wins for any client.
            verdict = self.igw_verdict(route, vpc)
            unknown = route.unknowns or (
                f"destination of route {describe_route(route)} in {table.address} is unknown",
            )
            if verdict is not None and not self.doubt(unknown, FlowSet.universe()):
                shares.setdefault(verdict[0], []).append(RouteShare(route, FlowSet.universe()))
            if (verdict is None or verdict[1]) and self.doubt(unknown, FlowSet.universe()):
                return []
        return [
            Way(
                table.address,
                gateway,
                tuple(found),
                FlowSet.union_all(share.destinations for share in found),
            )
            for gateway, found in shares.items()
        ]

    def without_uncertain_detours(
        self, table: RouteTable, routing: TableRouting, vpc: str | None
    ) -> TableRouting:
        """Return the partition of the permissive reading: routes that carry unknowns (an
        ``aws_route`` whose count is unknown, say) and cannot lead to an internet gateway are
        taken to be absent, so the clients they would carve out of a wider internet route are
        not carved out; the strict reading keeps them (R-RT-5, R-MODEL-1)."""
        doubtful = [
            share
            for share in routing.shares
            if share.route.unknowns and self.igw_verdict(share.route, vpc) is None
        ]
        if not doubtful:
            return routing
        absent = {id(share.route) for share in doubtful}
        leave_out = frozenset(i for i, route in enumerate(table.routes) if id(route) in absent)
        for share in doubtful:
            self.doubt(share.route.unknowns, share.destinations)
        return self.routing.of(table, leave_out=leave_out)

    def igw_verdict(self, route: Route, vpc: str | None) -> tuple[str, tuple[str, ...]] | None:
        """Return (gateway, reasons) if the route may lead to an internet gateway of `vpc`
        (reasons empty when it certainly does), None if it cannot."""
        if route.target_kind == "local" or route.propagated:
            return None
        gateway = self.network.gateways.get(route.target) if route.target is not None else None
        if route.target is not None and gateway is None:
            return None  # R-RT-7: a target the model lost is a blackhole
        reasons = tuple(route.unknowns)
        if gateway is not None:
            if gateway.kind != "igw":
                return None
            if vpc is None:
                reasons += (f"VPC of the subnet routing to {gateway.address} is unknown",)
            elif vpc not in gateway.vpcs and (gateway.vpcs or not gateway.unknowns):
                return None  # R-RT-7: an IGW of another VPC is a blackhole, no fall-through
            return gateway.address, reasons + tuple(gateway.unknowns)
        if route.target_kind == "igw":
            name = route.target_ref or UNKNOWN_GATEWAY
            return name, (*reasons, f"internet gateway {name} is not in the input")
        if route.target_kind == "unknown":
            name = route.target_ref or self.vpc_gateway(vpc)
            return name, reasons or (f"target of route {describe_route(route)} is unknown",)
        return None

    def vpc_gateway(self, vpc: str | None) -> str:
        for address, gateway in sorted(self.network.gateways.items()):
            if gateway.kind == "igw" and vpc is not None and vpc in gateway.vpcs:
                return address
        return UNKNOWN_GATEWAY
