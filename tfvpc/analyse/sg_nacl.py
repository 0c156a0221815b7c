"""TFV301 sg-rule-blocked-by-nacl: security-group rules whose traffic the subnet's NACL drops.

For each rule of each group and each subnet where an attachment carrying the group sits, the
rule's flows that the subnet's NACL drops (C-1, C-2): an ingress rule's requests must pass the
NACL inbound and get at least some reply out (R-NACL-11; a reply range wholly dropped kills the
flow, a partly dropped one is TFV302's business); an egress rule likewise outbound, with replies
inbound. Traffic between addresses of the subnet itself is not filtered (R-NACL-12), and traffic
of a family the subnet has no address in never exists (R-CIDR-2): both are left out. A group no
attachment carries has no conflict; a NACL that allows what no group does is defense in depth,
not a finding (C-10), and so is a NACL narrowing a broad egress rule: egress rules are reported
only when wholly dead.

Security-group peers (R-SG-5) are given the CIDRs of the subnets where attachments carrying the
peer group sit; since their ENIs may sit anywhere in those subnets, only traffic dropped for
*every* address of such a subnet counts.

Severity medium when the rule is dead in every subnet where the group is used, low when only part
of it is. Definite needs the rule known and the drop certain under the permissive reading of the
NACL; a drop that only the strict reading (or an ambiguous placement) gives is "possible".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from tfvpc.analyse.exposure_groups import PortRanges, ProtocolGroup, protocol_groups
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_sg_rule,
    describe_traffic,
    protocol_label,
)
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.peer_space import for_every_address, group_peer_subnets, with_cidr_peer
from tfvpc.analyse.routing import family_window
from tfvpc.analyse.sg_redundancy import signature
from tfvpc.analyse.subnet_space import OwnRanges, SubnetSpace
from tfvpc.analyse.usage import Usage
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Nacl, Network, SecurityGroup, SgRule, Subnet
from tfvpc.space import Family, FlowSet, describe_cidrs

_SHOWN = 3


_NaclKey = tuple[tuple[int, int], ...]
"""The entries of the candidate NACLs, both directions, as `FlowCache.nacl_token`s."""


class _Guard(NamedTuple):
    """A subnet's candidate NACLs, their entries as `_NaclKey`s for rules of each direction
    (ingress, egress), and the subnet's `family_window`."""

    nacls: tuple[Nacl, ...]
    keys: tuple[_NaclKey, _NaclKey]
    window: FlowSet


class _Drop(NamedTuple):
    """What one subnet's NACL does to one rule."""

    subnet: Subnet
    guard: _Guard
    flows: FlowSet
    """The rule's flows that cross the subnet boundary."""
    definite: FlowSet
    possible: FlowSet
    certain_placement: bool
    whole: tuple[FlowSet, FlowSet] | None = None
    """For an address peer whose flows reach the subnet's own addresses: `definite` and
    `possible` before those addresses were taken out."""


_Spans = dict[Family, list[tuple[int, int]]]
"""Address ranges per family."""


class _Traffic(NamedTuple):
    """A set of dropped flows as a finding shows it."""

    groups: list[ProtocolGroup]
    ports: list[PortRanges | None]
    """`ProtocolGroup.ports()` of each group."""
    words: str


def find_sg_rules_blocked_by_nacl(
    network: Network, usage: Usage, flows: FlowCache
) -> list[Finding]:
    """Return the TFV301 findings, by group address and rule order."""
    judge = _Judge(network, usage, flows)
    findings: list[Finding] = []
    for address in sorted(usage.by_security_group):
        group = network.security_groups.get(address)
        if group is not None:
            findings.extend(judge.group(group))
    return findings


