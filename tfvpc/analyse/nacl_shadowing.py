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
from tfvpc.analyse.flows import TCP, UDP, nacl_rule_flows, reading_matters
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Nacl, NaclRule, Network
from tfvpc.space import FlowSet


@dataclass(frozen=True)
class _Report:
    """One finding about an entry of a direction: everything in it that depends only on the
    entries' content, so that NACLs written alike share it and differ only in addresses.

    `deciders` are the positions of the earlier entries the path shows before the entry itself
    (at `position`); `details` the path's texts for those hops and for the entry's own.
    """

    position: int
    severity: Severity
    certainty: Certainty
    message: tuple[str, str]
    """The message before and after the NACL's address."""
    protocol: str
    ports: PortRanges | None
    sources: tuple[str, ...] | None
    deciders: tuple[int, ...]
    details: tuple[str, ...]
    extra: str
    """What follows the rule number in the fingerprint."""


@dataclass(frozen=True)
class _Shadow:
    """An entry that never matches: its position, flows, certainty and the positions of the
    earlier entries that decide its flows, in evaluation order."""

    position: int
    flows: FlowSet
    certainty: Certainty
    deciders: tuple[int, ...]


def find_shadowed_nacl_rules(network: Network, flows: FlowCache) -> list[Finding]:
    """Return the TFV303 findings of every NACL, by NACL address, inbound before outbound."""
    # NACLs whose entries are alike (one module per VPC) are judged and described once.
    reports: dict[int, tuple[_Report, ...]] = {}
    # Entries alike shadowed in many directions show the same ports and CIDRs: worked out once.
    evidence: dict[FlowSet, tuple[PortRanges | None, tuple[str, ...]]] = {}
    findings: list[Finding] = []
    for address in sorted(network.nacls):
        nacl = network.nacls[address]
        for egress in (False, True):
            rules = flows.nacl_entries(nacl, egress)
            token = flows.nacl_token(nacl, egress)
            found = reports.get(token)
            if found is None:
                found = reports[token] = tuple(_reports(rules, evidence))
            findings.extend(_findings(network, nacl, rules, found))
    return findings


def _reports(
    rules: tuple[NaclRule, ...], evidence: dict[FlowSet, tuple[PortRanges | None, tuple[str, ...]]]
) -> Iterator[_Report]:
    """Yield the reports of one direction's entries (in evaluation order), in evaluation
    order, port 0 before shadowing."""
    port_zero, shadows = _judge(rules)
    texts = [describe_nacl_rule(rule) for rule in rules]
    for position in sorted({*port_zero, *shadows}):
        rule = rules[position]
        direction = "outbound" if rule.egress else "inbound"
        if position in port_zero:
            yield _Report(
                position,
                Severity.LOW,
                "definite",
                (
                    f"{direction} {texts[position]} of ",
                    " matches only port 0 (from_port = to_port = 0); for every port write"
                    " 0-65535, or protocol -1 (R-NACL-6, C-7)",
                ),
                protocol_label(rule.protocol),
                ((0, 0),),
                (rule.cidr,) if rule.cidr else None,
                (),
                (f"{direction} {texts[position]}",),
                "|port-0",
            )
        shadow = shadows.get(position)
        if shadow is not None:
            shown = evidence.get(shadow.flows)
            if shown is None:
                groups = protocol_groups(shadow.flows)
                ports = groups[0].ports() if groups else None
                shown = evidence[shadow.flows] = (ports, tuple(shadow.flows.cidrs()))
            yield _shadow_report(rules, texts, shadow, *shown)


def _judge(rules: tuple[NaclRule, ...]) -> tuple[set[int], dict[int, _Shadow]]:
    """Return which entries of one direction match only port 0 and which never match."""
    earlier: list[tuple[int, FlowSet]] = []
    certain = FlowSet.empty()
    maybe = FlowSet.empty()
    port_zero: set[int] = set()
    shadows: dict[int, _Shadow] = {}
    for position, rule in enumerate(rules):
        if rule.is_default_deny:
            continue
        strict = nacl_rule_flows(rule, permissive=False)
        alike = not reading_matters(rule)
        widest = strict if alike else nacl_rule_flows(rule, permissive=True)
        if _port_zero(rule):
            port_zero.add(position)
        if not rule.unknowns and widest == strict and widest and widest.issubset(maybe):
            certain_too = maybe is certain or widest.issubset(certain)
            certainty: Certainty = "definite" if certain_too else "possible"
            deciders = _deciders(widest, earlier)
            shadows[position] = _Shadow(position, widest, certainty, deciders)
        earlier.append((position, widest))
        # While every entry so far reads alike, both unions are one set: built once.
        same = alike and maybe is certain
        certain = certain | strict
        maybe = certain if same else maybe | widest
    return port_zero, shadows


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


def _shadow_report(
    rules: tuple[NaclRule, ...],
    texts: list[str],
    shadow: _Shadow,
    ports: PortRanges | None,
    sources: tuple[str, ...],
) -> _Report:
    rule = rules[shadow.position]
    actions = {rules[d].action for d in shadow.deciders}
    if rule.action == "deny" and "allow" in actions:
        severity, effect = Severity.HIGH, "the deny never fires: earlier allows let its traffic in"
    elif rule.action == "allow" and "deny" in actions:
        severity, effect = Severity.MEDIUM, "the allow never fires: earlier denies drop its traffic"
    else:
        severity, effect = Severity.LOW, "it is redundant"
    direction = "outbound" if rule.egress else "inbound"
    shown = texts[shadow.position]
    covering = "; ".join(texts[d] for d in shadow.deciders)
    return _Report(
        shadow.position,
        severity,
        shadow.certainty,
        (
            f"{direction} {shown} of ",
            f" can never match: lower-numbered rules ({covering}) decide all its traffic"
            f" first, so {effect} (R-NACL-2)",
        ),
        protocol_label(rule.protocol),
        ports,
        sources,
        shadow.deciders,
        (
            *(f"{direction} {texts[d]}" for d in shadow.deciders),
            f"{direction} {shown}: never matches",
        ),
        "",
    )


def _findings(
    network: Network, nacl: Nacl, rules: tuple[NaclRule, ...], reports: tuple[_Report, ...]
) -> Iterator[Finding]:
    """Yield one direction's findings from the reports of its entries."""
    for report in reports:
        rule = rules[report.position]
        origin = rule.origin or nacl.address
        deciders = [rules[d].origin for d in report.deciders]
        hops = [
            Hop(hop=decider or nacl.address, detail=detail)
            for decider, detail in zip(deciders, report.details, strict=False)
        ]
        hops.append(Hop(hop=origin, detail=report.details[-1]))
        related = dict.fromkeys(a for a in (nacl.address, *deciders) if a != origin)
        before, after = report.message
        direction = "outbound" if rule.egress else "inbound"
        yield make_finding(
            "TFV303",
            resource=origin,
            severity=report.severity,
            certainty=report.certainty,
            message=f"{before}{nacl.address}{after}",
            related=tuple(related),
            protocol=report.protocol,
            ports=report.ports,
            sources=report.sources,
            path=tuple(hops),
            location=rule.location or network.locations.get(origin),
            fingerprint_extra=f"{nacl.address}|{direction}|{rule.rule_no}{report.extra}",
        )
