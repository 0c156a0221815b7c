"""TFV101 through load balancers: targets the internet reaches via an internet-facing LB.

The exposure analyser already reports each load balancer on its listener ports (its nodes are
attachments). This analyser follows what arrives at each node: listener -> target group ->
registered target (R-LB-6), then the node -> target hop (`lb_hops`, R-LB-3/4). A target is
reported on its target port, with the internet sources admitted at the load balancer (for an
NLB preserving client addresses, only those the target's groups and NACL admit), and a path
naming the listener and the target group. A load balancer registered as the target of another
(an ALB behind an NLB) is reported the same way and followed in turn. Lambda targets are
invoked by the load balancer: no network hop applies. Public endpoints outside any VPC come
from `endpoint_exposure`.

Both readings of `exposure_paths` are used: what the strict reading delivers is definite, what
only the permissive one delivers is possible, with the unknowns it rests on (R-MODEL-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tfvpc.analyse.endpoint_exposure import endpoint_findings
from tfvpc.analyse.exposure import severity_of
from tfvpc.analyse.exposure_evidence import internet_of, path_of, reasons_for, uses_of
from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_paths import Doubt, Entry, WalkContext, walk
from tfvpc.analyse.exposure_text import (
    describe_names,
    describe_traffic,
)
from tfvpc.analyse.flows import TCP, UDP, addresses_only
from tfvpc.analyse.indexes import NetworkIndexes
from tfvpc.analyse.internet import source_cidrs
from tfvpc.analyse.lb_hops import HopSpec, Reading, passage
from tfvpc.findings import Certainty, Finding, Hop, make_finding
from tfvpc.model import (
    PROTOCOL_ALL,
    Attachment,
    LbListener,
    LoadBalancer,
    Network,
    TargetGroup,
    TargetMember,
)
from tfvpc.space import PORT_MAX, FlowSet, describe_cidrs

RULE_ID = "TFV101"
MAX_CHAIN = 3
"""Load balancers behind load balancers followed at most this deep."""

_READINGS = (True, False)


@dataclass
class Arrival:
    """Clients (flows whose address is the client) arriving at one node, per reading."""

    loose: FlowSet = field(default_factory=FlowSet.empty)
    strict: FlowSet = field(default_factory=FlowSet.empty)

    def of(self, permissive: bool) -> FlowSet:
        """Return the flows of one reading."""
        return self.loose if permissive else self.strict


@dataclass
class Delivery:
    """Everything known about one target reached through one chain of load balancers."""

    resource: str
    chain: tuple[str, ...]
    loose: FlowSet = field(default_factory=FlowSet.empty)
    strict: FlowSet = field(default_factory=FlowSet.empty)
    hops: list[Hop] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    target: Attachment | None = None

    def add(self, permissive: bool, flows: FlowSet) -> None:
        """Add flows delivered under one reading."""
        if permissive:
            self.loose = self.loose | flows
        else:
            self.strict = self.strict | flows


def _on_port(clients: FlowSet, protocol: int, low: int, high: int) -> FlowSet:
    """Return the client addresses of `clients` on one protocol and port range."""
    return addresses_only(clients).restrict(protocols=(protocol, protocol), ports=(low, high))


def _listener_window(listener: LbListener, protocols: Iterable[int]) -> FlowSet:
    ports = (listener.port, listener.port) if listener.port is not None else (0, PORT_MAX)
    return FlowSet.union_all(
        FlowSet.universe().restrict(protocols=(p, p), ports=ports) for p in protocols
    )


def _transports(protocol: int) -> tuple[int, ...]:
    return (TCP, UDP) if protocol == PROTOCOL_ALL else (protocol,)


def _target_protocols(lb: LoadBalancer, listener: LbListener, group: TargetGroup) -> list[int]:
    """Return the transports the targets receive: tcp behind an ALB or classic load balancer
    (they proxy HTTP/TCP), the listener's own (tcp, udp) behind an NLB."""
    if lb.kind != "network":
        return [p for p in _transports(group.protocol) if p == TCP] or [TCP]
    shared = [p for p in _transports(listener.protocol) if p in _transports(group.protocol)]
    return shared or list(_transports(group.protocol))


