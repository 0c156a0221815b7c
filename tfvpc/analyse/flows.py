"""Security-group and NACL rules as flow sets, NACL first-match evaluation, and return traffic.

Conventions of `tfvpc.space`: the address dimension is the *remote* address (source of inbound
packets, destination of outbound ones), the port dimension the packet's destination port, and
ICMP type/code share the port dimension as type*256+code.

Unknown parts of a rule are read one of two ways. ``permissive=True`` widens them to everything
they could be (the most that could be allowed); ``permissive=False`` narrows them to nothing (the
least that is certainly allowed). A rule with any entry in its `unknowns` matches nothing under
the strict reading, so that nothing certain rests on it (R-MODEL-1). Only rule-level unknowns are
read here; what an analyser makes of unknowns on whole groups or ACLs is its own decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Literal

from tfvpc.model import PROTOCOL_ALL, Nacl, NaclRule, Network, SgRule
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet, icmp_code_range, parse_cidr

ICMP = 1
TCP = 6
UDP = 17
ICMPV6 = 58

ALL_PORTS = (0, PORT_MAX)
EPHEMERAL_PORTS = (1024, PORT_MAX)
"""R-NACL-11: tfvpc checks return traffic against the range AWS recommends, 1024-65535."""

FAMILIES: tuple[Family, ...] = (4, 6)

_Space = tuple[tuple[int, int], tuple[int, int]]
"""(protocol range, port range) a rule matches, before addresses."""


def _clamped_ports(from_port: int | None, to_port: int | None) -> tuple[int, int] | None:
    """Return an inclusive tcp/udp port range, None if empty; None or negative bounds are open."""
    lo = 0 if from_port is None or from_port < 0 else from_port
    hi = PORT_MAX if to_port is None or to_port < 0 or to_port > PORT_MAX else to_port
    return (lo, hi) if lo <= hi else None


def _icmp_ports(icmp_type: int | None, icmp_code: int | None) -> tuple[int, int]:
    """Return the encoded ICMP range; None or out-of-range values mean any."""
    kind = icmp_type if icmp_type is not None and -1 <= icmp_type <= 255 else -1
    code = icmp_code if icmp_code is not None and -1 <= icmp_code <= 255 else -1
    return icmp_code_range(kind, code)


def _single_protocol(protocol: int) -> tuple[int, int]:
    if protocol == PROTOCOL_ALL or not 0 <= protocol <= PROTO_MAX:
        return (0, PROTO_MAX)
    return (protocol, protocol)


def _sg_space(protocol: int, from_port: int | None, to_port: int | None) -> _Space | None:
    """Return what an SG rule matches in protocol x port (R-SG-7/8), None if nothing."""
    protocols = _single_protocol(protocol)
    if protocols != (protocol, protocol):
        return (protocols, ALL_PORTS)  # R-SG-8: all protocols, ports ignored
    if protocol in (TCP, UDP):
        ports = _clamped_ports(from_port, to_port)
        return (protocols, ports) if ports else None
    if protocol in (ICMP, ICMPV6):
        # R-SG-8: from_port is the ICMP type, to_port the code, -1 any.
        return (protocols, _icmp_ports(from_port, to_port))
    return (protocols, ALL_PORTS)


def _nacl_space(rule: NaclRule, family: Family) -> _Space | None:
    """Return what a NACL entry matches in protocol x port for one family (R-NACL-6/7)."""
    protocols = _single_protocol(rule.protocol)
    if protocols != (rule.protocol, rule.protocol):
        return (protocols, ALL_PORTS)
    if rule.protocol in (TCP, UDP):
        # R-NACL-6: the range is literal, 0-0 is port 0 only.
        ports = _clamped_ports(rule.from_port, rule.to_port)
        return (protocols, ports) if ports else None
    if rule.protocol == ICMP or (rule.protocol == ICMPV6 and family == 6):
        return (protocols, _icmp_ports(rule.icmp_type, rule.icmp_code))
    # R-NACL-6: protocol 58 with an IPv4 CIDR matches every type; other protocols every port.
    return (protocols, ALL_PORTS)


def _within(space: _Space, spans: Iterable[tuple[Family, int, int]]) -> FlowSet:
    protocols, ports = space
    return FlowSet.union_all(
        FlowSet.box(family, protocols, (lo, hi), ports) for family, lo, hi in spans
    )


def _anywhere(space: _Space, families: Iterable[Family]) -> FlowSet:
    protocols, ports = space
    return FlowSet.union_all(_window(family, protocols, ports) for family in families)


def rule_families(rule: SgRule | NaclRule) -> tuple[Family, ...]:
    """Return the families an address peer of unknown value may be in: the rule's own when the
    attribute names it (R-CIDR-2, R-NACL-5), else both."""
    return FAMILIES if rule.family is None else (rule.family,)


def _prefix_list_peer(
    rule: SgRule, network: Network
) -> tuple[tuple[str, ...] | None, tuple[Family, ...]]:
    """Return a prefix-list peer's entries (None if unknown) and the families it may hold."""
    listed = network.prefix_lists.get(rule.peer) if rule.peer is not None else None
    cidrs = rule.prefix_list_cidrs
    if cidrs is None and listed is not None:
        cidrs = listed.cidrs
    if listed is not None and listed.family is not None:
        return cidrs, (4,) if listed.family == "ipv4" else (6,)
    return cidrs, rule_families(rule)


