"""Security-group rules: the three Terraform forms, expanded to one `SgRule` per peer (R-SG-4).

* inline `ingress`/`egress` blocks and `aws_security_group_rule`: lists of CIDRs, IPv6 CIDRs,
  prefix lists and security groups, plus `self`;
* `aws_vpc_security_group_ingress_rule`/`_egress_rule`: exactly one peer each.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from tfvpc.aws.context import Context, Fields
from tfvpc.aws.values import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    as_bool,
    cidr_family,
    is_unset,
    prefix_list_family,
)
from tfvpc.load.resources import Ref, Unknown, Value
from tfvpc.model import PROTOCOL_ALL, AddressFamily, Location, PeerKind, PrefixList, SgRule

Direction = Literal["ingress", "egress"]


class Peer(NamedTuple):
    """One peer of a rule: its kind, address or CIDR, why it is not fully known, and the
    address family it matches when that is known (R-CIDR-2)."""

    kind: PeerKind
    value: str | None
    unknowns: tuple[str, ...] = ()
    family: AddressFamily | None = None


class RuleSite(NamedTuple):
    """Where a rule comes from: the group it belongs to, its origin and its location."""

    group: str
    origin: str
    location: Location | None
    direction: Direction


def protocol_ports(fields: Fields, attr: str) -> tuple[int, int | None, int | None]:
    """Return (protocol, from_port, to_port) normalised per R-SG-7/8.

    All protocols and protocols without ports get ``None`` ports; ICMP keeps type/code with
    ``-1`` for any (also when the ports are omitted); unknown values are noted.
    """
    protocol = fields.protocol(attr)
    if protocol is None:
        fields.note(fields.reason(attr) if fields.has(attr) else f"{fields.what(attr)} is not set")
        return PROTOCOL_ALL, None, None
    if protocol in ICMP_PROTOCOLS:
        return protocol, _icmp_part(fields, "from_port"), _icmp_part(fields, "to_port")
    if protocol not in PORT_PROTOCOLS:
        return protocol, None, None
    from_port, to_port = fields.integer("from_port"), fields.integer("to_port")
    if from_port is None or to_port is None:
        if not (fields.has("from_port") and fields.has("to_port")):
            fields.note(f"{fields.prefix}from_port/to_port of {fields.owner} are not set")
        return protocol, None, None
    return protocol, from_port, to_port


def _icmp_part(fields: Fields, attr: str) -> int:
    value = fields.integer(attr)
    return -1 if value is None else value


class PeerReader:
    """Reads the peers of rules, resolving groups and prefix lists to model addresses."""

    def __init__(
        self, ctx: Context, prefix_lists: dict[str, PrefixList], names: dict[str, list[str]]
    ) -> None:
        self.ctx = ctx
        self.prefix_lists = prefix_lists
        self.names = names
        # The peer of each distinct CIDR text: rules repeat a few CIDRs thousands of times.
        self._cidr_peers: dict[str, Peer | None] = {}

    def cidrs(self, fields: Fields, attr: str, family: AddressFamily) -> list[Peer]:
        """Return one CIDR peer per element of the CIDR list (or single CIDR) in `attr`.

        `family` is the one the attribute holds (``cidr_blocks`` 4, ``ipv6_cidr_blocks`` 6):
        the family of the peers whose CIDR is unknown (R-CIDR-2).
        """
        value = fields.values.get(attr)
        if isinstance(value, list):
            # Elements are dereferenced one by one below, as `Resolver.scalar` would.
            items = value
        else:
            resolved = self.ctx.resolver.scalar(value)
            if resolved is None or resolved == "":
                return []
            if isinstance(resolved, Unknown):
                return self._unknown_cidrs(resolved, family)
            items = resolved if isinstance(resolved, list) else [resolved]
        peers: list[Peer] = []
        for i, item in enumerate(items):
            if isinstance(item, (list, dict, Ref)):
                item = self.ctx.resolver.scalar(item)
            if isinstance(item, Unknown):
                peers.extend(self._unknown_cidrs(item, family))
            elif item is not None and item != "":
                peer = self._listed_cidr(item)
                if peer is None:
                    reason = f"{fields.what(attr)}[{i}] is not a CIDR: {item!r}"
                    peer = Peer("unknown", None, (reason,), family)
                peers.append(peer)
        return peers

    def _listed_cidr(self, item: Value) -> Peer | None:
        """Return the peer of one listed CIDR value, None when it is not a CIDR."""
        if not isinstance(item, str):
            return None
        try:
            return self._cidr_peers[item]
        except KeyError:
            found = self._cidr_peers[item] = self._cidr_peer(item, ())
            return found

    def _unknown_cidrs(self, unknown: Unknown, family: AddressFamily) -> list[Peer]:
        if not unknown.candidates:
            return [Peer("unknown", None, (unknown.reason,), family)]
        names = ", ".join(c.address for c in unknown.candidates)
        reason = f"{unknown.reason} (may be any of: {names})"
        peers: list[Peer] = []
        for candidate in unknown.candidates:
            found = self.ctx.resolver.scalar(candidate)
            items = found if isinstance(found, list) else [found]
            for item in items:
                peer = self._cidr_peer(item, (reason,))
                peers.append(Peer("unknown", None, (reason,), family) if peer is None else peer)
        return peers

    def _cidr_peer(self, item: Value, reasons: tuple[str, ...]) -> Peer | None:
        """Return the peer of one CIDR value, None when it does not parse; its family is the
        CIDR's own (R-CIDR-2)."""
        cidr = self.ctx.canonical_cidr(item)
        return None if cidr is None else Peer("cidr", cidr, reasons, cidr_family(cidr))

    def groups(self, fields: Fields, attr: str, owner: str) -> list[Peer]:
        """Return one peer per security group `attr` names (ids, references or group names)."""
        value = fields.values.get(attr)
        if is_unset(value) or value == []:
            return []
        peers: list[Peer] = []
        for link in self.ctx.resolver.links(value, fields.what(attr)):
            found = self.ctx.from_link(link)
            if not found.addresses:
                peers.append(Peer("unknown", None, found.unknowns))
            for address in found.addresses:
                address = self._by_name(address) if address in found.external else address
                kind: PeerKind = "self" if address == owner else "security_group"
                peers.append(Peer(kind, address, found.unknowns))
        return peers

    def _by_name(self, text: str) -> str:
        # Inline rules may name groups of the default VPC by name instead of id.
        matches = self.names.get(text, [])
        return matches[0] if len(matches) == 1 and not text.startswith("sg-") else text

    def prefix_lists_of(self, fields: Fields, attr: str) -> list[Peer]:
        """Return one peer per prefix list `attr` names; entries unknown are noted (R-SG-6)."""
        value = fields.values.get(attr)
        if is_unset(value) or value == []:
            return []
        peers: list[Peer] = []
        for link in self.ctx.resolver.links(value, fields.what(attr)):
            found = self.ctx.from_link(link)
            if not found.addresses:
                peers.append(Peer("unknown", None, found.unknowns))
            peers.extend(
                Peer("prefix_list", a, found.unknowns, self._list_family(a))
                for a in found.addresses
            )
        return peers

    def _list_family(self, address: str) -> AddressFamily | None:
        found = self.prefix_lists.get(address)
        return prefix_list_family(found.family) if found is not None else None

    def entries(self, peer: Peer) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
        """Return a prefix-list peer's CIDRs (None if unknown) and the reason they are unknown."""
        if peer.kind != "prefix_list" or peer.value is None:
            return None, ()
        found = self.prefix_lists.get(peer.value)
        if found is None:
            return None, (f"the entries of prefix list {peer.value} are not in the input",)
        return found.cidrs, found.unknowns


