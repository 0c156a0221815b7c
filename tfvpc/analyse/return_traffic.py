"""TFV302 nacl-return-traffic-blocked: connections whose replies the NACL drops on the way back.

R-NACL-1/11: NACLs are stateless, so each admitted connection needs its replies allowed in the
other direction: tcp/udp to the client's ephemeral port (1024-65535 checked), ICMP queries by
their reply type. Two sides are checked, for subnets that something uses (an attachment or a NAT
gateway sits in it; an unused subnet has no connections to break):

* server side (C-3): tcp, udp and ICMP flows the NACL admits inbound that a security group of an
  attachment in the subnet also admits, whose replies the outbound rules drop;
* client side (C-4): tcp and udp flows an attachment's security-group egress and the NACL
  outbound let out to destinations the subnet routes somewhere (the internet only for
  attachments that may have a public address, or through a NAT gateway), whose replies the
  inbound rules drop; a NAT gateway in the subnet is a client of every internet destination the
  NACL lets out.

Per NACL, side and protocol, clients whose every reply is dropped give a medium finding (the
connection cannot complete), clients with only part of the ephemeral range allowed a low one
(it depends on the client's OS, R-NACL-11). Traffic inside the subnet (R-NACL-12) and of a family
the subnet has no address in (R-CIDR-2) is left out.
Security-group peers are not resolved here (their flows have no addresses, R-SG-5). Definite
findings rest on rules and NACL entries without unknowns; "possible" ones on the strict reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_traffic,
)
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import ICMP, ICMPV6, TCP, UDP
from tfvpc.analyse.routing import (
    RoutingIndex,
    TableRouting,
    family_window,
    gateway_of,
    route_to_attached_igw,
)
from tfvpc.analyse.subnet_space import SubnetSpace
from tfvpc.analyse.usage import Usage
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Attachment, Nacl, Network, Route, Subnet
from tfvpc.space import FlowSet, describe_cidrs

_SERVER, _CLIENT = "server", "client"

SERVER_PROTOCOLS = (ICMP, TCP, UDP, ICMPV6)
"""Connections into the subnet are checked for tcp/udp replies and ICMP query replies."""
CLIENT_PROTOCOLS = (TCP, UDP)
"""Connections the subnet opens are checked for tcp/udp only: an egress rule for every
protocol says nothing about an intent to ping, and ICMP is no ephemeral-port matter (C-4)."""


@dataclass
class _Blocked:
    """Requests of one side through one NACL whose replies are dropped, over several subnets."""

    nacl: Nacl
    side: str
    full: bool
    certainty: Certainty
    flows: FlowSet = field(default_factory=FlowSet.empty)
    subnets: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)


def find_return_traffic_blocked(
    network: Network, routing: RoutingIndex, usage: Usage, flows: FlowCache
) -> list[Finding]:
    """Return the TFV302 findings, by NACL address, server side first, full before partial."""
    blocked: dict[tuple[str, str, bool, Certainty], _Blocked] = {}
    sides = _Sides(network, routing, usage, flows)
    for address in sorted(network.subnets):
        subnet = network.subnets[address]
        if not usage.is_used(address) or not subnet.nacls:
            continue
        if any(n not in network.nacls for n in subnet.nacls):
            continue
        for nacl_address in subnet.nacls:
            nacl = network.nacls[nacl_address]
            for side, requests, users in sides.requests(subnet, nacl):
                for full, certainty, dropped in sides.blocked(nacl, side, requests):
                    # R-NACL-12: traffic inside the subnet is not filtered.
                    crossing = sides.space.outside(dropped, subnet)
                    if not crossing:
                        continue
                    entry = blocked.setdefault(
                        (nacl.address, side, full, certainty),
                        _Blocked(nacl, side, full, certainty),
                    )
                    entry.flows = entry.flows | crossing
                    entry.subnets.append(subnet.address)
                    entry.users.extend(u for u in users if u not in entry.users)
    findings: list[Finding] = []
    for key in sorted(blocked, key=lambda k: (k[0], k[1] == _CLIENT, not k[2], k[3])):
        findings.extend(_findings(network, flows, blocked[key]))
    return findings


_Parts = tuple[tuple[bool, Certainty, FlowSet], ...]
"""Requests whose replies are dropped: (every reply, certainty, requests), none empty."""


class _Sides:
    """The requests of both sides of every subnet of one analysis, and their fate.

    Subnets alike in groups, NACL and routes (one module per VPC) ask the same questions: each
    is answered once, before the subnet's own addresses are taken out. That order does not
    change the answer: the fate of a request's replies depends on its client address and
    protocol only (R-NACL-11), so taking addresses out before or after gives the same sets.
    """

    def __init__(
        self, network: Network, routing: RoutingIndex, usage: Usage, flows: FlowCache
    ) -> None:
        self.network = network
        self.routing = routing
        self.usage = usage
        self.flows = flows
        self.space = SubnetSpace()
        self.served = _protocols(SERVER_PROTOCOLS)
        self.client_protocols = _protocols(CLIENT_PROTOCOLS)
        self._met: dict[tuple[FlowSet, ...], FlowSet] = {}
        self._routes: dict[tuple[tuple[str, ...], str | None, bool, bool, FlowSet], _Routes] = {}
        self._blocked: dict[tuple[FlowSet, ...], _Parts] = {}

    def meet(self, *sets: FlowSet) -> FlowSet:
        """Return the intersection of `sets`, once per distinct tuple of sets."""
        found = self._met.get(sets)
        if found is None:
            found = sets[0]
            for other in sets[1:]:
                found = found & other
            self._met[sets] = found
        return found

    def requests(
        self, subnet: Subnet, nacl: Nacl
    ) -> Iterator[tuple[str, tuple[FlowSet, FlowSet], list[str]]]:
        """Yield (side, (strict requests, permissive requests), users) for one subnet and
        NACL, the subnet's own addresses not yet taken out (R-NACL-12)."""
        flows = self.flows
        attachments = self.usage.by_subnet.get(subnet.address, [])
        groups = list(dict.fromkeys(g for a in attachments for g in a.security_groups))
        users = [a.resource for a in attachments]
        window = family_window(subnet)

        def admitted(
            allowed: tuple[FlowSet, FlowSet], egress: bool, within: FlowSet
        ) -> tuple[FlowSet, FlowSet]:
            strict, widest = allowed
            # R-CIDR-2: not a family the subnet has no address in.
            return (
                self.meet(
                    strict, flows.nacl_allowed(nacl, egress, permissive=False), within, window
                ),
                self.meet(
                    widest, flows.nacl_allowed(nacl, egress, permissive=True), within, window
                ),
            )

        if attachments and self.may_block(nacl, _SERVER, self.served, window):
            served = admitted(flows.group_unions(groups, "ingress"), False, self.served)
            yield _SERVER, served, users
        nats = [
            n for n in self.usage.nat_by_subnet.get(subnet.address, []) if n.public is not False
        ]
        opened = flows.group_unions(groups, "egress")
        # The permissive reading holds the strict one: when it lets nothing out, only NAT
        # gateways open connections.
        if not (opened[1] or nats) or not self.may_block(
            nacl, _CLIENT, self.client_protocols, window
        ):
            return
        routes = self.routes(subnet, attachments, window)
        via_nat = routes.internet if nats else FlowSet.empty()
        strict, widest = admitted(opened, True, routes.reachable)
        clients = (
            strict | flows.nacl_allowed(nacl, True, permissive=False) & via_nat,
            widest | flows.nacl_allowed(nacl, True, permissive=True) & via_nat,
        )
        yield _CLIENT, clients, [*users, *(n.address for n in nats)]

    def may_block(self, nacl: Nacl, side: str, within: FlowSet, window: FlowSet) -> bool:
        """Return False when the NACL lets back every reply of every request of one side that
        it lets through of `within` in a subnet's families (`window`): then no request of the
        subnet, whatever its groups and routes allow of them, has a reply dropped."""
        # The fate of a request's replies depends on its client address and protocol only
        # (R-NACL-11), so requests the bound passes pass in any subset of it too.
        egress = side == _CLIENT
        bound = (
            self.meet(self.flows.nacl_allowed(nacl, egress, permissive=False), within, window),
            self.meet(self.flows.nacl_allowed(nacl, egress, permissive=True), within, window),
        )
        return bool(self.blocked(nacl, side, bound))

    def routes(self, subnet: Subnet, attachments: list[Attachment], window: FlowSet) -> _Routes:
        """Return where the attachments of the subnet can open tcp/udp connections to, once
        per distinct (route tables, VPC, public addresses, families)."""
        public4 = any(a.public_ipv4 is not False for a in attachments)
        public6 = any(a.ipv6 is not False for a in attachments)
        key = (subnet.route_tables, subnet.vpc, public4, public6, window)
        found = self._routes.get(key)
        if found is None:
            tables = self.routing.of_subnet(subnet)
            internet = _internet(self.network, subnet, tables)
            destinations = _destinations(self.network, subnet, tables, public4, public6, internet)
            found = self._routes[key] = _Routes(
                destinations & self.client_protocols,
                internet & window & self.client_protocols,
            )
        return found

    def blocked(self, nacl: Nacl, side: str, requests: tuple[FlowSet, FlowSet]) -> _Parts:
        """Return the requests whose replies the NACL wholly or partly drops, once per
        distinct (requests, NACL entries the replies cross)."""
        strict, widest = requests
        replies_out = side == _SERVER
        back_sure = self.flows.nacl_allowed(nacl, replies_out, permissive=True)
        back_maybe = self.flows.nacl_allowed(nacl, replies_out, permissive=False)
        key = (strict, widest, back_sure, back_maybe)
        found = self._blocked.get(key)
        if found is None:
            sure = self.flows.return_split(strict, back_sure)
            maybe = self.flows.return_split(widest, back_maybe)
            parts: _Parts = (
                (True, "definite", sure.none),
                (False, "definite", sure.partial),
                (True, "possible", maybe.none - sure.none - sure.partial),
                (False, "possible", maybe.partial - sure.none - sure.partial),
            )
            found = self._blocked[key] = tuple(part for part in parts if part[2])
        return found


