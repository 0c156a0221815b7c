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
from dataclasses import dataclass

from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_sg_rule,
    describe_traffic,
    protocol_label,
)
from tfvpc.analyse.flows import (
    nacl_allowed,
    nacl_decisions,
    needed_replies,
    return_split,
    sg_rule_flows,
)
from tfvpc.analyse.peer_space import for_every_address, group_peer_subnets, with_cidr_peer
from tfvpc.analyse.routing import family_window, subnet_addresses
from tfvpc.analyse.sg_redundancy import signature
from tfvpc.analyse.usage import Usage
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Nacl, Network, SecurityGroup, SgRule, Subnet
from tfvpc.space import FlowSet, describe_cidrs

_SHOWN = 3


@dataclass(frozen=True)
class _Drop:
    """What one subnet's NACL does to one rule."""

    subnet: Subnet
    nacls: tuple[Nacl, ...]
    flows: FlowSet
    """The rule's flows that cross the subnet boundary."""
    definite: FlowSet
    possible: FlowSet
    certain_placement: bool


def find_sg_rules_blocked_by_nacl(network: Network, usage: Usage) -> list[Finding]:
    """Return the TFV301 findings, by group address and rule order."""
    findings: list[Finding] = []
    for address in sorted(usage.by_security_group):
        group = network.security_groups.get(address)
        if group is not None:
            findings.extend(_group(network, usage, group))
    return findings


def _group(network: Network, usage: Usage, group: SecurityGroup) -> Iterator[Finding]:
    attachments = usage.by_security_group[group.address]
    certain = {a.subnets[0] for a in attachments if len(a.subnets) == 1}
    subnets = [
        network.subnets[s] for s in usage.subnets_of_group(group.address) if s in network.subnets
    ]
    seen: set[tuple[object, ...]] = set()
    for rule in group.rules:
        # An identical copy of a rule (TFV304 reports it) would repeat the same finding.
        if rule.unknowns or signature(rule) in seen:
            continue
        seen.add(signature(rule))
        drops = [
            drop
            for subnet in subnets
            if (drop := _drop(network, usage, group, rule, subnet, subnet.address in certain))
            is not None
        ]
        finding = _finding(network, group, rule, drops, usage)
        if finding is not None:
            yield finding


def _rule_flows(
    network: Network, usage: Usage, group: SecurityGroup, rule: SgRule, subnet: Subnet
) -> list[FlowSet]:
    """Return the rule's flows crossing the subnet boundary: one set for address peers, one per
    peer subnet for security-group peers (each to be judged for all its addresses)."""
    # R-NACL-12: not the subnet's own addresses; R-CIDR-2: not a family it has no address in.
    window = family_window(subnet) - subnet_addresses(subnet)
    if rule.peer_kind not in ("security_group", "self"):
        flows = sg_rule_flows(rule, network, permissive=False) & window
        return [flows] if flows else []
    out: list[FlowSet] = []
    for peer in group_peer_subnets(rule, group.address, network, usage):
        if peer.address == subnet.address:
            continue
        cidrs = [c for c in (peer.ipv4_cidr, peer.ipv6_cidr) if c is not None]
        flows = FlowSet.union_all(
            sg_rule_flows(with_cidr_peer(rule, c), network, permissive=False) for c in cidrs
        )
        if flows & window:
            out.append(flows & window)
    return out


def _passed(nacl: Nacl, flows: FlowSet, egress: bool, *, permissive: bool) -> FlowSet:
    """Return the flows that pass the NACL in their direction and get some reply back."""
    passed = flows & nacl_allowed(nacl, egress, permissive=permissive)
    back = nacl_allowed(nacl, not egress, permissive=permissive)
    return passed - return_split(passed, back).none


