"""TFV303 nacl-rule-shadowed: NACL entries that can never match, and tcp/udp entries on port 0.

R-NACL-2: entries are evaluated by ascending number and the first match decides, so an entry
whose every flow is matched by lower-numbered entries never decides anything (C-5). Severity:

* high when a deny is shadowed and some of its flows are decided by an allow: the deny the author
  meant never fires (C-6, a broad allow numbered before a narrower deny);
* medium when an allow is shadowed and some of its flows are decided by a deny: the allow the
  author meant never fires either (the action differs, so it is worse than redundancy);
* low when every covering entry has the same action: the entry is merely redundant.

A deny numbered *before* an allow is never reported for the deny: it decides first. The final
``*`` entries are never reported. A definite finding needs the entry itself known and the
covering entries certain (their strict reading); when only the permissive reading of unknown
entries covers it, the finding is "possible". An entry with unknowns is never reported.

C-7 is reported here too, as its own finding (low): a tcp/udp entry whose ports are 0-0 matches
only port 0 (R-NACL-6), almost always a mistake for "all ports".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tfvpc.analyse.exposure_groups import PortRanges, protocol_groups
from tfvpc.analyse.exposure_text import describe_nacl_rule, protocol_label
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import TCP, UDP, evaluation_order, nacl_rule_flows
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Nacl, NaclRule, Network
from tfvpc.space import FlowSet


@dataclass(frozen=True)
class _Shadow:
    """An entry that never matches: its position, flows, certainty and the positions of the
    earlier entries that decide its flows, in evaluation order."""

    position: int
    flows: FlowSet
    certainty: Certainty
    deciders: tuple[int, ...]


@dataclass(frozen=True)
class _Evidence:
    """What a finding shows of a shadowed entry's flows: its ports (of its first protocol
    group) and its CIDRs."""

    ports: PortRanges | None
    sources: tuple[str, ...]


def _evidence(flows: FlowSet) -> _Evidence:
    groups = protocol_groups(flows)
    return _Evidence(groups[0].ports() if groups else None, tuple(flows.cidrs()))


@dataclass(frozen=True)
class _Verdicts:
    """What one direction's entries (in evaluation order) say about themselves."""

    port_zero: tuple[int, ...]
    shadows: tuple[_Shadow, ...]


def find_shadowed_nacl_rules(network: Network, flows: FlowCache) -> list[Finding]:
    """Return the TFV303 findings of every NACL, by NACL address, inbound before outbound."""
    # NACLs whose entries are alike (one module per VPC) are judged once.
    verdicts: dict[int, _Verdicts] = {}
    # Entries alike shadowed in many NACLs show the same ports and CIDRs: worked out once.
    evidence: dict[FlowSet, _Evidence] = {}
    findings: list[Finding] = []
    for address in sorted(network.nacls):
        nacl = network.nacls[address]
        for egress in (False, True):
            rules = evaluation_order(nacl, egress)
            token = flows.nacl_token(nacl, egress)
            if token not in verdicts:
                verdicts[token] = _judge(rules)
            findings.extend(_direction(network, nacl, rules, verdicts[token], evidence))
    return findings


def _judge(rules: tuple[NaclRule, ...]) -> _Verdicts:
    """Return which entries of one direction match only port 0 and which never match."""
    earlier: list[tuple[int, FlowSet]] = []
    certain = FlowSet.empty()
    maybe = FlowSet.empty()
    port_zero: list[int] = []
    shadows: list[_Shadow] = []
    for position, rule in enumerate(rules):
        if rule.is_default_deny:
            continue
        strict = nacl_rule_flows(rule, permissive=False)
        widest = nacl_rule_flows(rule, permissive=True)
        if _port_zero(rule):
            port_zero.append(position)
        if not rule.unknowns and widest == strict and widest and widest.issubset(maybe):
            certainty: Certainty = "definite" if widest.issubset(certain) else "possible"
            deciders = _deciders(widest, earlier)
            shadows.append(_Shadow(position, widest, certainty, deciders))
        earlier.append((position, widest))
        certain = certain | strict
        maybe = maybe | widest
    return _Verdicts(tuple(port_zero), tuple(shadows))