def sg_peer_spans(
    rule: SgRule, network: Network
) -> tuple[tuple[tuple[Family, int, int], ...], tuple[Family, ...]]:
    """Return the address spans an SG rule's peer certainly covers, and the families in which
    it may cover anything because part of it is unknown.

    R-SG-5: security-group and ``self`` peers match only private addresses of ENIs carrying
    that group, never internet or public addresses, so they contribute no span here. R-SG-6:
    a prefix list covers its entries; unknown entries (AWS-managed lists) are unknown.
    """
    if rule.peer_kind in ("security_group", "self"):
        return (), ()
    if rule.peer_kind == "cidr":
        span = parse_cidr(rule.peer)
        return ((span,), ()) if span else ((), rule_families(rule))
    if rule.peer_kind == "prefix_list":
        cidrs, families = _prefix_list_peer(rule, network)
        if cidrs is None:
            return (), families
        spans = tuple(span for span in map(parse_cidr, cidrs) if span is not None)
        return spans, (rule_families(rule) if len(spans) < len(cidrs) else ())
    return (), rule_families(rule)


def sg_rule_flows(rule: SgRule, network: Network, *, permissive: bool) -> FlowSet:
    """Return the flows an SG rule matches: protocol x remote address x destination port.

    CIDR and prefix-list peers give their addresses; security-group and ``self`` peers give
    nothing (R-SG-5). Protocol -1 matches every protocol and port; tcp/udp their port range;
    icmp/icmpv6 the type/code pair (R-SG-8). Unknown peers widen to the families they could
    be when `permissive`, and give nothing otherwise; a rule with unknowns gives nothing when
    not `permissive`.
    """
    key = sg_flows_key(rule, network, permissive=permissive)
    return sg_key_flows(key) if key is not None else FlowSet.empty()


SgFlowsKey = tuple[
    int, int | None, int | None, tuple[tuple[Family, int, int], ...], tuple[Family, ...]
]
"""What the flows of an SG rule under one reading depend on: protocol, ports, the address
spans its peer certainly covers and the families it widens to."""


def sg_flows_key(rule: SgRule, network: Network, *, permissive: bool) -> SgFlowsKey | None:
    """Return the value `sg_rule_flows` computes the rule's flows from; None when it gives
    nothing (a rule with unknowns under the strict reading)."""
    if rule.unknowns and not permissive:
        return None
    spans, open_families = sg_peer_spans(rule, network)
    return (rule.protocol, rule.from_port, rule.to_port, spans, open_families if permissive else ())


def sg_flows_keys(rule: SgRule, network: Network) -> tuple[SgFlowsKey | None, SgFlowsKey]:
    """Return `sg_flows_key` of the rule under the strict and under the permissive reading."""
    spans, open_families = sg_peer_spans(rule, network)
    strict = None if rule.unknowns else (rule.protocol, rule.from_port, rule.to_port, spans, ())
    return strict, (rule.protocol, rule.from_port, rule.to_port, spans, open_families)