def _drop(
    network: Network,
    usage: Usage,
    group: SecurityGroup,
    rule: SgRule,
    subnet: Subnet,
    certain_placement: bool,
) -> _Drop | None:
    """Return what the subnet's NACL drops of the rule, None if the rule has no traffic
    crossing the subnet boundary or the NACL is unknown."""
    nacls = tuple(network.nacls[n] for n in subnet.nacls if n in network.nacls)
    parts = _rule_flows(network, usage, group, rule, subnet)
    if not nacls or len(nacls) < len(subnet.nacls) or not parts:
        return None
    egress = rule.direction == "egress"
    address_peer = rule.peer_kind not in ("security_group", "self")
    definite = FlowSet.empty()
    possible = FlowSet.empty()
    for flows in parts:
        # Dropped under every candidate NACL even when read permissively (definite), or under
        # some candidate read strictly (possible).
        surely = flows
        maybe = FlowSet.empty()
        for nacl in nacls:
            surely = surely & (flows - _passed(nacl, flows, egress, permissive=True))
            maybe = maybe | (flows - _passed(nacl, flows, egress, permissive=False))
        if address_peer:
            possible = possible | (maybe - surely)
        else:
            surely = for_every_address(surely, flows)
        definite = definite | surely
    return _Drop(subnet, nacls, FlowSet.union_all(parts), definite, possible, certain_placement)


def _blockers(drop: _Drop, dropped: FlowSet, egress: bool) -> list[str]:
    """Return the NACL entries that drop the requests of `dropped`, or all their replies."""
    side, back = ("outbound", "inbound") if egress else ("inbound", "outbound")
    out: list[str] = []
    for nacl in drop.nacls:
        passed = dropped & nacl_allowed(nacl, egress, permissive=True)
        replies = needed_replies(passed)
        for rule, decided in nacl_decisions(nacl, egress, permissive=True):
            if rule.action == "deny" and decided & (dropped - passed):
                out.append(f"{side} {describe_nacl_rule(rule)}")
        for rule, decided in nacl_decisions(nacl, not egress, permissive=True):
            if rule.action == "deny" and decided & replies:
                out.append(f"{back} {describe_nacl_rule(rule)} (every reply)")
    return list(dict.fromkeys(out))


def _finding(
    network: Network, group: SecurityGroup, rule: SgRule, drops: list[_Drop], usage: Usage
) -> Finding | None:
    definite = [d for d in drops if d.definite and d.certain_placement]
    shown = definite or [d for d in drops if d.definite or d.possible]
    if not shown:
        return None
    certainty: Certainty = "definite" if definite else "possible"
    parts = {d.subnet.address: d.definite if definite else d.definite | d.possible for d in shown}
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
        blockers = "; ".join(_blockers(drop, parts[drop.subnet.address], egress))
        names = ", ".join(n.address for n in drop.nacls)
        hops.append(Hop(hop=drop.subnet.address, detail=f"NACL {names}"))
        hops.extend(Hop(hop=n.address, detail=blockers) for n in drop.nacls)
        clauses.append(f"NACL {names} of {drop.subnet.address} ({blockers})")
    more = f" and {len(clauses) - _SHOWN} more subnets" if len(clauses) > _SHOWN else ""
    groups = protocol_groups(dropped)
    traffic = "; ".join(describe_traffic(g.label, g.ports(), g.excluded) for g in groups)
    sources = dropped.cidrs()
    side = "to" if egress else "from"
    users = usage.by_security_group[group.address]
    related = (
        group.address,
        *parts,
        *(n.address for d in shown for n in d.nacls),
        *(a.resource for a in users if parts.keys() & set(a.subnets)),
    )
    return make_finding(
        "TFV301",
        resource=rule.origin or group.address,
        severity=Severity.MEDIUM if wholly else Severity.LOW,
        certainty=certainty,
        message=(
            f"{described} of {group.address} is {'dead' if wholly else 'partly dead'}: {traffic}"
            f" {side} {describe_cidrs(sources)} is dropped by {'; '.join(clauses[:_SHOWN])}"
            f"{more}; allow it in the NACL or narrow the rule ({'C-1' if wholly else 'C-2'})"
        ),
        related=tuple(dict.fromkeys(a for a in related if a != rule.origin)),
        protocol=label,
        ports=groups[0].ports() if len(groups) == 1 and groups[0].label == label else None,
        sources=tuple(sources),
        path=tuple(hops),
        location=rule.location or network.locations.get(rule.origin or group.address),
        fingerprint_extra=f"{group.address}|{rule.direction}|{signature(rule)}",
    )