def _direction(
    network: Network,
    nacl: Nacl,
    rules: tuple[NaclRule, ...],
    verdicts: _Verdicts,
    evidence: dict[FlowSet, _Evidence],
) -> Iterator[Finding]:
    """Yield one direction's findings, in evaluation order (port 0 before shadowing)."""
    shadows = {shadow.position: shadow for shadow in verdicts.shadows}
    for position in sorted({*verdicts.port_zero, *shadows}):
        rule = rules[position]
        if position in verdicts.port_zero:
            yield _port_zero_finding(network, nacl, rule)
        shadow = shadows.get(position)
        if shadow is not None:
            deciders = [rules[index] for index in shadow.deciders]
            shown = evidence.get(shadow.flows)
            if shown is None:
                shown = evidence[shadow.flows] = _evidence(shadow.flows)
            yield _shadow_finding(network, nacl, rule, shadow, deciders, shown)


def _port_zero(rule: NaclRule) -> bool:
    return rule.protocol in (TCP, UDP) and rule.from_port == 0 and rule.to_port == 0


def _deciders(flows: FlowSet, earlier: list[tuple[int, FlowSet]]) -> tuple[int, ...]:
    """Return the earlier entries that decide part of `flows`, in evaluation order."""
    out: list[int] = []
    left = flows
    for position, matched in earlier:
        if not left.isdisjoint(matched):
            out.append(position)
            left = left - matched
        if not left:
            break
    return tuple(out)


def _shadow_finding(
    network: Network,
    nacl: Nacl,
    rule: NaclRule,
    shadow: _Shadow,
    deciders: list[NaclRule],
    evidence: _Evidence,
) -> Finding:
    actions = {d.action for d in deciders}
    if rule.action == "deny" and "allow" in actions:
        severity, effect = Severity.HIGH, "the deny never fires: earlier allows let its traffic in"
    elif rule.action == "allow" and "deny" in actions:
        severity, effect = Severity.MEDIUM, "the allow never fires: earlier denies drop its traffic"
    else:
        severity, effect = Severity.LOW, "it is redundant"
    direction = "outbound" if rule.egress else "inbound"
    shown = describe_nacl_rule(rule)
    covering = "; ".join(describe_nacl_rule(d) for d in deciders)
    origin = rule.origin or nacl.address
    return make_finding(
        "TFV303",
        resource=origin,
        severity=severity,
        certainty=shadow.certainty,
        message=(
            f"{direction} {shown} of {nacl.address} can never match: lower-numbered rules"
            f" ({covering}) decide all its traffic first, so {effect} (R-NACL-2)"
        ),
        related=tuple(
            dict.fromkeys(a for a in (nacl.address, *(d.origin for d in deciders)) if a != origin)
        ),
        protocol=protocol_label(rule.protocol),
        ports=evidence.ports,
        sources=evidence.sources,
        path=(
            *(
                Hop(hop=d.origin or nacl.address, detail=f"{direction} {describe_nacl_rule(d)}")
                for d in deciders
            ),
            Hop(hop=origin, detail=f"{direction} {shown}: never matches"),
        ),
        location=rule.location or network.locations.get(origin),
        fingerprint_extra=f"{nacl.address}|{direction}|{rule.rule_no}",
    )


def _port_zero_finding(network: Network, nacl: Nacl, rule: NaclRule) -> Finding:
    direction = "outbound" if rule.egress else "inbound"
    shown = describe_nacl_rule(rule)
    origin = rule.origin or nacl.address
    return make_finding(
        "TFV303",
        resource=origin,
        severity=Severity.LOW,
        message=(
            f"{direction} {shown} of {nacl.address} matches only port 0 (from_port = to_port ="
            " 0); for every port write 0-65535, or protocol -1 (R-NACL-6, C-7)"
        ),
        related=(nacl.address,) if origin != nacl.address else (),
        protocol=protocol_label(rule.protocol),
        ports=((0, 0),),
        sources=(rule.cidr,) if rule.cidr else None,
        path=(Hop(hop=origin, detail=f"{direction} {shown}"),),
        location=rule.location or network.locations.get(origin),
        fingerprint_extra=f"{nacl.address}|{direction}|{rule.rule_no}|port-0",
    )
