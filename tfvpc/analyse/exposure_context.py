"""What the §1.6 walks over one network share, computed once per analysis (semantics.md).

Most of a walk depends not on the attachment but on its subnet's placement (NACL candidates
and ways to an internet gateway, steps 4, 6 and 7) and on its set of security groups (step 5).
Attachments of an auto-scaling group, a `count` or one module share these, and so do the
subnets of a VPC that share a NACL and a route table, so `WalkContext` computes each once per
placement or group set and reading, recording the unknowns it leaned on for every walk to
replay in the same order. Flow sets are memoised by content, so that VPCs built alike (which
differ in their own CIDRs only, never internet clients) meet the same sets once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfvpc.analyse.exposure_subnets import (
    DoubtFn,
    Placement,
    Recorded,
    Recorder,
    SubnetSteps,
    Way,
    placement,
)
from tfvpc.analyse.flows import TCP, NaclDecision, addresses_only, nacl_rule_flows
from tfvpc.analyse.indexes import NetworkIndexes, indexes_for
from tfvpc.analyse.internet import internet_sources
from tfvpc.model import Nacl, Network, Node, RouteTable, SgRule, Subnet
from tfvpc.space import Family, FlowSet, parse_cidr

_FAMILIES: tuple[Family, ...] = (4, 6)


@dataclass(frozen=True)
class SgMatch:
    """A security-group rule admitting some flows, with the group it belongs to."""

    group: str
    rule: SgRule
    flows: FlowSet


@dataclass(frozen=True, eq=False)
class Gate:
    """One way to an internet gateway through one NACL candidate of a subnet (steps 4, 6, 7).

    `reach` are the internet clients (as seen from the subnet's VPC) that the way routes to
    `way.gateway`, on the flows the NACL lets in; `outbound` what it lets out, for the
    replies. `nacl_in`/`nacl_out` are its allowing decisions (empty when the NACL is not
    known). A gate is made once per placement and reading, and is itself its identity.
    """

    way: Way
    nacl: str | None
    reach: FlowSet
    outbound: FlowSet
    nacl_in: tuple[NaclDecision, ...]
    nacl_out: tuple[NaclDecision, ...]


@dataclass(frozen=True)
class Admission:
    """Step 5 for a set of security groups under one reading: the groups it keeps, the union
    of their ingress (R-SG-2/3) and the unknowns it leans on."""

    kept: tuple[str, ...]
    ingress: FlowSet
    doubts: Recorded


@dataclass(frozen=True)
class Arrival:
    """What arrives through one gate (see `exposure_paths.Entry`)."""

    exposed: FlowSet
    no_reply: FlowSet
    partial_reply: FlowSet


@dataclass(frozen=True)
class _Allowing:
    """A NACL direction's deciding allow entries, and its unknown entries' doubts."""

    allows: tuple[NaclDecision, ...]
    doubts: Recorded


@dataclass(frozen=True)
class _GroupVerdict:
    """A security group as one reading sees it: kept or not, and the unknowns it leans on."""

    kept: bool
    doubts: Recorded


_KEPT = _GroupVerdict(True, ())
_DROPPED = _GroupVerdict(False, ())


class WalkContext:
    """The network and what every walk over it shares: route partitions, NACL and group flows,
    each subnet's gates, each group set's admission, the internet gateways' edge-associated
    tables."""

    def __init__(self, network: Network, indexes: NetworkIndexes | None = None) -> None:
        self.network = network
        shared = indexes_for(network, indexes)
        self.routing = shared.routing
        self.flows = shared.flows
        self._edges: dict[str, list[tuple[RouteTable, str]]] | None = None
        self._canon: dict[FlowSet, FlowSet] = {}
        self._clients: dict[tuple[str | None, bool, bool], FlowSet] = {}
        self._meets: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._requests: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._arrivals: dict[tuple[FlowSet, FlowSet], Arrival] = {}
        self._allowing: dict[tuple[str, bool, bool], _Allowing] = {}
        self._alike: dict[tuple[str, bool], bool] = {}
        self._gates: dict[tuple[Placement, bool], tuple[list[Gate], Recorded]] = {}
        self._subnet_gates: dict[tuple[str, bool], tuple[list[Gate], Recorded]] = {}
        self._admissions: dict[tuple[tuple[str, ...], bool], Admission] = {}
        self._verdicts: dict[tuple[str, bool], _GroupVerdict] = {}
        self._matches: dict[tuple[tuple[str, ...], bool], tuple[SgMatch, ...]] = {}

    def clients(self, vpc_address: str | None, ipv4: bool, ipv6: bool) -> FlowSet:
        """Return the internet sources of the families asked for, as seen from the VPC (step 2;
        None or a VPC not in the input: an unknown one), once per VPC and families."""
        key = (vpc_address, ipv4, ipv6)
        found = self._clients.get(key)
        if found is None:
            if ipv4 and ipv6:
                ipv4_only = self.clients(vpc_address, True, False)
                found = ipv4_only | self.clients(vpc_address, False, True)
            elif ipv4 or ipv6:
                vpc = self.network.vpcs.get(vpc_address) if vpc_address is not None else None
                found = internet_sources(vpc, 4 if ipv4 else 6)
            else:
                found = FlowSet.empty()
            found = self._clients[key] = self._canonical(found)
        return found

    def meet(self, first: FlowSet, second: FlowSet) -> FlowSet:
        """Return ``first & second``, once per distinct pair: attachments alike in groups and
        placement (in one VPC or in VPCs built alike) meet the same sets."""
        key = (first, second)
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = self._canonical(first & second)
        return found

    def _canonical(self, flows: FlowSet) -> FlowSet:
        """Return one object for all sets equal to `flows`. Walks compute many equal sets (VPCs
        built alike differ in their own CIDRs only, which never hold internet clients; the two
        readings agree where nothing is unknown): as one object they find each other in these
        memos by identity, and combine with each other at once."""
        return self._canon.setdefault(flows, flows)

    def arrival(self, admitted: FlowSet, gate: Gate) -> Arrival | None:
        """Return what arrives of `admitted` through `gate`, and the fate of its replies; None
        if nothing arrives."""
        key = (admitted, gate.reach)
        requests = self._requests.get(key)
        if requests is None:
            # Most groups admit only private peers, which no gate reaches: telling that apart
            # without building the empty meet halves its cost.
            if admitted.isdisjoint(gate.reach):
                requests = FlowSet.empty()
            else:
                requests = self._canonical(admitted & gate.reach)
            self._requests[key] = requests
        if not requests:
            return None
        found = self._arrivals.get((requests, gate.outbound))
        if found is None:
            split = self.flows.return_split(requests, gate.outbound)
            # R-NACL-11 / §1.6: without any reply a tcp handshake never completes.
            exposed = self._canonical(requests - split.none.restrict(protocols=(TCP, TCP)))
            found = Arrival(
                exposed, self._canonical(split.none & exposed), self._canonical(split.partial)
            )
            self._arrivals[(requests, gate.outbound)] = found
        return found

    def gates(self, subnet: Subnet, *, permissive: bool) -> tuple[list[Gate], Recorded]:
        """Return the subnet's gates for one reading and the unknowns they lean on, once per
        subnet, computed once per placement (`placement`)."""
        found = self._subnet_gates.get((subnet.address, permissive))
        if found is None:
            key = (placement(subnet), permissive)
            found = self._gates.get(key)
            if found is None:
                recorder = Recorder(permissive)
                gates = self.gates_of(subnet, subnet.vpc, subnet, permissive, recorder.doubt)
                found = self._gates[key] = (gates, tuple(recorder.doubts))
            self._subnet_gates[(subnet.address, permissive)] = found
        return found

    def gates_of(
        self,
        subnet: Subnet | None,
        vpc: str | None,
        owner: Node,
        permissive: bool,
        doubt: DoubtFn,
    ) -> list[Gate]:
        """Return a gate per way to an internet gateway (step 6) and NACL candidate (steps 4
        and 7), in that order; unknowns go to `doubt`. `owner` is the subnet, or the attachment
        when its subnet is unknown."""
        steps = SubnetSteps(self.network, self.routing, permissive, doubt)
        nacls = steps.nacls(subnet)
        # Every walk's clients lie within the internet seen from the VPC, so a gate narrowed to
        # it lets the same requests through; the VPC's own CIDRs (usually private, so never
        # clients) are then no longer carved out of its ways, and VPCs built alike share their
        # gates' flow sets.
        internet = self.clients(vpc, ipv4=True, ipv6=True)
        return [
            self.gate(self.meet(way.clients, internet), way, address, nacl, permissive, doubt)
            for way in steps.ways(subnet, vpc, owner)
            for address, nacl in nacls
        ]

    def gate(
        self,
        clients: FlowSet,
        way: Way,
        address: str | None,
        nacl: Nacl | None,
        permissive: bool,
        doubt: DoubtFn,
    ) -> Gate:
        """Return the gate of one way, whose internet clients are `clients`, and one NACL
        candidate (None: a NACL that is not known, which this reading takes to let everything
        through)."""
        if nacl is None:
            return Gate(way, address, clients, FlowSet.universe(), (), ())
        reading_in = permissive or self.readings_agree(nacl, egress=False)
        reading_out = permissive or self.readings_agree(nacl, egress=True)
        inbound = self.flows.nacl_allowed(nacl, False, permissive=reading_in)
        outbound = self._canonical(self.flows.nacl_allowed(nacl, True, permissive=reading_out))
        nacl_in = self.allowing(nacl, egress=False, permissive=reading_in)
        nacl_out = self.allowing(nacl, egress=True, permissive=reading_out)
        for reasons, affected in (*nacl_in.doubts, *nacl_out.doubts):
            doubt(reasons, affected)
        reach = self.meet(clients, inbound)
        return Gate(way, address, reach, outbound, nacl_in.allows, nacl_out.allows)

    def readings_agree(self, nacl: Nacl, *, egress: bool) -> bool:
        """Return True if both readings decide the same flows for every entry of one direction
        of a NACL, so that the strict one may share the permissive one's sets: an entry's flows
        depend on the reading only through its unknowns or a CIDR that is not known."""
        key = (nacl.address, egress)
        found = self._alike.get(key)
        if found is None:
            found = self._alike[key] = all(
                not rule.unknowns and parse_cidr(rule.cidr) is not None
                for rule in self.flows.nacl_entries(nacl, egress)
            )
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

    def admission(self, groups: tuple[str, ...], *, permissive: bool) -> Admission:
        """Return step 5 for an attachment's security groups under one reading, once per
        distinct set."""
        key = (groups, permissive)
        found = self._admissions.get(key)
        if found is None:
            doubts: list[tuple[tuple[str, ...], FlowSet]] = []
            kept: list[str] = []
            for group in dict.fromkeys(groups):
                verdict = self.verdict(group, permissive=permissive)
                doubts.extend(verdict.doubts)
                if verdict.kept:
                    kept.append(group)
            # R-LB-4: nothing filters an attachment without security groups (an NLB without
            # SGs); the builder already gave the default SG to everything that gets one.
            ingress = (
                FlowSet.union_all(
                    self.flows.group_flows(group, "ingress", permissive=permissive)
                    for group in kept
                )
                if groups
                else FlowSet.universe()
            )
            found = Admission(tuple(kept), ingress, tuple(doubts))
            self._admissions[key] = found
        return found

    def verdict(self, group: str, *, permissive: bool) -> _GroupVerdict:
        """Return whether one reading keeps a security group and the unknowns of the group and
        its ingress rules it leans on, once per group: the permissive reading keeps every
        group and records its unknowns, the strict one drops a group that has unknowns and
        records nothing (R-MODEL-1)."""
        key = (group, permissive)
        found = self._verdicts.get(key)
        if found is None:
            known = self.network.security_groups.get(group)
            unsure = known is not None and bool(known.unknowns)
            if not permissive:
                found = _DROPPED if unsure else _KEPT
            else:
                doubts: list[tuple[tuple[str, ...], FlowSet]] = []
                if known is not None and unsure:
                    affected = self.flows.group_flows(group, "ingress", permissive=True)
                    doubts.append((known.unknowns, affected))
                rules = self.flows.group_rules(group, "ingress", permissive=True)
                doubts.extend((rule.unknowns, flows) for rule, flows in rules if rule.unknowns)
                found = _GroupVerdict(True, tuple(doubts)) if doubts else _KEPT
            self._verdicts[key] = found
        return found

    def matches(self, admission: Admission, *, permissive: bool) -> tuple[SgMatch, ...]:
        """Return the ingress rules of the groups an admission keeps that admit some flows,
        with their flows (an entry's evidence), once per distinct kept groups."""
        key = (admission.kept, permissive)
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = tuple(
                SgMatch(group, rule, flows)
                for group in admission.kept
                for rule, flows in self.flows.group_rules(group, "ingress", permissive=permissive)
                if flows
            )
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
