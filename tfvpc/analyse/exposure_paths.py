"""The walk of semantics.md §1.6 for one attachment: which internet flows reach it, and how.

A walk reads the model one way. The permissive reading resolves every unknown towards exposure
(the most that could be exposed) and records each unknown it leaned on as a `Doubt`, with the
flows that rest on it. The strict reading resolves every unknown away from exposure and drops
whatever rests on an ambiguous link or on an object with unknowns: what survives is certainly
exposed (R-MODEL-1).

Per candidate subnet, route table, NACL and internet gateway the walk yields an `Entry`: the
flows that arrive (client address = the internet source), plus the evidence for any part of
them. Paths through an edge-associated ingress table that sends the subnet's traffic to an
appliance are `Detour`s, not evaluated further (R-RT-3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import TCP, NaclDecision, addresses_only, nacl_rule_flows
from tfvpc.analyse.internet import internet_sources
from tfvpc.analyse.routing import RouteShare, RoutingIndex, TableRouting, describe_route
from tfvpc.model import (
    Attachment,
    Nacl,
    Network,
    Node,
    Route,
    RouteTable,
    SgRule,
    Subnet,
    Vpc,
)
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet

UNKNOWN_GATEWAY = "unknown internet gateway"
"""Hop name of an internet gateway the walk assumes but cannot name."""

_FAMILIES: tuple[Family, ...] = (4, 6)

_Candidates = list[tuple[str | None, Nacl | None]]
"""A subnet's NACLs by address; None stands for one that is not known."""

Recorded = tuple[tuple[tuple[str, ...], FlowSet], ...]
"""The unknowns (reasons, affected flows) a shared step of a walk leaned on, in order."""


@dataclass(frozen=True)
class Doubt:
    """An unknown the permissive reading leaned on, and the flows that rest on it."""

    reasons: tuple[str, ...]
    affected: FlowSet


@dataclass(frozen=True)
class SgMatch:
    """A security-group rule admitting some flows, with the group it belongs to."""

    group: str
    rule: SgRule
    flows: FlowSet


@dataclass(frozen=True)
class Entry:
    """One way in: internet -> gateway -> route table -> NACL -> security groups -> attachment.

    `exposed` are the flows that arrive; `no_reply` the part of them (never tcp, which cannot
    complete a handshake without replies) whose replies the outbound NACL drops entirely,
    `partial_reply` the part whose replies depend on the client's ephemeral range (R-NACL-11).
    `routes` carry each client to `gateway`; their destinations are address sets open in
    protocol and port. `nacl_in`/`nacl_out` are the allowing decisions of the NACL; `sg_rules`
    is empty when no security group filters the attachment (R-LB-4).
    """

    attachment: Attachment
    subnet: str | None
    vpc: str | None
    route_table: str | None
    nacl: str | None
    gateway: str
    exposed: FlowSet
    no_reply: FlowSet
    partial_reply: FlowSet
    routes: tuple[RouteShare, ...]
    nacl_in: tuple[NaclDecision, ...]
    nacl_out: tuple[NaclDecision, ...]
    sg_rules: tuple[SgMatch, ...]


@dataclass(frozen=True)
class Detour:
    """Internet traffic for the subnet that an edge-associated table sends to an appliance."""

    attachment: Attachment
    subnet: str
    vpc: str
    gateway: str
    table: str
    routes: tuple[RouteShare, ...]
    sources: FlowSet


@dataclass
class Walk:
    """Everything one reading of the model says about one attachment."""

    entries: list[Entry] = field(default_factory=list)
    detours: list[Detour] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)


@dataclass(frozen=True)
class _Arrival:
    """What arrives through one NACL and way (see `Entry`)."""

    exposed: FlowSet
    no_reply: FlowSet
    partial_reply: FlowSet


@dataclass(frozen=True)
class _Allowing:
    """A NACL direction's deciding allow entries, and its unknown entries' doubts."""

    allows: tuple[NaclDecision, ...]
    doubts: tuple[tuple[tuple[str, ...], FlowSet], ...]


