"""Route lookup: which route of a table wins each destination, and what gateways are attached to.

A table's routes partition the destination space by longest prefix match (R-RT-5). The
partition is computed once per table as `TableRouting`: for every route the destination
addresses it wins, as a `FlowSet` open in the protocol and port dimensions, so that callers can
intersect it with any flow set. Routes whose destination is not known (an unknown CIDR, a prefix
list whose entries are unknown) could win anywhere; they are kept apart in `unresolved`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tfvpc.model import Gateway, Network, Route, RouteTable, Subnet, Vpc
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet, cidr_range, parse_cidr


def prefix_length(span: tuple[int, int, int]) -> int:
    """Return the prefix length of a CIDR given as `cidr_range` returns it (family, lo, hi)."""
    family, lo, hi = span
    return (32 if family == 4 else 128) - (hi - lo + 1).bit_length() + 1


def addresses_of(cidr: str | None) -> FlowSet | None:
    """Return every flow to/from `cidr` (all protocols and ports), or None if it is not a CIDR."""
    if cidr is None:
        return None
    try:
        return FlowSet.of(-1, cidr)
    except ValueError:
        return None


def addresses_of_all(cidrs: Iterable[str | None]) -> FlowSet:
    """Return the union of `addresses_of` over the CIDRs that parse."""
    # Adjacent and nested CIDRs are merged first: one box per run of addresses.
    runs: list[tuple[Family, int, int]] = []
    for family, lo, hi in sorted(s for s in map(parse_cidr, cidrs) if s is not None):
        if runs and runs[-1][0] == family and lo <= runs[-1][2] + 1:
            if hi > runs[-1][2]:
                runs[-1] = (family, runs[-1][1], hi)
        else:
            runs.append((family, lo, hi))
    return FlowSet.union_all(
        FlowSet.box(family, (0, PROTO_MAX), (lo, hi), (0, PORT_MAX)) for family, lo, hi in runs
    )


def vpc_addresses(vpc: Vpc) -> FlowSet:
    """Return the address space of every known CIDR of the VPC, both families."""
    return addresses_of_all((*vpc.ipv4_cidrs, *vpc.ipv6_cidrs))


def subnet_addresses(subnet: Subnet) -> FlowSet:
    """Return the address space of the subnet's known IPv4 and IPv6 CIDRs."""
    return addresses_of_all((subnet.ipv4_cidr, subnet.ipv6_cidr))


def family_window(subnet: Subnet) -> FlowSet:
    """Return every flow of the address families the subnet holds addresses in (R-CIDR-2).

    A subnet is IPv4 unless it has only an IPv6 CIDR; it is IPv6 too when it has an IPv6 CIDR.
    """
    if subnet.ipv4_cidr is None and subnet.ipv6_cidr is not None:
        return FlowSet.universe(6)
    return FlowSet.universe() if subnet.ipv6_cidr is not None else FlowSet.universe(4)


def route_cidrs(route: Route, network: Network) -> tuple[str, ...] | None:
    """Return a route's destination CIDRs (a prefix list gives its entries); None if unknown."""
    if route.destination is not None:
        return (route.destination,) if parse_cidr(route.destination) is not None else None
    if route.prefix_list is None:
        return None
    prefix_list = network.prefix_lists.get(route.prefix_list)
    if prefix_list is None or prefix_list.cidrs is None:
        return None
    return prefix_list.cidrs


def describe_route(route: Route) -> str:
    """Return ``destination -> target`` as a finding shows it."""
    destination = route.destination or route.prefix_list or "unknown destination"
    if route.target_kind == "local":
        target = "local"
    else:
        target = route.target or route.target_ref or f"unknown {route.target_kind} target"
    return f"{destination} -> {target}"


@dataclass(frozen=True)
class RouteShare:
    """The destinations for which `route` is the longest-prefix match of its table."""

    route: Route
    destinations: FlowSet