def sg_key_flows(key: SgFlowsKey) -> FlowSet:
    """Return the flows of an SG rule from its `sg_flows_key`."""
    protocol, from_port, to_port, spans, open_families = key
    space = _sg_space(protocol, from_port, to_port)
    if space is None:
        return FlowSet.empty()
    return _within(space, spans) | _anywhere(space, open_families)


def nacl_rule_flows(rule: NaclRule, *, permissive: bool) -> FlowSet:
    """Return the flows a NACL entry matches, in its family only (R-NACL-5).

    tcp/udp use the literal port range (0-0 is port 0 only), icmp and icmpv6 the type/code
    (-1 any), protocol 58 with an IPv4 CIDR every type, -1 and other protocols every port
    (R-NACL-6/7). An unknown CIDR widens to its attribute's family (both if that is unknown too)
    when `permissive` and gives nothing
    otherwise; an entry with unknowns gives nothing when not `permissive`.
    """
    if rule.unknowns and not permissive:
        return FlowSet.empty()
    span = parse_cidr(rule.cidr)
    if span is None:
        if not permissive:
            return FlowSet.empty()
        return FlowSet.union_all(
            _anywhere(space, (family,))
            for family in rule_families(rule)
            if (space := _nacl_space(rule, family)) is not None
        )
    space = _nacl_space(rule, span[0])
    return _within(space, (span,)) if space else FlowSet.empty()


NaclDecision = tuple[NaclRule, FlowSet]


def nacl_decisions(nacl: Nacl, egress: bool, *, permissive: bool) -> list[NaclDecision]:
    """Return, for every entry of one direction in evaluation order, the flows it decides.

    R-NACL-2: entries are evaluated by ascending rule number and the first match decides, so an
    entry decides its match minus everything decided before it; the list ends with the ``*``
    denies (R-NACL-3), and flows no entry matches are denied. An entry with unknowns is widened
    when that can only add allowed flows (an allow under `permissive`, a deny under strict) and
    narrowed otherwise, so the allowed flows are the most (`permissive`) or the least (strict)
    that any reading of the unknowns allows. `FlowCache` keeps them for one analysis.
    """
    rules = evaluation_order(nacl, egress)
    return list(zip(rules, decided_flows(rules, permissive=permissive), strict=True))


def nacl_allowed(nacl: Nacl, egress: bool, *, permissive: bool) -> FlowSet:
    """Return the flows one direction of a NACL allows (see `nacl_decisions` for unknowns)."""
    return allowed_of(nacl_decisions(nacl, egress, permissive=permissive))


def evaluation_order(nacl: Nacl, egress: bool) -> tuple[NaclRule, ...]:
    """Return the entries of one direction by ascending rule number (R-NACL-2)."""
    return tuple(sorted(nacl.egress if egress else nacl.ingress, key=lambda rule: rule.rule_no))


def reading_matters(rule: NaclRule) -> bool:
    """Return True if the entry's flows may differ between the permissive and strict readings:
    it has unknowns or a CIDR that does not parse (see `nacl_rule_flows`)."""
    return bool(rule.unknowns) or parse_cidr(rule.cidr) is None


def decided_flows(rules: Sequence[NaclRule], *, permissive: bool) -> tuple[FlowSet, ...]:
    """Return, for entries in evaluation order, the flows each decides (see `nacl_decisions`)."""
    decided = FlowSet.empty()
    out: list[FlowSet] = []
    for rule in rules:
        widen = permissive == (rule.action == "allow")
        match = nacl_rule_flows(rule, permissive=widen)
        out.append(match - decided)
        decided = decided | match
    return tuple(out)


def allowed_of(decisions: Iterable[NaclDecision]) -> FlowSet:
    """Return the union of the flows that the allow entries among `decisions` decide."""
    return FlowSet.union_all(flows for rule, flows in decisions if rule.action == "allow")


SgDirection = Literal["ingress", "egress"]