@dataclass(frozen=True)
class _GroupMatches:
    """A security group as one reading sees it: kept or not, its matching ingress rules and
    the unknowns it leans on."""

    kept: bool
    matches: tuple[SgMatch, ...]
    doubts: Recorded


@dataclass(frozen=True)
class _Way:
    """Clients that a route table sends to one internet gateway."""

    table: str | None
    gateway: str
    routes: tuple[RouteShare, ...]
    clients: FlowSet


class WalkContext:
    """The network and what every walk over it shares: route partitions, NACL and group flows,
    the internet gateways' edge-associated tables."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.routing = RoutingIndex(network)
        self.flows = FlowCache(network)
        self._edges: dict[str, list[tuple[RouteTable, str]]] | None = None
        self._internet: dict[tuple[str | None, Family], FlowSet] = {}
        self._meets: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._requests: dict[tuple[FlowSet, FlowSet, FlowSet], FlowSet] = {}
        self._arrivals: dict[tuple[FlowSet, FlowSet], _Arrival] = {}
        self._allowing: dict[tuple[str, bool, bool], _Allowing] = {}
        self._nacls: dict[tuple[str, bool], tuple[_Candidates, Recorded]] = {}
        self._ways: dict[tuple[str, str | None, bool], tuple[list[_Way], Recorded]] = {}
        self._group_matches: dict[tuple[str, bool], _GroupMatches] = {}

    def internet(self, vpc: Vpc | None, family: Family) -> FlowSet:
        """Return `internet_sources(vpc, family)`, once per VPC and family."""
        key = (vpc.address if vpc is not None else None, family)
        found = self._internet.get(key)
        if found is None:
            found = self._internet[key] = internet_sources(vpc, family)
        return found

    def meet(self, first: FlowSet, second: FlowSet) -> FlowSet:
        """Return ``first & second``, once per distinct pair: attachments alike in groups and
        placement (in one VPC or in VPCs built alike) meet the same sets."""
        key = (first, second)
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = first & second
        return found

    def arrival(
        self, admitted: FlowSet, inbound: FlowSet, outbound: FlowSet, clients: FlowSet
    ) -> _Arrival | None:
        """Return what arrives of `admitted` through a NACL allowing `inbound` and `outbound`
        from `clients`, and the fate of its replies; None if nothing arrives."""
        key = (admitted, inbound, clients)
        requests = self._requests.get(key)
        if requests is None:
            requests = self._requests[key] = admitted & inbound & clients
        if not requests:
            return None
        # Equal requests (VPCs built alike differ in their own CIDRs only, which never hold
        # internet clients) meet the same fate.
        found = self._arrivals.get((requests, outbound))
        if found is None:
            split = self.flows.return_split(requests, outbound)
            # R-NACL-11 / §1.6: without any reply a tcp handshake never completes.
            exposed = requests - split.none.restrict(protocols=(TCP, TCP))
            found = _Arrival(exposed, split.none & exposed, split.partial)
            self._arrivals[(requests, outbound)] = found
        return found

    def allowing(self, nacl: Nacl, *, egress: bool, permissive: bool) -> _Allowing:
        """Return the allow decisions of one direction of a NACL that decide something, and
        the unknown entries with the flows resting on each."""
        key = (nacl.address, egress, permissive)
        found = self._allowing.get(key)
        if found is None:
            decisions = self.flows.nacl_decisions(nacl, egress, permissive=permissive)
            doubts = []
            for rule, _ in decisions:
                if rule.unknowns:
                    widest = nacl_rule_flows(rule, permissive=True)
                    doubts.append((rule.unknowns, addresses_only(widest) if egress else widest))
            allows = tuple((r, flows) for r, flows in decisions if r.action == "allow" and flows)
            found = self._allowing[key] = _Allowing(allows, tuple(doubts))
        return found

    def nacls(self, subnet: Subnet, *, permissive: bool) -> tuple[_Candidates, Recorded]:
        """Return the subnet's NACL candidates for one reading and the unknowns they lean on
        (`_Steps.nacls`), once per subnet."""
        key = (subnet.address, permissive)
        found = self._nacls.get(key)
        if found is None:
            recorder = _Recorder(permissive)
            nacls = _Steps(self, permissive, recorder.doubt).nacls(subnet)
            found = self._nacls[key] = (nacls, tuple(recorder.doubts))
        return found

    def ways(
        self, subnet: Subnet, vpc: str | None, *, permissive: bool
    ) -> tuple[list[_Way], Recorded]:
        """Return the subnet's ways to an internet gateway for one reading and the unknowns
        they lean on (`_Steps.ways`), once per subnet."""
        key = (subnet.address, vpc, permissive)
        found = self._ways.get(key)
        if found is None:
            recorder = _Recorder(permissive)
            ways = _Steps(self, permissive, recorder.doubt).ways(subnet, vpc, subnet)
            found = self._ways[key] = (ways, tuple(recorder.doubts))
        return found

    def group_matches(self, group: str, *, permissive: bool) -> _GroupMatches:
        """Return what one reading makes of a security group's ingress rules (`_Walker`
        step 5), once per group."""
        key = (group, permissive)
        found = self._group_matches.get(key)
        if found is None:
            recorder = _Recorder(permissive)
            rules = self.flows.group_rules(group, "ingress", permissive=permissive)
            known = self.network.security_groups.get(group)
            kept = True
            if known is not None and known.unknowns:
                affected = self.flows.group_flows(group, "ingress", permissive=permissive)
                kept = not recorder.doubt(known.unknowns, affected)
            matches: list[SgMatch] = []
            if kept:
                for rule, flows in rules:
                    if rule.unknowns:
                        recorder.doubt(rule.unknowns, flows)
                    if flows:
                        matches.append(SgMatch(group, rule, flows))
            found = _GroupMatches(kept, tuple(matches), tuple(recorder.doubts))
            self._group_matches[key] = found
        return found

    def edge_tables(self, vpc: str) -> list[tuple[RouteTable, str]]:
        """Return (table, internet gateway) for every edge association (R-RT-3) of an internet
        gateway attached to `vpc`, by table address."""
        if self._edges is None:
            self._edges = {}
            for _, table in sorted(self.network.route_tables.items()):
                for gateway in table.edge_gateways:
                    known = self.network.gateways.get(gateway)
                    if known is not None and known.kind == "igw":
                        for attached in dict.fromkeys(known.vpcs):
                            self._edges.setdefault(attached, []).append((table, gateway))
        return self._edges.get(vpc, [])


def walk(context: WalkContext, attachment: Attachment, *, permissive: bool) -> Walk:
    """Return what one reading (permissive or strict) of the model exposes of `attachment`."""
    walker = _Walker(context, attachment, permissive)
    walker.run()
    return walker.result


def _why(unknowns: tuple[str, ...], generated: str) -> tuple[str, ...]:
    """Return an object's own words for its unknowns, or `generated` when it has none."""
    return unknowns or (generated,)