@dataclass(frozen=True)
class TableRouting:
    """A route table partitioned by longest prefix match (R-RT-5)."""

    table: RouteTable
    shares: tuple[RouteShare, ...]
    unresolved: tuple[Route, ...]

    @property
    def unresolved_exits(self) -> tuple[Route, ...]:
        """Return the unresolved routes that leave the VPC (local ones never do, R-RT-4)."""
        return tuple(r for r in self.unresolved if r.target_kind != "local")

    def won_by(self, accept: Callable[[Route], bool]) -> FlowSet:
        """Return the destinations whose winning route satisfies `accept`."""
        return FlowSet.union_all(s.destinations for s in self.shares if accept(s.route))

    def winners(self, destinations: FlowSet) -> list[RouteShare]:
        """Return, for the routes that win part of `destinations`, the part each wins."""
        out = []
        for share in self.shares:
            part = share.destinations & destinations
            if part:
                out.append(RouteShare(share.route, part))
        return out


def table_routing(
    table: RouteTable, network: Network, *, leave_out: frozenset[int] = frozenset()
) -> TableRouting:
    """Return the longest-prefix-match partition of `table`, as if the routes at the positions
    `leave_out` (indices into ``table.routes``) did not exist.

    R-RT-5: longer prefixes win; a prefix-list route counts with each entry's own length; at equal
    length a static route beats a propagated one. A route whose destination is unknown is left
    out of the partition and listed in `unresolved`. A route that may not exist (it carries
    unknowns) still takes its destinations here; a reading in which it is absent asks for the
    partition without it through `leave_out`.
    """
    entries: list[tuple[int, bool, int, Route, FlowSet]] = []
    unresolved: list[Route] = []
    for order, route in enumerate(table.routes):
        if order in leave_out:
            continue
        cidrs = route_cidrs(route, network)
        if cidrs is None:
            unresolved.append(route)
            continue
        for cidr in cidrs:
            length = prefix_length(cidr_range(cidr))
            entries.append((-length, route.propagated, order, route, FlowSet.of(-1, cidr)))
    entries.sort(key=lambda entry: entry[:3])
    claimed = FlowSet.empty()
    won: dict[int, FlowSet] = {}
    routes: dict[int, Route] = {}
    for _, _, order, route, space in entries:
        share = space - claimed
        if share:
            won[order] = won.get(order, FlowSet.empty()) | share
            routes[order] = route
            claimed = claimed | space
    shares = tuple(RouteShare(routes[order], won[order]) for order in sorted(won))
    return TableRouting(table, shares, tuple(unresolved))


def is_attached(gateway: Gateway, vpc: str) -> bool:
    """Return True if the model attaches `gateway` to `vpc` (IGW/VGW attachment, pcx side, ...)."""
    return vpc in gateway.vpcs


def attached_gateways(network: Network, vpc: str, kind: str) -> list[Gateway]:
    """Return the gateways of `kind` attached to `vpc`, in address order."""
    return [
        gateway
        for address, gateway in sorted(network.gateways.items())
        if gateway.kind == kind and is_attached(gateway, vpc)
    ]


def gateway_of(route: Route, network: Network) -> Gateway | None:
    """Return the modelled gateway a route targets, or None (local, external or dangling)."""
    return network.gateways.get(route.target) if route.target is not None else None


def route_to_attached_igw(route: Route, network: Network, vpc: str) -> bool:
    """Return True if the route targets an internet gateway attached to `vpc` (R-PUB-1)."""
    gateway = gateway_of(route, network)
    return gateway is not None and gateway.kind == "igw" and is_attached(gateway, vpc)


def subnet_tables(subnet: Subnet, network: Network) -> list[RouteTable]:
    """Return the subnet's effective route tables present in the model (several if ambiguous)."""
    return [network.route_tables[a] for a in subnet.route_tables if a in network.route_tables]


class RoutingIndex:
    """The `TableRouting` of each table of one network, computed on first use."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._cache: dict[tuple[str, frozenset[int]], TableRouting] = {}

    def of(self, table: RouteTable, *, leave_out: frozenset[int] = frozenset()) -> TableRouting:
        """Return the longest-prefix-match partition of `table` without the routes at the
        positions `leave_out` (see `table_routing`)."""
        key = (table.address, leave_out)
        routing = self._cache.get(key)
        if routing is None:
            routing = self._cache[key] = table_routing(table, self.network, leave_out=leave_out)
        return routing

    def of_subnet(self, subnet: Subnet) -> list[TableRouting]:
        """Return the partition of each effective route table of `subnet` (several if ambiguous)."""
        return [self.of(table) for table in subnet_tables(subnet, self.network)]