def missing_group_rule(address: str, direction: SgDirection) -> SgRule:
    """Return the stand-in rule for a security group the model does not hold: every protocol
    from an unknown peer, with an unknowns entry naming the group."""
    return SgRule(
        direction=direction,
        protocol=PROTOCOL_ALL,
        peer_kind="unknown",
        origin=address,
        unknowns=(f"security group {address} is not in the input; its rules are unknown",),
    )


def sg_allowed(
    sgs: Iterable[str], direction: SgDirection, network: Network, *, permissive: bool
) -> list[tuple[SgRule, FlowSet]]:
    """Return every rule of one direction of the groups `sgs` (model addresses, in order,
    duplicates once) with the flows it matches.

    R-SG-2/3: groups only allow and are unioned, so the flows allowed are the union of the
    list. A group the model does not hold yields one `missing_group_rule`.
    """
    out: list[tuple[SgRule, FlowSet]] = []
    for address in dict.fromkeys(sgs):
        group = network.security_groups.get(address)
        rules = (
            [missing_group_rule(address, direction)]
            if group is None
            else [rule for rule in group.rules if rule.direction == direction]
        )
        out.extend((rule, sg_rule_flows(rule, network, permissive=permissive)) for rule in rules)
    return out


def sg_allowed_union(
    sgs: Iterable[str], direction: SgDirection, network: Network, *, permissive: bool
) -> FlowSet:
    """Return the union of the flows the groups `sgs` allow in one direction (R-SG-2/3)."""
    pairs = sg_allowed(sgs, direction, network, permissive=permissive)
    return FlowSet.union_all(flows for _, flows in pairs)


