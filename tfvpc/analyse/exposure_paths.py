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

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfvpc.analyse.flows import (
    TCP,
    NaclDecision,
    addresses_only,
    nacl_allowed,
    nacl_decisions,
    nacl_rule_flows,
    return_split,
    sg_allowed,
)
from tfvpc.analyse.internet import internet_sources
from tfvpc.analyse.routing import RouteShare, RoutingIndex, describe_route
from tfvpc.model import Attachment, Nacl, Network, Route, RouteTable, SgRule, Subnet, Vpc
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet

UNKNOWN_GATEWAY = "unknown internet gateway"
"""Hop name of an internet gateway the walk assumes but cannot name."""

_FAMILIES: tuple[Family, ...] = (4, 6)


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
class _Way:
    """Clients that a route table sends to one internet gateway."""

    table: str | None
    gateway: str
    routes: tuple[RouteShare, ...]
    clients: FlowSet


class WalkContext:
    """The network and what every walk over it shares: route partitions, group flows."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.routing = RoutingIndex(network)
        self._groups: dict[tuple[str, bool], list[tuple[SgRule, FlowSet]]] = {}

    def group_rules(self, group: str, *, permissive: bool) -> list[tuple[SgRule, FlowSet]]:
        """Return the ingress rules of one security group with their flows (cached)."""
        key = (group, permissive)
        rules = self._groups.get(key)
        if rules is None:
            rules = sg_allowed((group,), "ingress", self.network, permissive=permissive)
            self._groups[key] = rules
        return rules


def walk(context: WalkContext, attachment: Attachment, *, permissive: bool) -> Walk:
    """Return what one reading (permissive or strict) of the model exposes of `attachment`."""
    walker = _Walker(context, attachment, permissive)
    walker.run()
    return walker.result


def _why(unknowns: tuple[str, ...], generated: str) -> tuple[str, ...]:
    """Return an object's own words for its unknowns, or `generated` when it has none."""
    return unknowns or (generated,)


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
        self.matches = self.sg_matches()
        self.admitted = self.security_groups() & self.listeners()
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
        admitted = clients & self.admitted
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
            parts.append(internet_sources(vpc, family))
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

    def security_groups(self) -> FlowSet:
        """Step 5: the union of the attachment's security-group ingress (R-SG-2/3)."""
        groups = self.attachment.security_groups
        if not groups:
            # R-LB-4: nothing filters an attachment without security groups (an NLB without
            # SGs); the builder already gave the default SG to everything that gets one.
            return FlowSet.universe()
        return FlowSet.union_all(match.flows for match in self.matches)

    def sg_matches(self) -> list[SgMatch]:
        """Return the ingress rules of every group this reading keeps, with their flows."""
        out: list[SgMatch] = []
        for group in dict.fromkeys(self.attachment.security_groups):
            rules = self.context.group_rules(group, permissive=self.permissive)
            known = self.network.security_groups.get(group)
            if known is not None and known.unknowns:
                affected = FlowSet.union_all(flows for _, flows in rules)
                if self.doubt(known.unknowns, affected):
                    continue
            for rule, flows in rules:
                if rule.unknowns:
                    self.doubt(rule.unknowns, flows)
                if flows:
                    out.append(SgMatch(group, rule, flows))
        return out

    def nacls(self, subnet: Subnet | None) -> list[tuple[str | None, Nacl | None]]:
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

    def ways(self, subnet: Subnet | None, vpc: str | None) -> list[_Way]:
        """Step 6: per route table and internet gateway, the clients whose replies it routes
        there by longest prefix match (R-RT-5)."""
        tables = subnet.route_tables if subnet is not None else ()
        if len(tables) != 1:
            what = "unknown" if not tables else f"ambiguous ({', '.join(tables)})"
            owner = subnet if subnet is not None else self.attachment
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

    def detours(
        self, address: str, subnet: Subnet, vpc: str, clients: FlowSet
    ) -> dict[str, FlowSet]:
        """Step 3 (R-RT-3): record the appliance detours of the ingress tables of the VPC's
        internet gateways; return per gateway the clients that certainly take a detour, which
        the walk does not follow further (the strict reading also drops possible ones)."""
        redirected: dict[str, FlowSet] = {}
        for _, table in sorted(self.network.route_tables.items()):
            for gateway in table.edge_gateways:
                known = self.network.gateways.get(gateway)
                if known is None or known.kind != "igw" or vpc not in known.vpcs:
                    continue
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
        if cidr is not None and not unresolved and own.issubset(covered):
            return sources
        reason = f"{table.address} may send traffic for {address} to an appliance"
        return sources if self.doubt([reason], sources) else FlowSet.empty()

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
            inbound = nacl_allowed(nacl, False, permissive=self.permissive)
            outbound = nacl_allowed(nacl, True, permissive=self.permissive)
            nacl_in = self.allowing(nacl, egress=False)
            nacl_out = self.allowing(nacl, egress=True)
        requests = admitted & inbound & way.clients
        if not requests:
            return
        split = return_split(requests, outbound)
        # R-NACL-11 / §1.6: without any reply a tcp handshake never completes.
        exposed = requests - split.none.restrict(protocols=(TCP, TCP))
        self.result.entries.append(
            Entry(
                attachment=self.attachment,
                subnet=subnet,
                vpc=vpc,
                route_table=way.table,
                nacl=nacl_address,
                gateway=way.gateway,
                exposed=exposed,
                no_reply=split.none & exposed,
                partial_reply=split.partial,
                routes=way.routes,
                nacl_in=nacl_in,
                nacl_out=nacl_out,
                sg_rules=tuple(self.matches),
            )
        )

    def allowing(self, nacl: Nacl, *, egress: bool) -> tuple[NaclDecision, ...]:
        """Return the allow decisions of one direction, recording unknown entries as doubts."""
        decisions = nacl_decisions(nacl, egress, permissive=self.permissive)
        for rule, _ in decisions:
            if rule.unknowns:
                widest = nacl_rule_flows(rule, permissive=True)
                self.doubt(rule.unknowns, addresses_only(widest) if egress else widest)
        return tuple((rule, flows) for rule, flows in decisions if rule.action == "allow" and flows)
