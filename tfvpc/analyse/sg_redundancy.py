"""TFV304 sg-rule-redundant: security-group rules that add nothing to their own group.

R-SG-2/3: a group's rules are a union, so a rule is redundant when the other rules of the same
group and direction already allow all of its flows (C-8). Peers are compared by kind:

* CIDR peers and prefix lists with known entries compare by address (an IPv4 rule never covers
  IPv6 flows, R-CIDR-2);
* security-group peers (``self`` is the group itself), and prefix lists whose entries are unknown,
  compare symbolically: only rules naming the same peer cover each other, on protocol and ports.
  A CIDR rule is never taken to cover a group peer (the group's ENIs may sit in a peered VPC).

Rules are visited in order and a redundant rule stops counting as cover, so of two rules with the
same flows only the later one is reported, and never a set of rules whose removal would lose
traffic. An identical duplicate (same protocol, ports and peer) is reported apart, with severity
low: AWS rejects it at apply (R-SG-12, ``InvalidPermission.Duplicate``). Rules with unknowns are
neither reported nor counted as cover: nobody should delete a known rule on the strength of an
unknown one, so every finding is definite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_text import describe_sg_rule, protocol_label
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.peer_space import with_cidr_peer
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import Network, SecurityGroup, SgRule
from tfvpc.space import FlowSet

_ADDRESS_PEERS = ("address",)

_Covered = dict[tuple[FlowSet, frozenset[FlowSet]], bool]
"""Whether a rule's flows lie within the union of other rules' flows, by their values."""

_Verdict = tuple[tuple[bool, int, tuple[int, ...], int], ...]
"""What a direction's rules are found to be, in the order of the findings: (duplicate, the
rule's index, the indices of the rules it repeats or that cover it, the copy's number)."""

_ITSELF = ("itself", None)
"""A security-group peer naming the rule's own group, in `_content` (no peer kind is called
so)."""


@dataclass
class _Entry:
    rule: SgRule
    peer: tuple[str, ...] | None
    """``("address",)`` for address peers, ``(kind, name)`` for symbolic ones, None if unknown."""
    strict: FlowSet


def find_redundant_sg_rules(network: Network, flows: FlowCache) -> list[Finding]:
    """Return the TFV304 findings of every security group, by group address, ingress first."""
    findings: list[Finding] = []
    covered: _Covered = {}
    # Groups written alike (one module per VPC) hold rules alike: judged once.
    verdicts: dict[tuple[object, ...], _Verdict] = {}
    for address in sorted(network.security_groups):
        group = network.security_groups[address]
        by_direction: dict[str, list[SgRule]] = {"ingress": [], "egress": []}
        for rule in group.rules:
            by_direction[rule.direction].append(rule)
        for rules in by_direction.values():
            # A rule alone in its direction neither repeats nor is covered by another.
            if len(rules) < 2:
                continue
            key = tuple(_content(rule, group) for rule in rules)
            verdict = verdicts.get(key)
            if verdict is None:
                entries = [_entry(rule, group, network, flows) for rule in rules]
                verdict = verdicts[key] = _judge(group, entries, covered)
            if verdict:
                findings.extend(_findings(network, flows, group, rules, verdict))
    return findings


def _content(rule: SgRule, group: SecurityGroup) -> tuple[object, ...]:
    """Return everything the verdict on a rule among its group's rules depends on, with the
    group's own name left out: its `signature` and prefix-list entries, whether it has
    unknowns and whether it is declared apart from the group."""
    peer: tuple[object, ...] = (rule.peer_kind, rule.peer)
    if rule.peer_kind == "security_group" and rule.peer == group.address:
        peer = _ITSELF
    return (
        rule.protocol,
        rule.from_port,
        rule.to_port,
        *peer,
        rule.prefix_list_cidrs,
        bool(rule.unknowns),
        rule.origin not in ("", group.address),
    )


def signature(rule: SgRule) -> tuple[object, ...]:
    """Return what makes two rules of one group and direction identical to AWS (R-SG-4)."""
    return (rule.protocol, rule.from_port, rule.to_port, rule.peer_kind, rule.peer)


def _peer(rule: SgRule, group: SecurityGroup, network: Network) -> tuple[str, ...] | None:
    if rule.peer_kind == "cidr":
        return _ADDRESS_PEERS if rule.peer is not None else None
    if rule.peer_kind == "self":
        return ("security_group", group.address)
    if rule.peer_kind == "security_group" and rule.peer is not None:
        return ("security_group", rule.peer)
    if rule.peer_kind == "prefix_list" and rule.peer is not None:
        listed = network.prefix_lists.get(rule.peer)
        known = rule.prefix_list_cidrs is not None or (
            listed is not None and listed.cidrs is not None
        )
        return _ADDRESS_PEERS if known else ("prefix_list", rule.peer)
    return None


def _entry(rule: SgRule, group: SecurityGroup, network: Network, flows: FlowCache) -> _Entry:
    peer = _peer(rule, group, network)
    # Symbolic peers compare on protocol and ports only: stand the peer in for "everywhere".
    flows_of = rule if peer is None or peer == _ADDRESS_PEERS else with_cidr_peer(rule, "0.0.0.0/0")
    return _Entry(
        rule,
        peer,
        flows.sg_rule_flows(flows_of, permissive=False),
    )


def _judge(group: SecurityGroup, entries: list[_Entry], covered: _Covered) -> _Verdict:
    """Return which of one direction's rules repeat another or are covered by others."""
    verdict: list[tuple[bool, int, tuple[int, ...], int]] = []
    seen: dict[tuple[object, ...], int] = {}
    # Of two identical rules the inline one is kept, the separate rule resource reported.
    copies: dict[tuple[object, ...], int] = {}
    covering = [True] * len(entries)
    apart = [e.rule.origin not in ("", group.address) for e in entries]
    for index in sorted(range(len(entries)), key=lambda i: apart[i]):
        key = signature(entries[index].rule)
        first = seen.setdefault(key, index)
        if first != index:
            covering[index] = False
            copies[key] = copies.get(key, 0) + 1
            verdict.append((True, index, (first,), copies[key]))
    for index, entry in enumerate(entries):
        if not covering[index] or entry.rule.unknowns or entry.peer is None or not entry.strict:
            continue
        others = [
            other
            for other, e in enumerate(entries)
            if other != index and covering[other] and e.peer == entry.peer
        ]
        if others and _is_covered(
            entry.strict, frozenset(entries[other].strict for other in others), covered
        ):
            covering[index] = False
            covers = tuple(o for o in others if not entries[o].strict.isdisjoint(entry.strict))
            verdict.append((False, index, covers, 0))
    return tuple(verdict)


