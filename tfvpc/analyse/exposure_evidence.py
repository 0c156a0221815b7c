"""The evidence of an exposure finding: its path, related objects, notes and unknowns.

Everything here works on `Use`s: the entries (ways in) that carry some of a finding's flows,
each with the part it carries and the security-group rules that admit that part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tfvpc.analyse.exposure_context import Gate, SgMatch
from tfvpc.analyse.exposure_paths import Doubt, Entry
from tfvpc.analyse.exposure_subnets import UNKNOWN_GATEWAY
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_names,
    describe_sg_rule,
    describe_traffic,
    protocol_label,
)
from tfvpc.analyse.flows import needed_replies
from tfvpc.analyse.internet import internet_sources
from tfvpc.analyse.routing import describe_route
from tfvpc.findings import Hop
from tfvpc.model import Attachment, Location, Network
from tfvpc.space import Family, FlowSet

_FAMILIES: tuple[Family, ...] = (4, 6)


class EvidenceMemo:
    """What evidence asks again and again, answered once per analysis: the flow-set questions
    of every finding (which part of an entry's flows it carries, does a rule's or route's set
    meet that part, which replies does it need), once per distinct sets, since findings on
    resources alike ask them of equal sets; and the hops of their paths, once per distinct
    object and detail."""

    def __init__(self) -> None:
        self._parts: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._meets: dict[tuple[FlowSet, FlowSet], bool] = {}
        self._replies: dict[FlowSet, FlowSet] = {}
        self._hops: dict[tuple[str, str | None], Hop] = {}
        self._gate_hops: dict[tuple[Gate, FlowSet], tuple[Hop, ...]] = {}

    def hop(self, name: str, detail: str | None = None) -> Hop:
        """Return ``Hop(hop=name, detail=detail)``."""
        key = (name, detail)
        found = self._hops.get(key)
        if found is None:
            found = self._hops[key] = Hop(hop=name, detail=detail)
        return found

    def gate_hops(self, gate: Gate, part: FlowSet) -> tuple[Hop, ...]:
        """Return `_gate_hops(gate, part)`, once per gate and distinct part."""
        key = (gate, part)
        found = self._gate_hops.get(key)
        if found is None:
            found = self._gate_hops[key] = _gate_hops(gate, part, self)
        return found

    def part(self, first: FlowSet, second: FlowSet) -> FlowSet:
        """Return ``first & second``, one object per distinct pair (so that questions about
        it find their answer by identity)."""
        key = (first, second)
        found = self._parts.get(key)
        if found is None:
            found = self._parts[key] = first & second
        return found

    def meets(self, first: FlowSet, second: FlowSet) -> bool:
        """Return True if some flow is in both sets."""
        key = (first, second)
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = not first.isdisjoint(second)
        return found

    def replies(self, requests: FlowSet) -> FlowSet:
        """Return `needed_replies(requests)`."""
        found = self._replies.get(requests)
        if found is None:
            found = self._replies[requests] = needed_replies(requests)
        return found


@dataclass(frozen=True)
class Use:
    """One entry carrying `part` of a finding's flows, admitted by `matches`."""

    entry: Entry
    part: FlowSet
    matches: tuple[SgMatch, ...]


def uses_of(
    entries: Iterable[Entry], flows: FlowSet, memo: EvidenceMemo | None = None
) -> list[Use]:
    """Return the entries that carry some of `flows`, with the part and its admitting rules."""
    ask = memo or EvidenceMemo()
    out: list[Use] = []
    for entry in entries:
        part = ask.part(entry.exposed, flows)
        if part:
            matches = tuple(m for m in entry.sg_rules if ask.meets(m.flows, part))
            out.append(Use(entry, part, matches))
    return out


def internet_of(network: Network, vpcs: Iterable[str | None]) -> FlowSet:
    """Return the internet space seen from any of `vpcs` (None: an unknown VPC)."""
    return FlowSet.union_all(
        internet_sources(network.vpcs.get(vpc) if vpc else None, family)
        for vpc in dict.fromkeys(vpcs)
        for family in _FAMILIES
    )


def path_of(
    network: Network, resource: str, uses: Sequence[Use], memo: EvidenceMemo | None = None
) -> list[Hop]:
    """Return internet -> gateway -> route table -> NACL -> security groups -> public address
    -> resource, each hop once, naming the routes and rules that let the flows through."""
    ask = memo or EvidenceMemo()
    middle: list[Hop] = []
    last: list[str] = []
    for use in uses:
        entry, part = use.entry, use.part
        middle.extend(ask.gate_hops(entry.gate, part))
        middle.extend(
            ask.hop(match.group, describe_sg_rule(match.rule, match.group)) for match in use.matches
        )
        for hop in _address_hops(network, entry, part):
            if hop.hop == resource:
                last.append(hop.detail or "")
            else:
                middle.append(hop)
        last.extend(_listener_details(entry.attachment))
    final = Hop(hop=resource, detail="; ".join(dict.fromkeys(d for d in last if d)) or None)
    return [ask.hop("internet"), *dict.fromkeys(middle), final]