class _Analysis:
    def __init__(self, network: Network, indexes: NetworkIndexes | None) -> None:
        self.network = network
        self.context = WalkContext(network, indexes)
        self.deliveries: dict[tuple[str, tuple[str, ...]], Delivery] = {}

    def run(self) -> None:
        for address in sorted(self.network.load_balancers):
            lb = self.network.load_balancers[address]
            if lb.kind == "gateway" or lb.internet_facing is False:
                continue
            arrivals, entries, doubts = self.internet_arrivals(lb)
            # LB-side unknowns concern whichever client reaches the targets: widen them to
            # every port, since targets listen on other ports than the listeners.
            wide = [Doubt(d.reasons, addresses_only(d.affected)) for d in doubts]
            self.follow(lb, arrivals, (address,), self.lb_side(lb, entries), wide, 0)

    def internet_arrivals(
        self, lb: LoadBalancer
    ) -> tuple[dict[str, Arrival], list[Entry], list[Doubt]]:
        arrivals: dict[str, Arrival] = {}
        entries: list[Entry] = []
        doubts: list[Doubt] = []
        for node_address in lb.attachments:
            node = self.network.attachments.get(node_address)
            if node is None:
                continue
            loose = walk(self.context, node, permissive=True)
            strict = walk(self.context, node, permissive=False)
            entries += loose.entries
            doubts += loose.doubts
            most = FlowSet.union_all(entry.exposed for entry in loose.entries)
            least = FlowSet.union_all(entry.exposed for entry in strict.entries) & most
            arrivals[node_address] = Arrival(most, least)
        return arrivals, entries, doubts

    def lb_side(self, lb: LoadBalancer, entries: list[Entry]) -> dict[str, list[Hop]]:
        """Return, per listener, the path from the internet into the load balancer."""
        out: dict[str, list[Hop]] = {}
        for listener in lb.listeners:
            window = _listener_window(listener, _transports(listener.protocol))
            flows = FlowSet.union_all(entry.exposed for entry in entries) & window
            uses = uses_of(entries, flows)
            out[listener.address] = path_of(self.network, lb.address, uses)[:-1] if uses else []
        return out

    def follow(
        self,
        lb: LoadBalancer,
        arrivals: dict[str, Arrival],
        chain: tuple[str, ...],
        upstream: dict[str, list[Hop]],
        doubts: list[Doubt],
        depth: int,
    ) -> None:
        inner: dict[str, dict[str, Arrival]] = {}
        for listener in lb.listeners:
            window = _listener_window(listener, _transports(listener.protocol))
            came = {n: Arrival(a.loose & window, a.strict & window) for n, a in arrivals.items()}
            if not any(a.loose for a in came.values()):
                continue
            into = [*upstream.get(listener.address, [Hop(hop="internet")])]
            into.append(Hop(hop=lb.address, detail=_listener_text(listener)))
            for group_address in listener.target_groups:
                group = self.network.target_groups.get(group_address)
                if group is None:
                    continue
                for member in group.members:
                    self.member(lb, listener, group, member, came, chain, into, doubts, inner)
        if depth + 1 >= MAX_CHAIN:
            return
        for address, nodes in sorted(inner.items()):
            target = self.network.load_balancers[address]
            delivery = self.deliveries.get((address, chain))
            hops = delivery.hops if delivery is not None else [Hop(hop="internet")]
            known = delivery.doubts if delivery is not None else doubts
            side = {listener.address: list(dict.fromkeys(hops)) for listener in target.listeners}
            self.follow(target, nodes, (*chain, address), side, known, depth + 1)

    def member(
        self,
        lb: LoadBalancer,
        listener: LbListener,
        group: TargetGroup,
        member: TargetMember,
        came: dict[str, Arrival],
        chain: tuple[str, ...],
        into: list[Hop],
        doubts: list[Doubt],
        inner: dict[str, dict[str, Arrival]],
    ) -> None:
        port = member.port if member.port is not None else group.port
        group_hop = Hop(hop=group.address, detail=_group_text(group, port, member))
        head = [*into, group_hop]
        related = [lb.address, listener.address, group.address, member.origin]
        clients = Arrival(
            FlowSet.union_all(a.loose for a in came.values()),
            FlowSet.union_all(a.strict for a in came.values()),
        )
        if group.target_type == "lambda" or not member.attachments:
            self.unnetworked(lb, listener, group, member, clients, chain, head, related, doubts)
            return
        for target_address in member.attachments:
            target = self.network.attachments[target_address]
            delivery = self.delivery(target.resource, chain, doubts)
            delivery.target = target
            delivery.related += [*related, target_address, *target.subnets]
            delivery.fixes.append(_fix(lb, group, target))
            for protocol in _target_protocols(lb, listener, group):
                for permissive in _READINGS:
                    reading = Reading(self.network, permissive=permissive)
                    got, hops = self.deliver(
                        reading, lb, listener, group, target, came, protocol, port, member
                    )
                    delivery.add(permissive, got)
                    if permissive:
                        # Hop unknowns concern every client of this target.
                        delivery.doubts += [
                            Doubt(d.reasons, FlowSet.universe()) for d in reading.doubts
                        ]
                        if got:
                            delivery.hops += [*head, *hops]
                    if target.resource in self.network.load_balancers:
                        nodes = inner.setdefault(target.resource, {})
                        arrival = nodes.setdefault(target_address, Arrival())
                        if permissive:
                            arrival.loose = arrival.loose | got
                        else:
                            arrival.strict = arrival.strict | got

    def deliver(
        self,
        reading: Reading,
        lb: LoadBalancer,
        listener: LbListener,
        group: TargetGroup,
        target: Attachment,
        came: dict[str, Arrival],
        protocol: int,
        port: int | None,
        member: TargetMember,
    ) -> tuple[FlowSet, list[Hop]]:
        """Return the flows (client x target protocol x target port) delivered to `target`
        under one reading, with the hops of the node -> target legs that carry them."""
        if member.unknowns and reading.doubt(member.unknowns, FlowSet.universe()):
            return FlowSet.empty(), []
        if port is None:
            why = group.unknowns or (
                f"the port {group.address} forwards to on {target.resource} is unknown",
            )
            if reading.doubt(why, FlowSet.universe()):
                return FlowSet.empty(), []
        preserves = _preserve_options(reading, lb, group)
        delivered = FlowSet.empty()
        hops: list[Hop] = []
        for node_address, arrival in sorted(came.items()):
            clients = arrival.of(reading.permissive)
            if lb.kind == "network":
                clients = clients.restrict(protocols=(protocol, protocol))
            if not clients:
                continue
            node = self.network.attachments[node_address]
            low, high = (port, port) if port is not None else (0, PORT_MAX)
            results: list[tuple[FlowSet, list[Hop]]] = []
            for preserve in preserves:
                if port is None:
                    # Only the permissive reading gets here: any port, no hop to check.
                    results.append((addresses_only(clients), []))
                    continue
                spec = HopSpec(protocol, port, preserve)
                found = passage(reading, lb, node, target, spec, addresses_only(clients))
                results.append((found.clients, found.hops))
            passed = results[0][0]
            for other, _ in results[1:]:
                passed = (passed | other) if reading.permissive else (passed & other)
            if passed:
                delivered = delivered | _on_port(passed, protocol, low, high)
                hops += [hop for _, found_hops in results for hop in found_hops]
        return delivered, hops

    def unnetworked(
        self,
        lb: LoadBalancer,
        listener: LbListener,
        group: TargetGroup,
        member: TargetMember,
        clients: Arrival,
        chain: tuple[str, ...],
        head: list[Hop],
        related: list[str],
        doubts: list[Doubt],
    ) -> None:
        """Lambda targets (invoked by the load balancer) and targets the input does not hold:
        reported on the listener port (Lambda) or the target port, with no hop to check."""
        # A member without unknowns names one resource of the input.
        resource = member.origin if member.unknowns else member.target
        delivery = self.delivery(resource, chain, doubts)
        delivery.related += related
        port = listener.port if group.target_type == "lambda" else member.port or group.port
        low, high = (port, port) if port is not None else (0, PORT_MAX)
        reasons = list(member.unknowns)
        if port is None:
            reasons.append(f"the port {group.address} forwards to is unknown")
        if group.target_type != "lambda" and not reasons:
            reasons.append(
                f"target {member.target} of {group.address} has no interface in the model"
            )
        for protocol in _target_protocols(lb, listener, group):
            for permissive in _READINGS:
                if reasons and not permissive:
                    continue
                delivery.add(permissive, _on_port(clients.of(permissive), protocol, low, high))
        if reasons:
            delivery.doubts.append(Doubt(tuple(reasons), FlowSet.universe()))
        verb = "invokes" if group.target_type == "lambda" else "forwards to"
        delivery.hops += [*head, Hop(hop=resource, detail=f"{group.address} {verb} it")]
        delivery.fixes.append(f"restrict who {lb.address} admits, or make it internal")

    def delivery(self, resource: str, chain: tuple[str, ...], doubts: list[Doubt]) -> Delivery:
        key = (resource, chain)
        found = self.deliveries.get(key)
        if found is None:
            found = Delivery(resource, chain, doubts=list(doubts))
            self.deliveries[key] = found
        return found