class _Recorder:
    """Stands in for a walk's `doubt` while computing a step many walks share, so that each
    walk can replay the unknowns the step leaned on (see `_Walker.doubt`)."""

    def __init__(self, permissive: bool) -> None:
        self.permissive = permissive
        self.doubts: list[tuple[tuple[str, ...], FlowSet]] = []

    def doubt(self, reasons: Iterable[str], affected: FlowSet) -> bool:
        """Record an unknown under the permissive reading; return True under the strict one."""
        if self.permissive:
            self.doubts.append((tuple(reasons), affected))
            return False
        return True


class _Steps:
    """Steps 4 and 6 of a walk for one subnet, which every attachment in it shares: its NACLs
    and its ways to an internet gateway. Unknowns go to `doubt`, as in a walk."""

    def __init__(
        self,
        context: WalkContext,
        permissive: bool,
        doubt: Callable[[Iterable[str], FlowSet], bool],
    ) -> None:
        self.context = context
        self.network = context.network
        self.permissive = permissive
        self.doubt = doubt

    def nacls(self, subnet: Subnet | None) -> _Candidates:
        """Step 4 and 7 candidates: the subnet's NACLs; None stands for an unknown one."""
        if subnet is None:
            return [(None, None)]
        if len(subnet.nacls) != 1:
            what = "unknown" if not subnet.nacls else f"ambiguous ({', '.join(subnet.nacls)})"
            why = _why(subnet.unknowns, f"network ACL of {subnet.address} is {what}")
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

    def ways(self, subnet: Subnet | None, vpc: str | None, owner: Node) -> list[_Way]:
        """Step 6: per route table and internet gateway, the clients whose replies it routes
        there by longest prefix match (R-RT-5). `owner` is the subnet, or the attachment when
        its subnet is unknown."""
        tables = subnet.route_tables if subnet is not None else ()
        if len(tables) != 1:
            what = "unknown" if not tables else f"ambiguous ({', '.join(tables)})"
            why = _why(owner.unknowns, f"route table of {owner.address} is {what}")
            if self.doubt(why, FlowSet.universe()):
                return []
        if not tables:
            return self.unknown_table_ways(None, vpc)
        out: list[_Way] = []
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

    def unknown_table_ways(self, table: str | None, vpc: str | None) -> list[_Way]:
        gateways = [
            address
            for address, gateway in sorted(self.network.gateways.items())
            if gateway.kind == "igw" and vpc is not None and vpc in gateway.vpcs
        ] or [UNKNOWN_GATEWAY]
        return [_Way(table, gateway, (), FlowSet.universe()) for gateway in gateways]

    def table_ways(self, table: RouteTable, vpc: str | None) -> list[_Way]:
        routing = self.context.routing.of(table)
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
            _Way(
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
        return self.context.routing.of(table, leave_out=leave_out)

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


class _Walker:
    def __init__(self, context: WalkContext, attachment: Attachment, permissive: bool) -> None:
        self.context = context
        self.network = context.network
        self.attachment = attachment
        self.permissive = permissive
        self.result = Walk()
        self.matches: list[SgMatch] = []
        self.admitted = FlowSet.empty()
        self._seen: set[Doubt] = set()

    def doubt(self, reasons: Iterable[str], affected: FlowSet) -> bool:
        """Record an unknown under the permissive reading; return True when the strict reading
        must drop whatever rests on it."""
        if self.permissive:
            doubt = Doubt(tuple(reasons), affected)
            if doubt not in self._seen:
                self._seen.add(doubt)
                self.result.doubts.append(doubt)
            return False
        return True

    def run(self) -> None:
        attachment = self.attachment
        if attachment.unknowns and self.doubt(attachment.unknowns, FlowSet.universe()):
            return
        subnets = attachment.subnets
        if len(subnets) != 1:
            what = "unknown" if not subnets else f"ambiguous ({', '.join(subnets)})"
            why = _why(attachment.unknowns, f"subnet of {attachment.resource} is {what}")
            if self.doubt(why, FlowSet.universe()):
                return
        self.matches, kept = self.sg_matches()
        self.admitted = self.security_groups(kept) & self.listeners()
        if not subnets:
            self.subnet(None, None)
        for address in subnets:
            subnet = self.network.subnets.get(address)
            if subnet is None and self.doubt(
                [f"subnet {address} is not in the input"], FlowSet.universe()
            ):
                continue
            self.subnet(address, subnet)

    def subnet(self, address: str | None, subnet: Subnet | None) -> None:
        if (
            subnet is not None
            and subnet.unknowns
            and self.doubt(subnet.unknowns, FlowSet.universe())
        ):
            return
        vpc_address = subnet.vpc if subnet is not None else None
        vpc = self.network.vpcs.get(vpc_address) if vpc_address is not None else None
        clients = self.clients(subnet, vpc)
        if not clients:
            return
        redirected: dict[str, FlowSet] = {}
        if address is not None and subnet is not None and vpc_address is not None:
            redirected = self.detours(address, subnet, vpc_address, clients)
        admitted = self.context.meet(clients, self.admitted)
        nacls = self.nacls(subnet)
        for way in self.ways(subnet, vpc_address):
            here = admitted - redirected.get(way.gateway, FlowSet.empty())
            for nacl_address, nacl in nacls:
                self.entry(address, vpc_address, nacl_address, nacl, way, here)

    def clients(self, subnet: Subnet | None, vpc: Vpc | None) -> FlowSet:
        """Steps 2: internet sources of each family the attachment has a public address in."""
        attachment = self.attachment
        # R-IP-4: global IPv6 addresses need an IPv6 CIDR on the subnet.
        subnet_v6 = subnet is None or subnet.ipv6_cidr is not None or bool(subnet.unknowns)
        has = {4: attachment.public_ipv4, 6: attachment.ipv6 if subnet_v6 else False}
        what = {4: "public IPv4 address", 6: "IPv6 address"}
        parts: list[FlowSet] = []
        for family in _FAMILIES:
            if has[family] is False:
                continue
            why = _why(attachment.unknowns, f"{what[family]} of {attachment.resource} is unknown")
            if has[family] is None and self.doubt(why, FlowSet.universe(family)):
                continue
            parts.append(self.context.internet(vpc, family))
        return FlowSet.union_all(parts)

    def listeners(self) -> FlowSet:
        """Listeners restrict what can be opened to a service that only answers on them."""
        listeners = self.attachment.listeners
        if not listeners:
            return FlowSet.universe()
        return FlowSet.union_all(
            FlowSet.universe(family).restrict(
                protocols=(0, PROTO_MAX) if listener.protocol < 0 else (listener.protocol,) * 2,
                ports=(max(listener.from_port, 0), min(listener.to_port, PORT_MAX)),
            )
            for listener in listeners
            if 0 <= listener.from_port <= listener.to_port
            for family in _FAMILIES
        )

    def security_groups(self, kept: list[str]) -> FlowSet:
        """Step 5: the union of the ingress of the groups this reading keeps (R-SG-2/3)."""
        if not self.attachment.security_groups:
            # R-LB-4: nothing filters an attachment without security groups (an NLB without
            # SGs); the builder already gave the default SG to everything that gets one.
            return FlowSet.universe()
        return self.context.flows.group_union(kept, "ingress", permissive=self.permissive)

    def sg_matches(self) -> tuple[list[SgMatch], list[str]]:
        """Return the ingress rules of every group this reading keeps, with their flows, and
        the groups kept."""
        out: list[SgMatch] = []
        kept: list[str] = []
        for group in dict.fromkeys(self.attachment.security_groups):
            found = self.context.group_matches(group, permissive=self.permissive)
            self.replay(found.doubts)
            if found.kept:
                kept.append(group)
                out.extend(found.matches)
        return out, kept

    def replay(self, recorded: Recorded) -> None:
        """Record, in this walk, the unknowns a shared step leaned on."""
        for reasons, affected in recorded:
            self.doubt(reasons, affected)

    def nacls(self, subnet: Subnet | None) -> _Candidates:
        """Step 4 and 7 candidates: the subnet's NACLs (see `_Steps.nacls`)."""
        if subnet is None:
            return [(None, None)]
        nacls, recorded = self.context.nacls(subnet, permissive=self.permissive)
        self.replay(recorded)
        return nacls

    def ways(self, subnet: Subnet | None, vpc: str | None) -> list[_Way]:
        """Step 6: the ways to an internet gateway (see `_Steps.ways`)."""
        if subnet is None:
            steps = _Steps(self.context, self.permissive, self.doubt)
            return steps.ways(None, vpc, self.attachment)
        ways, recorded = self.context.ways(subnet, vpc, permissive=self.permissive)
        self.replay(recorded)
        return ways

    def detours(
        self, address: str, subnet: Subnet, vpc: str, clients: FlowSet
    ) -> dict[str, FlowSet]:
        """Step 3 (R-RT-3): record the appliance detours of the ingress tables of the VPC's
        internet gateways; return per gateway the clients that certainly take a detour, which
        the walk does not follow further (the strict reading also drops possible ones)."""
        redirected: dict[str, FlowSet] = {}
        for table, gateway in self.context.edge_tables(vpc):
            for family in clients.families():
                taken = self.detour(address, subnet, vpc, gateway, table, family, clients)
                redirected[gateway] = redirected.get(gateway, FlowSet.empty()) | taken
        return redirected

    def detour(
        self,
        address: str,
        subnet: Subnet,
        vpc: str,
        gateway: str,
        table: RouteTable,
        family: Family,
        clients: FlowSet,
    ) -> FlowSet:
        """Return the clients of one family that `table` certainly sends to an appliance."""
        routing = self.context.routing.of(table)
        cidr = subnet.ipv4_cidr if family == 4 else subnet.ipv6_cidr
        own = FlowSet.of(-1, cidr) if cidr is not None else FlowSet.universe(family)
        shares = tuple(
            RouteShare(share.route, part)
            for share in routing.shares
            if share.route.target_kind != "local" and (part := share.destinations & own)
        )
        unresolved = [route for route in routing.unresolved if route.target_kind != "local"]
        if not shares and not unresolved:
            return FlowSet.empty()
        sources = clients.restrict(family=family)
        self.result.detours.append(
            Detour(self.attachment, address, vpc, gateway, table.address, shares, sources)
        )
        covered = FlowSet.union_all(share.destinations for share in shares)
        # The table, its edge association or the routes that redirect may not exist as
        # written: then the redirect is only possible and the normal path possible too.
        uncertain = tuple(
            dict.fromkeys((*table.unknowns, *(r for s in shares for r in s.route.unknowns)))
        )
        if cidr is not None and not unresolved and not uncertain and own.issubset(covered):
            return sources
        reasons = uncertain or (f"{table.address} may send traffic for {address} to an appliance",)
        return sources if self.doubt(reasons, sources) else FlowSet.empty()

    def entry(
        self,
        subnet: str | None,
        vpc: str | None,
        nacl_address: str | None,
        nacl: Nacl | None,
        way: _Way,
        admitted: FlowSet,
    ) -> None:
        """Steps 4, 6 and 7 for one NACL and one way: what arrives, and the evidence."""
        if nacl is None:
            inbound, outbound = FlowSet.universe(), FlowSet.universe()
            nacl_in: tuple[NaclDecision, ...] = ()
            nacl_out: tuple[NaclDecision, ...] = ()
        else:
            inbound = self.context.flows.nacl_allowed(nacl, False, permissive=self.permissive)
            outbound = self.context.flows.nacl_allowed(nacl, True, permissive=self.permissive)
            nacl_in = self.allowing(nacl, egress=False)
            nacl_out = self.allowing(nacl, egress=True)
        arrival = self.context.arrival(admitted, inbound, outbound, way.clients)
        if arrival is None:
            return
        self.result.entries.append(
            Entry(
                attachment=self.attachment,
                subnet=subnet,
                vpc=vpc,
                route_table=way.table,
                nacl=nacl_address,
                gateway=way.gateway,
                exposed=arrival.exposed,
                no_reply=arrival.no_reply,
                partial_reply=arrival.partial_reply,
                routes=way.routes,
                nacl_in=nacl_in,
                nacl_out=nacl_out,
                sg_rules=tuple(self.matches),
            )
        )

    def allowing(self, nacl: Nacl, *, egress: bool) -> tuple[NaclDecision, ...]:
        """Return the allow decisions of one direction, recording unknown entries as doubts."""
        found = self.context.allowing(nacl, egress=egress, permissive=self.permissive)
        for reasons, affected in found.doubts:
            self.doubt(reasons, affected)
        return found.allows