class ReturnStatus(str, Enum):
    """How much of the return traffic of some flows the other direction allows (R-NACL-11)."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True)
class ReturnSplit:
    """Request flows partitioned by the fate of their replies.

    `full`: every reply allowed (or no reply expected); `partial`: some of the client's
    ephemeral ports allowed, so it depends on the client OS; `none`: no reply allowed.
    """

    full: FlowSet
    partial: FlowSet
    none: FlowSet

    def status(self) -> ReturnStatus:
        """Return FULL if no request loses a reply, NONE if none gets any, else PARTIAL."""
        if not self.partial and not self.none:
            return ReturnStatus.FULL
        if not self.full and not self.partial:
            return ReturnStatus.NONE
        return ReturnStatus.PARTIAL


@dataclass(frozen=True)
class _ReplyClass:
    """Requests of `protocols` on `request_ports`, answered by the same protocols on
    `reply_ports` to the client."""

    family: Family
    protocols: tuple[int, int]
    request_ports: tuple[int, int]
    reply_ports: tuple[int, int]

    @property
    def single(self) -> bool:
        return self.protocols[0] == self.protocols[1]

    def requests(self) -> FlowSet:
        return _window(self.family, self.protocols, self.request_ports)

    def cylinder(self, flows: FlowSet, ports: tuple[int, int]) -> FlowSet:
        """Return the flows to/from the same protocols and addresses as `flows` (all of this
        class), on `ports`."""
        if self.single:
            # One protocol: the address projection is exact and far smaller than the boxes.
            return FlowSet.union_all(
                FlowSet.box(self.family, self.protocols, span, ports)
                for span in flows.addresses(self.family)
            )
        return open_ports(flows) & _window(self.family, self.protocols, ports)


@lru_cache(maxsize=256)
def _window(family: Family, protocols: tuple[int, int], ports: tuple[int, int]) -> FlowSet:
    return FlowSet.universe(family).restrict(protocols=protocols, ports=ports)


# ICMP queries and their replies (RFC 792/950, RFC 4443); other ICMP types expect no reply.
_ICMP_REPLIES: tuple[tuple[Family, int, int, int], ...] = (
    (4, ICMP, 8, 0),
    (4, ICMP, 13, 14),
    (4, ICMP, 15, 16),
    (4, ICMP, 17, 18),
    (6, ICMPV6, 128, 129),
)


_ICMP_OF_FAMILY: tuple[tuple[Family, int], ...] = ((4, ICMP), (6, ICMPV6))


def _other_protocols(named: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for protocol in sorted(named):
        if start < protocol:
            out.append((start, protocol - 1))
        start = protocol + 1
    if start <= PROTO_MAX:
        out.append((start, PROTO_MAX))
    return out


def _reply_classes() -> tuple[_ReplyClass, ...]:
    classes = [
        _ReplyClass(family, (protocol, protocol), ALL_PORTS, EPHEMERAL_PORTS)
        for family in FAMILIES
        for protocol in (TCP, UDP)
    ]
    classes += [
        _ReplyClass(
            family, (protocol, protocol), icmp_code_range(query, -1), icmp_code_range(reply, 0)
        )
        for family, protocol, query, reply in _ICMP_REPLIES
    ]
    # Protocols without ports: the reply is any packet of that protocol back to the client.
    classes += [
        _ReplyClass(family, protocols, ALL_PORTS, ALL_PORTS)
        for family, icmp in _ICMP_OF_FAMILY
        for protocols in _other_protocols((TCP, UDP, icmp))
    ]
    return tuple(classes)


_REPLY_CLASSES = _reply_classes()


def open_ports(flows: FlowSet) -> FlowSet:
    """Return the flows with the same families, protocols and addresses on every port."""
    return FlowSet.union_all(
        FlowSet.box(family, protocols, addresses, ALL_PORTS)
        for family, protocols, addresses in dict.fromkeys(
            (family, protocols, addresses) for family, protocols, addresses, _ in flows.boxes()
        )
    )


def addresses_only(flows: FlowSet) -> FlowSet:
    """Return every flow (any protocol, any port) to or from the addresses of `flows`."""
    return FlowSet.union_all(
        FlowSet.box(family, (0, PROTO_MAX), span, ALL_PORTS)
        for family in flows.families()
        for span in flows.addresses(family)
    )


def _parts(requests: FlowSet) -> Iterator[tuple[_ReplyClass, FlowSet]]:
    """Yield each reply class that some requests fall in, with those requests."""
    families = requests.families()
    protocols = requests.protocols()
    for reply in _REPLY_CLASSES:
        lo, hi = reply.protocols
        if reply.family not in families or not any(a <= hi and lo <= b for a, b in protocols):
            continue
        part = requests & reply.requests()
        if part:
            yield reply, part


def needed_replies(requests: FlowSet) -> FlowSet:
    """Return the reply flows that `requests` need, in the opposite direction.

    R-NACL-11: tcp/udp replies go to the client's ephemeral port (1024-65535 checked); ICMP
    echo 8 is answered by 0 (and timestamp, information, address-mask queries by their
    replies), ICMPv6 echo 128 by 129; other ICMP types need no reply; protocols without ports
    are answered by the same protocol. The address dimension stays the client's address.
    """
    return FlowSet.union_all(
        reply.cylinder(part, reply.reply_ports) for reply, part in _parts(requests)
    )


def return_split(requests: FlowSet, allowed_back: FlowSet) -> ReturnSplit:
    """Return `requests` partitioned by how many of their replies `allowed_back` allows.

    The classification is per client address and protocol (R-NACL-11): a client whose replies
    are all allowed is FULL, one with some of its ephemeral ports allowed PARTIAL, one with
    none NONE. Requests that expect no reply count as FULL.
    """
    full, partial, none = requests, FlowSet.empty(), FlowSet.empty()
    for reply, part in _parts(requests):
        needed = reply.cylinder(part, reply.reply_ports)
        granted = needed & allowed_back
        if granted == needed:
            continue
        granted_anywhere = reply.cylinder(granted, ALL_PORTS)
        lacking = part & reply.cylinder(needed - granted, ALL_PORTS)
        full = full - lacking
        none = none | (part - granted_anywhere)
        partial = partial | (lacking & granted_anywhere)
    return ReturnSplit(full, partial, none)


def return_status(requests: FlowSet, allowed_back: FlowSet) -> ReturnStatus:
    """Return FULL, PARTIAL or NONE for the replies of `requests` (see `return_split`)."""
    return return_split(requests, allowed_back).status()