def _preserve_options(reading: Reading, lb: LoadBalancer, group: TargetGroup) -> list[bool]:
    """Return the client-IP-preservation cases to evaluate (R-LB-4): both when unknown."""
    if lb.kind != "network":
        return [False]
    if group.preserve_client_ip is None:
        why = group.unknowns or (f"whether {group.address} preserves client addresses is unknown",)
        reading.doubt(why, FlowSet.universe())
        return [True, False]
    return [group.preserve_client_ip]


def _listener_text(listener: LbListener) -> str:
    port = listener.port if listener.port is not None else "unknown port"
    protocol = listener.lb_protocol or "unknown protocol"
    return f"listener {listener.address}: {protocol} {port}"


def _group_text(group: TargetGroup, port: int | None, member: TargetMember) -> str:
    if group.target_type == "lambda":
        return f"invokes {member.target} ({member.origin})"
    protocol = group.lb_protocol or "unknown protocol"
    where = "unknown port" if port is None else str(port)
    return f"forwards {protocol} {where} to {member.target} ({member.origin})"


def _fix(lb: LoadBalancer, group: TargetGroup, target: Attachment) -> str:
    if lb.kind == "network" and not lb.security_groups and group.preserve_client_ip:
        names = describe_names(list(target.security_groups)) or target.resource
        return f"restrict the ingress of {names} (the NLB passes client addresses)"
    if lb.security_groups:
        return f"restrict the ingress of {describe_names(list(lb.security_groups))}"
    return f"make {lb.address} internal or narrow its listeners"