class _Routes(NamedTuple):
    """Where a subnet's attachments can open tcp/udp connections to: every destination they
    can reach, and those routed to an internet gateway, in the subnet's families."""

    reachable: FlowSet
    internet: FlowSet


def _protocols(numbers: tuple[int, ...]) -> FlowSet:
    return FlowSet.union_all(FlowSet.universe().restrict(protocols=(p, p)) for p in numbers)


def _internet(network: Network, subnet: Subnet, tables: list[TableRouting]) -> FlowSet:
    """Return the destinations the subnet routes to an internet gateway of its VPC."""
    vpc = subnet.vpc
    if vpc is None:
        return FlowSet.empty()
    return FlowSet.union_all(
        t.won_by(lambda r: route_to_attached_igw(r, network, vpc)) for t in tables
    )


def _destinations(
    network: Network,
    subnet: Subnet,
    tables: list[TableRouting],
    public4: bool,
    public6: bool,
    internet: FlowSet,
) -> FlowSet:
    """Return the destinations attachments of the subnet can reach through its route tables;
    `internet` are those it routes to an internet gateway of its VPC (`_internet`), `public4`
    and `public6` whether some attachment may hold a public IPv4 or an IPv6 address.

    Internet gateways count only for attachments that may hold a public address (IPv4) or an
    IPv6 address (R-IP-1, R-IP-4); routes to a gateway of another VPC carry nothing (R-RT-7).
    """

    def usable(route: Route) -> bool:
        gateway = gateway_of(route, network)
        if gateway is None or gateway.kind not in ("igw", "eigw", "vgw", "nat", "pcx", "vpce"):
            return True
        if subnet.vpc is not None and gateway.vpcs and subnet.vpc not in gateway.vpcs:
            return False
        if gateway.kind == "igw":
            return public4 or public6
        return gateway.kind != "pcx" or gateway.accepted is not False

    reachable = FlowSet.union_all(t.won_by(usable) for t in tables)
    if not public4:
        reachable = reachable - internet.restrict(family=4)
    if not public6:
        reachable = reachable - internet.restrict(family=6)
    return reachable


