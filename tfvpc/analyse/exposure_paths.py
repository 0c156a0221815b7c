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

What a walk shares with other walks (a subnet's gates, a group set's admission, flow sets) is
computed once by the `WalkContext` (`exposure_context`, `exposure_subnets`); a walk adds what is
its attachment's own: its addresses, subnets, listeners and the evidence it yields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfvpc.analyse.exposure_context import Admission, Arrival, Gate, SgMatch, WalkContext
from tfvpc.analyse.exposure_subnets import Recorded, unknowns_or
from tfvpc.analyse.routing import RouteShare
from tfvpc.model import Attachment, RouteTable, Subnet
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet

# WalkContext is part of this module's interface: every analyser that walks builds one.
__all__ = ["Detour", "Doubt", "Entry", "Walk", "WalkContext", "walk"]

_FAMILIES: tuple[Family, ...] = (4, 6)


@dataclass(frozen=True)
class Doubt:
    """An unknown the permissive reading leaned on, and the flows that rest on it."""

    reasons: tuple[str, ...]
    affected: FlowSet


@dataclass(frozen=True)
class Entry:
    """One way in: internet -> gateway -> route table -> NACL -> security groups -> attachment.

    `gate` is the route table's way to the internet gateway and the NACL the flows pass.
    `exposed` are the flows that arrive; `no_reply` the part of them (never tcp, which cannot
    complete a handshake without replies) whose replies the outbound NACL drops entirely,
    `partial_reply` the part whose replies depend on the client's ephemeral range (R-NACL-11).
    `sg_rules` is empty when no security group filters the attachment (R-LB-4).
    """

    attachment: Attachment
    subnet: str | None
    vpc: str | None
    gate: Gate
    exposed: FlowSet
    no_reply: FlowSet
    partial_reply: FlowSet
    sg_rules: tuple[SgMatch, ...]

    @property
    def gateway(self) -> str:
        """Return the internet gateway the flows come through."""
        return self.gate.way.gateway

    @property
    def nacl(self) -> str | None:
        """Return the NACL the flows pass (None: one that is not known)."""
        return self.gate.nacl


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


def walk(context: WalkContext, attachment: Attachment, *, permissive: bool) -> Walk:
    """Return what one reading (permissive or strict) of the model exposes of `attachment`."""
    walker = _Walker(context, attachment, permissive)
    walker.run()
    return walker.result


class _Walker:
    def __init__(self, context: WalkContext, attachment: Attachment, permissive: bool) -> None:
        self.context = context
        self.network = context.network
        self.attachment = attachment
        self.permissive = permissive
        self.result = Walk()
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
            why = unknowns_or(attachment.unknowns, f"subnet of {attachment.resource} is {what}")
            if self.doubt(why, FlowSet.universe()):
                return
        admission = self.context.admission(attachment.security_groups, permissive=self.permissive)
        if admission.doubts:
            self.replay(admission.doubts)
        admitted = admission.ingress
        if attachment.listeners:
            admitted = admitted & self.listeners()
        if not subnets:
            self.subnet(None, None, admission, admitted)
        for address in subnets:
            subnet = self.network.subnets.get(address)
            if subnet is None and self.doubt(
                [f"subnet {address} is not in the input"], FlowSet.universe()
            ):
                continue
            self.subnet(address, subnet, admission, admitted)

    def subnet(
        self,
        address: str | None,
        subnet: Subnet | None,
        admission: Admission,
        admitted: FlowSet,
    ) -> None:
        """Steps 2 to 7 in one subnet (None: an unknown one) for what the security groups
        and listeners admit."""
        if (
            subnet is not None
            and subnet.unknowns
            and self.doubt(subnet.unknowns, FlowSet.universe())
        ):
            return
        vpc = subnet.vpc if subnet is not None else None
        clients = self.clients(subnet, vpc)
        if not clients:
            return
        redirected: dict[str, FlowSet] = {}
        if address is not None and subnet is not None and vpc is not None:
            edges = self.context.edge_tables(vpc)
            if edges:
                redirected = self.detours(address, subnet, vpc, edges, clients)
        # Every gate reaches only internet clients seen from the VPC (`WalkContext.gates_of`),
        # of which `clients` are those of the attachment's families: keeping the families is
        # as good as meeting `clients`, and cheaper than meeting their many address ranges.
        families = clients.families()
        if len(families) == 1:
            admitted = self.context.meet(admitted, FlowSet.universe(families[0]))
        if subnet is None:
            gates = self.context.gates_of(None, None, self.attachment, self.permissive, self.doubt)
        else:
            gates, recorded = self.context.gates(subnet, permissive=self.permissive)
            if recorded:
                self.replay(recorded)
        for gate in gates:
            taken = redirected.get(gate.way.gateway)
            here = admitted - taken if taken else admitted
            arrival = self.context.arrival(here, gate)
            if arrival is not None:
                self.entry(address, vpc, gate, arrival, admission)

    def clients(self, subnet: Subnet | None, vpc: str | None) -> FlowSet:
        """Step 2: internet sources of each family the attachment has a public address in."""
        attachment = self.attachment
        ipv4 = attachment.public_ipv4
        # R-IP-4: global IPv6 addresses need an IPv6 CIDR on the subnet.
        subnet_v6 = subnet is None or subnet.ipv6_cidr is not None or bool(subnet.unknowns)
        ipv6 = attachment.ipv6 if subnet_v6 else False
        if ipv4 is None and self.unknown_address(4, "public IPv4 address"):
            ipv4 = False
        if ipv6 is None and self.unknown_address(6, "IPv6 address"):
            ipv6 = False
        return self.context.clients(vpc, ipv4 is not False, ipv6 is not False)

    def unknown_address(self, family: Family, what: str) -> bool:
        """Record that whether the attachment has an address of `family` is unknown; return
        True when the strict reading takes it to have none."""
        attachment = self.attachment
        why = unknowns_or(attachment.unknowns, f"{what} of {attachment.resource} is unknown")
        return self.doubt(why, FlowSet.universe(family))

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

    def replay(self, recorded: Recorded) -> None:
        """Record, in this walk, the unknowns a shared step leaned on."""
        for reasons, affected in recorded:
            self.doubt(reasons, affected)

    def detours(
        self,
        address: str,
        subnet: Subnet,
        vpc: str,
        edges: list[tuple[RouteTable, str]],
        clients: FlowSet,
    ) -> dict[str, FlowSet]:
        """Step 3 (R-RT-3): record the appliance detours of `edges`, the ingress tables of the
        VPC's internet gateways; return per gateway the clients that certainly take a detour,
        which the walk does not follow further (the strict reading also drops possible ones)."""
        redirected: dict[str, FlowSet] = {}
        for table, gateway in edges:
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
        gate: Gate,
        arrival: Arrival,
        admission: Admission,
    ) -> None:
        """Record the way in through one gate, with the evidence (steps 4 to 7)."""
        self.result.entries.append(
            Entry(
                attachment=self.attachment,
                subnet=subnet,
                vpc=vpc,
                gate=gate,
                exposed=arrival.exposed,
                no_reply=arrival.no_reply,
                partial_reply=arrival.partial_reply,
                sg_rules=self.context.matches(admission, permissive=self.permissive),
            )
        )