def _findings(network: Network, delivery: Delivery) -> list[Finding]:
    most = delivery.loose
    least = delivery.strict & most
    out: list[Finding] = []
    readings: tuple[tuple[Certainty, FlowSet], ...] = (
        ("definite", least),
        ("possible", most - least),
    )
    for certainty, flows in readings:
        out.extend(
            _finding(network, delivery, certainty, group.label, group.flows)
            for group in protocol_groups(flows)
        )
    return out


def _finding(
    network: Network, delivery: Delivery, certainty: Certainty, label: str, flows: FlowSet
) -> Finding:
    ports = tuple(flows.ports())
    lbs = [network.load_balancers[a] for a in delivery.chain if a in network.load_balancers]
    sources = source_cidrs(flows, internet_of(network, (lb.vpc for lb in lbs)))
    resource = delivery.resource
    verb = "accepts" if certainty == "definite" else "may accept"
    through = " then ".join(delivery.chain)
    message = (
        f"{resource} {verb} {describe_traffic(label, ports)} from the internet "
        f"({describe_cidrs(sources)}) through {through}"
    )
    if certainty == "possible":
        message += f", resting on unknowns: {'; '.join(reasons_for(delivery.doubts, flows))}"
    message += f"; {'; '.join(dict.fromkeys(delivery.fixes))}"
    final = Hop(hop=resource, detail=_final_detail(label, ports))
    path = (*dict.fromkeys(h for h in delivery.hops if h.hop != resource), final)
    names = [hop.hop for hop in path[1:-1]] + delivery.related
    location = network.locations.get(resource)
    if location is None and delivery.target is not None:
        location = delivery.target.location
    return make_finding(
        RULE_ID,
        resource=resource,
        message=message,
        severity=severity_of(label, ports),
        certainty=certainty,
        related=tuple(n for n in dict.fromkeys(names) if n not in (resource, "internet")),
        protocol=label,
        ports=ports,
        sources=tuple(sources),
        path=path,
        location=location,
        fingerprint_extra=f"via {'>'.join(delivery.chain)}"
        + ("" if certainty == "definite" else " possible"),
    )


def _final_detail(label: str, ports: Sequence[tuple[int, int]]) -> str:
    return f"target: {describe_traffic(label, ports)}"


def find_service_exposures(
    network: Network, indexes: NetworkIndexes | None = None
) -> list[Finding]:
    """Return the TFV101 findings for targets reached through internet-facing load balancers
    and for public service endpoints, sorted by resource, protocol and ports."""
    analysis = _Analysis(network, indexes)
    analysis.run()
    findings = [
        finding
        for key in sorted(analysis.deliveries)
        for finding in _findings(network, analysis.deliveries[key])
    ]
    findings += endpoint_findings(network)
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[str, str, tuple[tuple[int, int], ...], str, str]:
    return (
        finding.resource,
        finding.protocol or "",
        finding.ports or (),
        finding.certainty,
        finding.fingerprint,
    )