def _findings(
    network: Network, flows: FlowCache, group: SecurityGroup, rules: list[SgRule], verdict: _Verdict
) -> Iterator[Finding]:
    """Yield the findings of one direction's rules from the verdict on them."""
    entries = [_entry(rule, group, network, flows) for rule in rules]
    for duplicate, index, others, copy in verdict:
        if duplicate:
            yield _duplicate(network, group, entries[index], rules[others[0]], copy)
        else:
            yield _redundant(network, group, entries[index], [rules[o] for o in others])


def _is_covered(strict: FlowSet, others: frozenset[FlowSet], covered: _Covered) -> bool:
    """Return True if `strict` lies within the union of `others`, once per distinct question:
    groups written alike (one module per VPC) ask the same ones."""
    key = (strict, others)
    found = covered.get(key)
    if found is None:
        found = covered[key] = not _left_over(strict, others)
    return found


def _left_over(flows: FlowSet, others: Iterable[FlowSet]) -> FlowSet:
    """Return `flows` less the union of `others`, taking out only the sets it meets (most
    meet none) rather than building the union."""
    left = flows
    for other in others:
        if not left.isdisjoint(other):
            left = left - other
            if not left:
                break
    return left


def _sources(entry: _Entry) -> tuple[str, ...]:
    if entry.peer == _ADDRESS_PEERS:
        return tuple(entry.strict.cidrs())
    return (entry.peer[1],) if entry.peer else ()


def _redundant(
    network: Network,
    group: SecurityGroup,
    entry: _Entry,
    covers: list[SgRule],
) -> Finding:
    rule = entry.rule
    shown = describe_sg_rule(rule, group.address)
    covering = "; ".join(describe_sg_rule(c, group.address) for c in covers)
    groups = protocol_groups(entry.strict)
    return make_finding(
        "TFV304",
        resource=rule.origin or group.address,
        message=(
            f"{shown} of {group.address} adds nothing: all of it is already allowed by"
            f" {covering}; remove it (C-8)"
        ),
        related=_related(group, rule, covers),
        protocol=protocol_label(rule.protocol),
        ports=groups[0].ports() if len(groups) == 1 else None,
        sources=_sources(entry),
        path=(
            *(
                Hop(hop=c.origin or group.address, detail=describe_sg_rule(c, group.address))
                for c in covers
            ),
            _hop(group, rule, f"{shown}: redundant"),
        ),
        location=rule.location or network.locations.get(rule.origin or group.address),
        fingerprint_extra=f"{group.address}|{rule.direction}|{signature(rule)}",
    )


def _duplicate(
    network: Network, group: SecurityGroup, entry: _Entry, first: SgRule, copy: int
) -> Finding:
    rule = entry.rule
    shown = describe_sg_rule(rule, group.address)
    where = first.origin or group.address
    groups = protocol_groups(entry.strict)
    return make_finding(
        "TFV304",
        resource=rule.origin or group.address,
        severity=Severity.LOW,
        message=(
            f"{shown} of {group.address} duplicates the rule declared in {where}; AWS rejects"
            " the second copy at apply (InvalidPermission.Duplicate, R-SG-12)"
        ),
        related=_related(group, rule, [first]),
        protocol=protocol_label(rule.protocol),
        ports=groups[0].ports() if len(groups) == 1 else None,
        sources=_sources(entry),
        path=(
            _hop(group, first, describe_sg_rule(first, group.address)),
            _hop(group, rule, f"{shown}: duplicate"),
        ),
        location=rule.location or network.locations.get(rule.origin or group.address),
        fingerprint_extra=f"{group.address}|{rule.direction}|{signature(rule)}|duplicate|{copy}",
    )


def _related(group: SecurityGroup, rule: SgRule, others: list[SgRule]) -> tuple[str, ...]:
    addresses = (group.address, *(o.origin for o in others))
    return tuple(dict.fromkeys(a for a in addresses if a and a != rule.origin))


def _hop(group: SecurityGroup, rule: SgRule, detail: str) -> Hop:
    return Hop(hop=rule.origin or group.address, detail=detail)