def expand(
    reader: PeerReader, fields: Fields, site: RuleSite, peers: list[Peer], protocol_attr: str
) -> list[SgRule]:
    """Return one `SgRule` per peer, all sharing the protocol and ports `fields` reads."""
    protocol, from_port, to_port = protocol_ports(fields, protocol_attr)
    base = tuple(fields.unknowns)
    description = fields.text("description")
    rules: list[SgRule] = []
    for peer in peers:
        cidrs, entry_notes = reader.entries(peer)
        notes = base + peer.unknowns + entry_notes
        rules.append(
            SgRule(
                direction=site.direction,
                protocol=protocol,
                from_port=from_port,
                to_port=to_port,
                peer_kind=peer.kind,
                peer=peer.value,
                prefix_list_cidrs=cidrs,
                description=description,
                origin=site.origin,
                location=site.location,
                unknowns=tuple(dict.fromkeys(notes)) if notes else (),
                family=peer.family,
            )
        )
    return rules


def list_form_peers(reader: PeerReader, fields: Fields, group: str, group_attr: str) -> list[Peer]:
    """Return the peers of an inline block or `aws_security_group_rule` (R-SG-4)."""
    peers = reader.cidrs(fields, "cidr_blocks", 4)
    peers += reader.cidrs(fields, "ipv6_cidr_blocks", 6)
    peers += reader.prefix_lists_of(fields, "prefix_list_ids")
    peers += reader.groups(fields, group_attr, group)
    is_self = fields.raw("self")
    if isinstance(is_self, Unknown):
        peers.append(Peer("self", group, (is_self.reason,)))
    elif as_bool(is_self):
        peers.append(Peer("self", group))
    return peers


def single_form_peers(reader: PeerReader, fields: Fields, group: str) -> list[Peer]:
    """Return the peer of an `aws_vpc_security_group_*_rule` (one of four attributes)."""
    peers = reader.cidrs(fields, "cidr_ipv4", 4)
    peers += reader.cidrs(fields, "cidr_ipv6", 6)
    peers += reader.prefix_lists_of(fields, "prefix_list_id")
    peers += reader.groups(fields, "referenced_security_group_id", group)
    return peers