class _Judge:
    """Judges rules against NACLs for one analysis, remembering what many rules share.

    Rules and NACLs written alike (one module per VPC) give equal flow sets, so the NACL's
    verdict on a rule's flows is computed once per distinct (flows, NACL entries) pair.
    Address peers are judged on their flows in the subnet's families, and the subnet's own
    addresses taken out afterwards: what a NACL does to a flow depends on its own client
    address only (R-NACL-1/11), so taking addresses out before or after gives the same sets.
    """

    def __init__(self, network: Network, usage: Usage, flows: FlowCache) -> None:
        self.network = network
        self.usage = usage
        self.flows = flows
        self.space = SubnetSpace()
        self._guards: dict[str, _Guard | None] = {}
        self._verdicts: dict[tuple[FlowSet, _NaclKey, bool], tuple[FlowSet, FlowSet]] = {}
        self._judged: dict[
            tuple[FlowSet, FlowSet, _NaclKey, bool], tuple[FlowSet, FlowSet, FlowSet]
        ] = {}
        self._passed: dict[tuple[FlowSet, FlowSet, FlowSet], FlowSet] = {}
        self._blockers: dict[tuple[FlowSet, tuple[int, int], bool], list[tuple[str, _Spans]]] = {}
        self._blocker_texts: dict[tuple[FlowSet, _NaclKey, bool, str | None], str] = {}
        self._clauses: dict[tuple[str, str], tuple[tuple[Hop, ...], str]] = {}
        self._traffic: dict[FlowSet, _Traffic] = {}
        self._cidrs: dict[FlowSet, list[str]] = {}
        self._described: dict[tuple[str, ...], str] = {}

    def group(self, group: SecurityGroup) -> Iterator[Finding]:
        """Yield the findings of one group's rules."""
        attachments = self.usage.by_security_group[group.address]
        certain = {a.subnets[0] for a in attachments if len(a.subnets) == 1}
        subnets = [
            self.network.subnets[s]
            for s in self.usage.subnets_of_group(group.address)
            if s in self.network.subnets
        ]
        guarded = [
            (subnet, guard, subnet.address in certain)
            for subnet in subnets
            if (guard := self.guard(subnet)) is not None
        ]
        seen: set[tuple[object, ...]] = set()
        for rule in group.rules:
            # An identical copy of a rule (TFV304 reports it) would repeat the same finding.
            if rule.unknowns:
                continue
            key = signature(rule)
            if key in seen:
                continue
            seen.add(key)
            if rule.peer_kind in ("security_group", "self"):
                found = (self.peer_drop(group, rule, *place) for place in guarded)
            else:
                flows = self.flows.sg_rule_flows(rule, permissive=False)
                egress = rule.direction == "egress"
                found = (self.address_drop(flows, egress, *place) for place in guarded)
            drops = [drop for drop in found if drop is not None]
            finding = self.finding(group, rule, drops)
            if finding is not None:
                yield finding

    def guard(self, subnet: Subnet) -> _Guard | None:
        """Return the subnet's NACLs, None when one of them is not in the model."""
        if subnet.address not in self._guards:
            nacls = tuple(self.network.nacls[n] for n in subnet.nacls if n in self.network.nacls)
            guard = None
            if nacls and len(nacls) == len(subnet.nacls):
                ingress, egress = (
                    tuple(
                        (self.flows.nacl_token(n, out), self.flows.nacl_token(n, not out))
                        for n in nacls
                    )
                    for out in (False, True)
                )
                guard = _Guard(nacls, (ingress, egress), family_window(subnet))
            self._guards[subnet.address] = guard
        return self._guards[subnet.address]

    def peer_drop(
        self,
        group: SecurityGroup,
        rule: SgRule,
        subnet: Subnet,
        guard: _Guard,
        certain_placement: bool,
    ) -> _Drop | None:
        """Return what the subnet's NACL drops of a rule whose peer is a security group, None
        if the rule has no traffic crossing the subnet boundary."""
        parts = self.peer_flows(group, rule, subnet)
        if not parts:
            return None
        egress = rule.direction == "egress"
        definite = FlowSet.empty()
        for flows in parts:
            surely, _ = self.verdict(flows, guard, egress)
            definite = definite | for_every_address(surely, flows)
        return _Drop(
            subnet,
            guard,
            FlowSet.union_all(parts),
            definite,
            FlowSet.empty(),
            certain_placement,
        )

    def address_drop(
        self,
        rule_flows: FlowSet,
        egress: bool,
        subnet: Subnet,
        guard: _Guard,
        certain_placement: bool,
    ) -> _Drop | None:
        """Return what the subnet's NACL drops of the flows of a rule whose peer is addresses
        (CIDRs, prefix lists), None if none of them cross the subnet boundary."""
        # Subnets alike in families and NACL entries share one answer for the rule: a single
        # lookup per (rule, subnet) instead of one per step.
        key = (rule_flows, guard.window, guard.keys[egress], egress)
        judged = self._judged.get(key)
        if judged is None:
            # R-CIDR-2: not a family the subnet has no address in.
            windowed = self.space.in_families(rule_flows, subnet)
            judged = self._judged[key] = (windowed, *self.verdict(windowed, guard, egress))
        flows, definite, possible = judged
        space = self.space
        if not space.touches(flows, subnet):
            return _Drop(subnet, guard, flows, definite, possible, certain_placement)
        # R-NACL-12: traffic inside the subnet is not filtered; leave its addresses out.
        crossing = flows - space.own(subnet)
        if not crossing:
            return None
        # A wholly dropped rule (`verdict` hands back `flows` itself) needs no second subtraction.
        return _Drop(
            subnet,
            guard,
            crossing,
            crossing if definite is flows else space.outside(definite, subnet),
            space.outside(possible, subnet),
            certain_placement,
            (definite, possible),
        )

    def peer_flows(self, group: SecurityGroup, rule: SgRule, subnet: Subnet) -> list[FlowSet]:
        """Return the flows of a rule with a security-group peer crossing the subnet
        boundary, one set per peer subnet (each to be judged for all its addresses)."""
        out: list[FlowSet] = []
        for peer in group_peer_subnets(rule, group.address, self.network, self.usage):
            if peer.address == subnet.address:
                continue
            cidrs = [c for c in (peer.ipv4_cidr, peer.ipv6_cidr) if c is not None]
            flows = FlowSet.union_all(
                self.flows.sg_rule_flows(with_cidr_peer(rule, c), permissive=False) for c in cidrs
            )
            # R-NACL-12: not the subnet's own addresses; R-CIDR-2: not a family it has none in.
            crossing = self.space.crossing(flows, subnet)
            if crossing:
                out.append(crossing)
        return out

    def verdict(self, flows: FlowSet, guard: _Guard, egress: bool) -> tuple[FlowSet, FlowSet]:
        """Return the flows dropped under every candidate NACL even when read permissively
        (definite), and those dropped only under some candidate read strictly (possible)."""
        key = (flows, guard.keys[egress], egress)
        found = self._verdicts.get(key)
        if found is None:
            surely = flows
            maybe = FlowSet.empty()
            for nacl in guard.nacls:
                surely = surely & (flows - self.passed(nacl, flows, egress, permissive=True))
                maybe = maybe | (flows - self.passed(nacl, flows, egress, permissive=False))
            # Hand back `flows` itself when every flow is dropped: later comparisons with it
            # and boundary views of it then hit by identity instead of rebuilding equal sets.
            if surely == flows:
                surely = flows
            found = self._verdicts[key] = (surely, maybe - surely)
        return found

    def passed(self, nacl: Nacl, flows: FlowSet, egress: bool, *, permissive: bool) -> FlowSet:
        """Return the flows that pass the NACL in their direction and get some reply back."""
        allowed = self.flows.nacl_allowed(nacl, egress, permissive=permissive)
        back = self.flows.nacl_allowed(nacl, not egress, permissive=permissive)
        key = (flows, allowed, back)
        found = self._passed.get(key)
        if found is None:
            passed = flows & allowed
            found = passed - self.flows.return_split(passed, back).none
            self._passed[key] = found
        return found

    def blockers(self, drop: _Drop, dropped: FlowSet, whole: FlowSet | None, egress: bool) -> str:
        """Return the NACL entries that drop the requests of `dropped`, or all their replies,
        joined by ``; `` (each once).

        `whole` is `dropped` before the subnet's own addresses were taken out, if that changed
        it: an entry then counts when what it drops lies partly outside those addresses.
        """
        keys = drop.guard.keys[egress]
        base = dropped if whole is None else whole
        # Only the `whole` case depends on the subnet: the rest is one text for every subnet
        # guarded alike, built once instead of once per (rule, subnet).
        text_key = (base, keys, egress, None if whole is None else drop.subnet.address)
        joined = self._blocker_texts.get(text_key)
        if joined is None:
            out: list[str] = []
            for nacl, tokens in zip(drop.guard.nacls, keys, strict=True):
                key = (base, tokens, egress)
                found = self._blockers.get(key)
                if found is None:
                    found = self._blockers[key] = self.nacl_blockers(nacl, base, egress)
                if whole is None:
                    out.extend(text for text, _ in found)
                else:
                    own = self.space.ranges(drop.subnet)
                    out.extend(text for text, spans in found if _beyond(spans, own))
            joined = self._blocker_texts[text_key] = "; ".join(dict.fromkeys(out))
        return joined

    def nacl_blockers(self, nacl: Nacl, dropped: FlowSet, egress: bool) -> list[tuple[str, _Spans]]:
        """Return the entries of one NACL that drop `dropped` or all its replies, each with the
        addresses of what it drops."""
        side, back = ("outbound", "inbound") if egress else ("inbound", "outbound")
        out: list[tuple[str, _Spans]] = []
        passed = dropped & self.flows.nacl_allowed(nacl, egress, permissive=True)
        refused = dropped - passed
        replies = self.flows.needed_replies(passed)
        for rule, decided in self.flows.nacl_decisions(nacl, egress, permissive=True):
            if rule.action == "deny" and not decided.isdisjoint(refused):
                out.append((f"{side} {describe_nacl_rule(rule)}", _spans(decided & refused)))
        for rule, decided in self.flows.nacl_decisions(nacl, not egress, permissive=True):
            if rule.action == "deny" and not decided.isdisjoint(replies):
                text = f"{back} {describe_nacl_rule(rule)} (every reply)"
                out.append((text, _spans(decided & replies)))
        return out

    def clause(self, drop: _Drop, blockers: str) -> tuple[tuple[Hop, ...], str]:
        """Return the evidence hops (subnet, then each NACL with its blocking entries) and the
        message clause of one subnet's drop."""
        # Rules dropped in one subnet mostly share its blocking entries: the hops and words
        # are built once per (subnet, entries) rather than once per (rule, subnet).
        key = (drop.subnet.address, blockers)
        found = self._clauses.get(key)
        if found is None:
            names = ", ".join(n.address for n in drop.guard.nacls)
            hops = (
                Hop(hop=drop.subnet.address, detail=f"NACL {names}"),
                *(Hop(hop=n.address, detail=blockers) for n in drop.guard.nacls),
            )
            clause = f"NACL {names} of {drop.subnet.address} ({blockers})"
            found = self._clauses[key] = (hops, clause)
        return found

    def traffic(self, flows: FlowSet) -> _Traffic:
        """Return `protocol_groups(flows)`, the ports of each and their words, once per
        distinct set."""
        found = self._traffic.get(flows)
        if found is None:
            groups = protocol_groups(flows)
            ports = [g.ports() for g in groups]
            words = "; ".join(
                describe_traffic(g.label, p, g.excluded) for g, p in zip(groups, ports, strict=True)
            )
            found = self._traffic[flows] = _Traffic(groups, ports, words)
        return found

    def describe_cidrs(self, cidrs: list[str]) -> str:
        """Return `describe_cidrs(cidrs)`, once per distinct list."""
        key = tuple(cidrs)
        found = self._described.get(key)
        if found is None:
            found = self._described[key] = describe_cidrs(cidrs)
        return found

    def cidrs(self, flows: FlowSet) -> list[str]:
        """Return `flows.cidrs()`, once per distinct set."""
        found = self._cidrs.get(flows)
        if found is None:
            found = self._cidrs[flows] = flows.cidrs()
        return found

    def finding(self, group: SecurityGroup, rule: SgRule, drops: list[_Drop]) -> Finding | None:
        """Return the rule's finding from what each subnet's NACL drops, if anything shows."""
        definite = [d for d in drops if d.definite and d.certain_placement]
        shown = definite or [d for d in drops if d.definite or d.possible]
        if not shown:
            return None
        certainty: Certainty = "definite" if definite else "possible"
        parts = {
            d.subnet.address: d.definite if definite else d.definite | d.possible for d in shown
        }
        dropped = FlowSet.union_all(parts.values())
        wholly = all(d.definite == d.flows for d in drops)
        egress = rule.direction == "egress"
        if egress and not (wholly and definite):
            return None  # a NACL narrowing a broad egress rule is defense in depth (C-10)
        described = describe_sg_rule(rule, group.address)
        label = protocol_label(rule.protocol)
        hops = [Hop(hop=group.address, detail=described)]
        clauses: list[str] = []
        for drop in shown:
            whole = None
            if drop.whole is not None:
                whole = drop.whole[0] if definite else drop.whole[0] | drop.whole[1]
            blockers = self.blockers(drop, parts[drop.subnet.address], whole, egress)
            drop_hops, clause = self.clause(drop, blockers)
            hops.extend(drop_hops)
            clauses.append(clause)
        more = f" and {len(clauses) - _SHOWN} more subnets" if len(clauses) > _SHOWN else ""
        groups, ports, traffic = self.traffic(dropped)
        sources = self.cidrs(dropped)
        side = "to" if egress else "from"
        users = self.usage.by_security_group[group.address]
        related = (
            group.address,
            *parts,
            *(n.address for d in shown for n in d.guard.nacls),
            *(a.resource for a in users if any(s in parts for s in a.subnets)),
        )
        return make_finding(
            "TFV301",
            resource=rule.origin or group.address,
            severity=Severity.MEDIUM if wholly else Severity.LOW,
            certainty=certainty,
            message=(
                f"{described} of {group.address} is {'dead' if wholly else 'partly dead'}:"
                f" {traffic} {side} {self.describe_cidrs(sources)} is dropped by"
                f" {'; '.join(clauses[:_SHOWN])}{more}; allow it in the NACL or narrow the rule"
                f" ({'C-1' if wholly else 'C-2'})"
            ),
            related=tuple(_without(dict.fromkeys(related), rule.origin)),
            protocol=label,
            ports=ports[0] if len(groups) == 1 and groups[0].label == label else None,
            sources=tuple(sources),
            path=tuple(hops),
            location=rule.location or self.network.locations.get(rule.origin or group.address),
            fingerprint_extra=f"{group.address}|{rule.direction}|{signature(rule)}",
        )


def _without(keys: dict[str, None], key: str) -> dict[str, None]:
    """Return `keys` after removing `key` from it, if there."""
    keys.pop(key, None)
    return keys


def _spans(flows: FlowSet) -> _Spans:
    """Return the address ranges of `flows` per family."""
    return {family: flows.addresses(family) for family in flows.families()}


def _beyond(spans: _Spans, subnet_ranges: OwnRanges) -> bool:
    """Return True if some address of `spans` lies outside a subnet's CIDRs, given as
    `SubnetSpace.ranges`.

    What a NACL does to a flow depends on its own client address only (R-NACL-1/11), so an
    entry that drops some flows of a set drops flows of the set without the subnet's own
    addresses exactly when some of what it drops lies outside them.
    """
    own = {family: (lo, hi) for family, lo, hi in subnet_ranges}
    for family, ranges in spans.items():
        inside = own.get(family)
        if inside is None or ranges[0][0] < inside[0] or ranges[-1][1] > inside[1]:
            return True
    return False