def _findings(network: Network, cache: FlowCache, blocked: _Blocked) -> Iterator[Finding]:
    nacl = blocked.nacl
    server = blocked.side == _SERVER
    request_out = not server
    forward = "outbound" if request_out else "inbound"
    back = "inbound" if request_out else "outbound"
    replies = cache.needed_replies(blocked.flows)
    blockers = [
        describe_nacl_rule(rule)
        for rule, decided in cache.nacl_decisions(nacl, not request_out, permissive=True)
        if rule.action == "deny" and not decided.isdisjoint(replies)
    ]
    admitting = [
        describe_nacl_rule(rule)
        for rule, decided in cache.nacl_decisions(nacl, request_out, permissive=True)
        if rule.action == "allow" and not decided.isdisjoint(blocked.flows)
    ]
    users = ", ".join(blocked.users[:3]) + (
        f" and {len(blocked.users) - 3} more" if len(blocked.users) > 3 else ""
    )
    subnets = ", ".join(blocked.subnets)
    how = "every reply" if blocked.full else "part of the replies"
    effect = (
        "the connections cannot complete"
        if blocked.full
        else "clients whose OS picks a dropped ephemeral port fail (R-NACL-11 ranges)"
    )
    dropping = "; ".join(blockers) or "no rule allows them"
    rule_ref = "C-3" if server else "C-4"
    extent = "full" if blocked.full else "partial"
    tail = f"{effect} ({rule_ref})"
    for group in protocol_groups(blocked.flows):
        sources = group.flows.cidrs()
        traffic = describe_traffic(group.label, group.ports(), group.excluded)
        peers = describe_cidrs(sources)
        if server:
            opening = f"{nacl.address} admits {traffic} from {peers} into {subnets} ({users})"
        else:
            opening = f"{users} in {subnets} may open {traffic} to {peers} via {nacl.address}"
        yield make_finding(
            "TFV302",
            resource=nacl.address,
            severity=Severity.MEDIUM if blocked.full else Severity.LOW,
            certainty=blocked.certainty,
            message=f"{opening}, but its {back} rules drop {how} ({dropping}); {tail}",
            related=tuple(dict.fromkeys((*blocked.subnets, *blocked.users))),
            protocol=group.label,
            ports=group.ports(),
            sources=tuple(sources),
            path=(
                Hop(hop=nacl.address, detail=f"{forward}: {'; '.join(admitting)}"),
                Hop(hop=nacl.address, detail=f"{back}: {dropping} drops {how}"),
                *(Hop(hop=s) for s in blocked.subnets),
            ),
            location=nacl.location or network.locations.get(nacl.address),
            fingerprint_extra=f"{blocked.side}|{extent}|{blocked.certainty}|{group.label}",
        )