def _gate_hops(gate: Gate, part: FlowSet, memo: EvidenceMemo) -> tuple[Hop, ...]:
    """Return the internet gateway, the route table and the NACL of a gate, naming the routes
    and rules that let `part` through (the NACL's outbound rules: its replies)."""
    way = gate.way
    hops = [memo.hop(way.gateway)]
    if way.table is not None:
        routes = [describe_route(s.route) for s in way.routes if memo.meets(s.destinations, part)]
        hops.append(memo.hop(way.table, "; ".join(routes) or None))
    if gate.nacl is not None:
        replies = memo.replies(part)
        rules = [f"inbound {describe_nacl_rule(r)}" for r, f in gate.nacl_in if memo.meets(f, part)]
        rules += [
            f"outbound {describe_nacl_rule(r)}" for r, f in gate.nacl_out if memo.meets(f, replies)
        ]
        hops.append(memo.hop(gate.nacl, "; ".join(rules) or None))
    return tuple(hops)


def _address_hops(network: Network, entry: Entry, part: FlowSet) -> list[Hop]:
    """Return the hop that gives the attachment its public address, per family of `part`."""
    attachment = entry.attachment
    hops: list[Hop] = []
    families = part.families()
    if 4 in families:
        if attachment.public_ipv4 is None:
            where = attachment.public_ipv4_evidence or entry.subnet or attachment.resource
            hops.append(Hop(hop=where, detail="public IPv4 address unknown until apply"))
        else:
            hops.append(_public_ipv4_hop(attachment, entry.subnet))
    if 6 in families:
        subnet = network.subnets.get(entry.subnet) if entry.subnet else None
        cidr = subnet.ipv6_cidr if subnet is not None else None
        detail = f"IPv6 address from {cidr}" if cidr else "IPv6 address"
        hops.append(Hop(hop=entry.subnet or attachment.resource, detail=detail))
    return hops


_VIA_DETAIL = {
    "associate_public_ip_address": "public IPv4: associate_public_ip_address = true",
    "lb": "public IPv4: internet-facing load balancer node",
    "service": "public IPv4: publicly accessible service",
}


def _public_ipv4_hop(attachment: Attachment, subnet: str | None) -> Hop:
    evidence = attachment.public_ipv4_evidence
    via = attachment.public_ipv4_via
    if via == "eip":
        detail = f"public IPv4 from {evidence}" if evidence else "public IPv4 from an Elastic IP"
        return Hop(hop=evidence or attachment.resource, detail=detail)
    if via == "auto-assign":
        return Hop(
            hop=evidence or subnet or attachment.resource,
            detail="auto-assigned: map_public_ip_on_launch",
        )
    detail = _VIA_DETAIL.get(via or "", "public IPv4 address")
    return Hop(hop=evidence or attachment.resource, detail=detail)


def _listener_details(attachment: Attachment) -> list[str]:
    return [
        "listener "
        + describe_traffic(protocol_label(item.protocol), ((item.from_port, item.to_port),))
        for item in attachment.listeners
    ]


def related_of(resource: str, path: Sequence[Hop], uses: Sequence[Use]) -> tuple[str, ...]:
    """Return every object on the path in path order, then the rules' declaring resources, the
    subnets and what the attachments name as involved; never the resource itself."""
    names = [hop.hop for hop in path[1:-1]]
    names += [match.rule.origin for use in uses for match in use.matches if match.rule.origin]
    names += [use.entry.subnet for use in uses if use.entry.subnet]
    names += [name for use in uses for name in use.entry.attachment.related]
    return tuple(name for name in dict.fromkeys(names) if name not in (resource, UNKNOWN_GATEWAY))


def groups_of(uses: Sequence[Use]) -> list[str]:
    """Return the security groups whose rules admit the flows, in path order."""
    return list(dict.fromkeys(match.group for use in uses for match in use.matches))


def reply_notes(uses: Sequence[Use], memo: EvidenceMemo | None = None) -> str:
    """Return the parenthesised note on replies the outbound NACL drops (R-NACL-11), or ''."""
    ask = memo or EvidenceMemo()
    silent = [
        use.entry.nacl or "the NACL" for use in uses if ask.meets(use.entry.no_reply, use.part)
    ]
    partial = [
        use.entry.nacl or "the NACL" for use in uses if ask.meets(use.entry.partial_reply, use.part)
    ]
    notes = []
    if silent:
        names = describe_names(list(dict.fromkeys(silent)))
        notes.append(f"packets are delivered but {names} outbound drops every reply")
    if partial:
        names = describe_names(list(dict.fromkeys(partial)))
        notes.append(
            "replies depend on the client OS ephemeral range: "
            f"{names} outbound allows only part of 1024-65535"
        )
    return f" ({'; '.join(notes)})" if notes else ""


def reasons_for(doubts: Sequence[Doubt], flows: FlowSet) -> list[str]:
    """Return the unknowns the flows rest on (every recorded one if none is tied to them)."""
    tied = [
        reason
        for doubt in doubts
        if not doubt.affected.isdisjoint(flows)
        for reason in doubt.reasons
    ]
    every = [reason for doubt in doubts for reason in doubt.reasons]
    return list(dict.fromkeys(tied or every)) or ["unknown values"]


def fix_for(resource: str, uses: Sequence[Use]) -> str:
    """Return what to change: the admitting groups' ingress, or add groups / narrow listeners."""
    groups = groups_of(uses)
    if len(groups) == 1:
        return f"restrict {groups[0]} ingress"
    if groups:
        return f"restrict the ingress of {describe_names(groups)}"
    if any(use.entry.attachment.listeners for use in uses):
        return f"attach security groups to {resource} or narrow its listeners"
    return f"attach security groups to {resource}"


def location_of(network: Network, resource: str, uses: Sequence[Use]) -> Location | None:
    """Return where the resource is declared (or the first attachment that knows)."""
    found = network.locations.get(resource)
    if found is not None:
        return found
    return next((u.entry.attachment.location for u in uses if u.entry.attachment.location), None)
