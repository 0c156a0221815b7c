"""What the TFV201 checks of many subnets share, computed once per analysis.

Subnets of one VPC commonly sit behind one NACL and one route table, so most of what decides
whether a source can connect is the same for many of them. `Reach` answers each distinct
question once: a NACL view is keyed on the NACLs and address families it reads, a group of
sibling subnets on its VPC and NACLs, a connection test on every flow set and name it reads.
It belongs to one analysis of one network and is dropped with it.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import NamedTuple

from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import addresses_only
from tfvpc.analyse.internet import internet_sources
from tfvpc.analyse.peer_space import open_addresses
from tfvpc.analyse.routing import (
    RoutingIndex,
    TableRouting,
    addresses_of_all,
    family_window,
    vpc_addresses,
)
from tfvpc.analyse.transit_routing import TransitLookup, associated_tables, transit_lookup
from tfvpc.model import Gateway, Network, Subnet, TransitRouteTable, Vpc
from tfvpc.space import FlowSet, parse_cidr

_SHOWN = 4
"""How many subnet names a hop lists before saying how many more there are."""


class Side(NamedTuple):
    """One end of a connection: its NACLs' allowed flows and its address space (every flow to
    or from its addresses, whatever the protocol and port)."""

    inbound: FlowSet
    outbound: FlowSet
    addresses: FlowSet
    nacls: tuple[str, ...]


class Verdict(NamedTuple):
    """Why one source cannot connect; `routed` is False when routing, not a NACL, stops it."""

    source: str
    reason: str
    routed: bool


class Siblings(NamedTuple):
    """The subnets of one VPC behind the same NACLs: their NACL views by address and those
    views as one source (both None when one of them is unknown), and what two or more of them
    let in and out."""

    members: tuple[Subnet, ...]
    views: dict[str, Side] | None
    source: Side | None
    repeated: frozenset[tuple[FlowSet, FlowSet]]


_Filters = tuple[FlowSet, FlowSet, tuple[str, ...]]
"""A side without its addresses: inbound, outbound and NACL names."""

_ConnectKey = tuple[FlowSet, FlowSet, FlowSet, FlowSet | None, FlowSet | None, FlowSet | None]
"""The target's inbound and outbound flows, the clients, the source's outbound and inbound
flows and the addresses it sends to: everything that decides whether a connection opens."""

_NOTHING_IN, _NOTHING_OUT, _NO_REPLY_OUT, _NO_REPLY_IN = range(4)
"""Where a connection fails: the target admits nothing from the clients, the source lets
none of that out, the target lets no reply out, the source lets no reply in."""


class Reach:
    """The network, its route partitions and NACL flows, and the answers TFV201 asks for many
    subnets; see the module docstring."""

    def __init__(self, network: Network, routing: RoutingIndex, flows: FlowCache) -> None:
        self.network = network
        self.routing = routing
        self.flows = flows
        self._members: dict[str, list[Subnet]] = {}
        self._cidr_unions: dict[tuple[str | None, ...], FlowSet] = {}
        self._sides: dict[tuple[str, str | None], Side | None] = {}
        self._filters: dict[tuple[tuple[str, ...], FlowSet], _Filters | None] = {}
        self._allowed: dict[tuple[tuple[FlowSet, ...], FlowSet], FlowSet] = {}
        self._unions: dict[frozenset[FlowSet], FlowSet] = {}
        self._spans: dict[FlowSet, FlowSet] = {}
        self._meets: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._siblings: dict[str, list[Siblings]] = {}
        self._positions: dict[str, int] = {}
        self._internet: dict[str, FlowSet] = {}
        self._local: dict[str, FlowSet] = {}
        self._outside: dict[tuple[FlowSet, str], FlowSet] = {}
        self._gateways: dict[tuple[str, str], list[Gateway]] | None = None
        self._via: dict[tuple[tuple[str, ...], frozenset[str]], FlowSet] = {}
        self._lookups: dict[str, TransitLookup] = {}
        self._cuts: dict[_ConnectKey, int | None] = {}
        self._cidrs: dict[FlowSet, str] = {}
        self._passing: dict[tuple[FlowSet, FlowSet], bool] = {}
        self._replies: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self.verdicts: dict[tuple[object, ...], tuple[Verdict | None, ...]] = {}
        """Per-analysis memo of the verdicts of a source kind, keyed by the source kind and
        everything its verdicts read."""
        self.transit_gateways: dict[tuple[str, ...], list[str]] = {}
        """Per-analysis memo of the modelled transit gateways route tables route to, keyed by
        the tables' addresses."""
        for address in sorted(network.subnets):
            subnet = network.subnets[address]
            if subnet.vpc is not None:
                members = self._members.setdefault(subnet.vpc, [])
                self._positions[subnet.address] = len(members)
                members.append(subnet)

    def subnets_of(self, vpc: str) -> list[Subnet]:
        """Return the subnets of `vpc`, by address."""
        return self._members.get(vpc, [])

    def side_of(self, subnet: Subnet, vpc: Vpc | None) -> Side | None:
        """Return the subnet's NACL view (several NACLs, if ambiguous, are unioned), None if
        unknown. An unknown CIDR stands for the whole VPC (`vpc`) when given, else for nothing.
        """
        # With a known IPv4 CIDR the VPC is not read: one view serves both questions.
        key = (
            subnet.address,
            vpc.address if vpc is not None and subnet.ipv4_cidr is None else None,
        )
        if key in self._sides:
            return self._sides[key]
        found = None
        window = family_window(subnet)
        filters = self._nacl_filters(subnet.nacls, window)
        if filters is not None:
            addresses = self.addresses_of(_cidrs_of(subnet, vpc))
            found = Side(filters[0], filters[1], addresses, filters[2])
        self._sides[key] = found
        return found

    def addresses_of(self, cidrs: tuple[str | None, ...]) -> FlowSet:
        """Return `routing.addresses_of_all(cidrs)`, one object for equal lists."""
        found = self._cidr_unions.get(cidrs)
        if found is None:
            found = self._cidr_unions[cidrs] = addresses_of_all(cidrs)
        return found

    def _nacl_filters(self, names: tuple[str, ...], window: FlowSet) -> _Filters | None:
        """Return what the NACLs `names` let in and out within `window`, and their names; None
        if one of them is not in the model."""
        key = (names, window)
        if key in self._filters:
            return self._filters[key]
        network = self.network
        nacls = [network.nacls[n] for n in names if n in network.nacls]
        found = None
        if nacls and len(nacls) == len(names):
            inbound = tuple(self.flows.nacl_allowed(n, False, permissive=True) for n in nacls)
            outbound = tuple(self.flows.nacl_allowed(n, True, permissive=True) for n in nacls)
            found = (
                self._allowed_within(inbound, window),
                self._allowed_within(outbound, window),
                tuple(n.address for n in nacls),
            )
        self._filters[key] = found
        return found

    def _allowed_within(self, allowed: tuple[FlowSet, ...], window: FlowSet) -> FlowSet:
        """Return what some of the `allowed` sets allow within `window`, one object for NACLs
        alike (their sources then merge at no cost)."""
        key = (allowed, window)
        found = self._allowed.get(key)
        if found is None:
            found = self._allowed[key] = FlowSet.union_all(allowed) & window
        return found

    def union(self, parts: frozenset[FlowSet]) -> FlowSet:
        """Return the union of `parts`, once per distinct collection."""
        found = self._unions.get(parts)
        if found is None:
            found = self._unions[parts] = FlowSet.union_all(parts)
        return found

    def span(self, flows: FlowSet) -> FlowSet:
        """Return every flow to or from the addresses of `flows` (`flows.addresses_only`), one
        object for equal spans."""
        found = self._spans.get(flows)
        if found is None:
            # A span is its own span: keyed by itself, it stands for the spans equal to it.
            found = addresses_only(flows)
            found = self._spans[flows] = self._spans.setdefault(found, found)
        return found

    def within(self, flows: FlowSet, addresses: FlowSet) -> FlowSet:
        """Return ``flows & addresses``, once per pair."""
        key = (flows, addresses)
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = flows & addresses
        return found

    def siblings(self, vpc: Vpc, subnet: Subnet) -> list[Siblings]:
        """Return the other subnets of `vpc` than `subnet`, grouped by the NACLs they name, in
        order of their first member other than `subnet`. A group lists `subnet` if it is
        one of them."""
        groups = self._siblings.get(vpc.address)
        if groups is None:
            members: dict[tuple[str, ...], list[Subnet]] = {}
            for other in self.subnets_of(vpc.address):
                members.setdefault(other.nacls, []).append(other)
            groups = self._siblings[vpc.address] = [
                self._siblings_of(group, vpc) for group in members.values()
            ]
        ordered: list[tuple[int, Siblings]] = []
        for group in groups:
            first = group.members[0]
            if first.address == subnet.address:
                if len(group.members) == 1:
                    continue
                first = group.members[1]
            ordered.append((self._positions[first.address], group))
        ordered.sort(key=itemgetter(0))
        return [group for _, group in ordered]

    def _siblings_of(self, members: list[Subnet], vpc: Vpc) -> Siblings:
        sides = [self.side_of(m, vpc) for m in members]
        views = [side for side in sides if side is not None]
        if len(views) < len(sides):
            return Siblings(tuple(members), None, None, frozenset())
        filters = Counter((v.inbound, v.outbound) for v in views)
        merged = Side(
            inbound=self.union(frozenset(v.inbound for v in views)),
            outbound=self.union(frozenset(v.outbound for v in views)),
            addresses=self.addresses_of(tuple(c for m in members for c in _cidrs_of(m, vpc))),
            nacls=tuple(dict.fromkeys(n for v in views for n in v.nacls)),
        )
        return Siblings(
            tuple(members),
            {m.address: v for m, v in zip(members, views, strict=True)},
            merged,
            frozenset(pair for pair, count in filters.items() if count > 1),
        )

    def source_without(self, group: Siblings, subnet: Subnet, side: Side) -> Side | None:
        """Return the members of `group` other than `subnet` as one source, as far as a
        connection into `subnet` (whose view is `side`) reads it: its NACLs, and its addresses
        less `side.addresses`. None if a member's view is unknown."""
        if group.views is None or group.source is None:
            return None
        own = group.views.get(subnet.address)
        if own is None:
            return group.source
        # Its members name the same NACLs, so the group's names are the others'. Less
        # `side.addresses`, the group's addresses are the others' when the subnet stands for
        # no more in the group; and when another member's NACLs let in and out what the
        # subnet's do, what the group's let in and out is the others'.
        others = [v for address, v in group.views.items() if address != subnet.address]
        if own is side:
            if (own.inbound, own.outbound) in group.repeated:
                return group.source
            addresses = group.source.addresses
        else:
            addresses = FlowSet.union_all(v.addresses for v in others)
        return Side(
            inbound=self.union(frozenset(v.inbound for v in others)),
            outbound=self.union(frozenset(v.outbound for v in others)),
            addresses=addresses,
            nacls=group.source.nacls,
        )

    def internet(self, vpc: Vpc) -> FlowSet:
        """Return the internet clients of both families as seen from `vpc` (R-CIDR-3)."""
        found = self._internet.get(vpc.address)
        if found is None:
            found = FlowSet.union_all(internet_sources(vpc, family) for family in (4, 6))
            self._internet[vpc.address] = found
        return found

    def local_addresses(self, vpc: Vpc) -> FlowSet:
        """Return the addresses of every subnet of `vpc` (the whole VPC for a subnet whose
        CIDR is unknown)."""
        found = self._local.get(vpc.address)
        if found is None:
            vpc_cidrs = (*vpc.ipv4_cidrs, *vpc.ipv6_cidrs)
            cidrs: list[str | None] = []
            for member in self.subnets_of(vpc.address):
                own = (member.ipv4_cidr, member.ipv6_cidr)
                cidrs.extend(own if any(parse_cidr(c) is not None for c in own) else vpc_cidrs)
            found = self.addresses_of(tuple(cidrs))
            self._local[vpc.address] = found
        return found

    def outside(self, window: FlowSet, vpc: Vpc) -> FlowSet:
        """Return the flows of `window` to or from addresses outside `vpc`."""
        key = (window, vpc.address)
        found = self._outside.get(key)
        if found is None:
            found = self._outside[key] = window - vpc_addresses(vpc)
        return found

    def gateways(self, vpc: str, kind: str) -> list[Gateway]:
        """Return `routing.attached_gateways(network, vpc, kind)`."""
        if self._gateways is None:
            self._gateways = {}
            for _, gateway in sorted(self.network.gateways.items()):
                for attached in dict.fromkeys(gateway.vpcs):
                    self._gateways.setdefault((attached, gateway.kind), []).append(gateway)
        return self._gateways.get((vpc, kind), [])

    def via(self, tables: list[TableRouting], targets: frozenset[str]) -> FlowSet:
        """Return the destinations the tables route to one of `targets`."""
        key = (tuple(t.table.address for t in tables), targets)
        found = self._via.get(key)
        if found is None:
            found = self._via[key] = FlowSet.union_all(
                t.won_by(lambda r: r.target in targets) for t in tables
            )
        return found

    def transit_lookups(self, attachment: str) -> list[TransitLookup]:
        """Return the lookups of the transit gateway route tables `attachment` is associated
        with, once per table."""
        return [self._lookup(t) for t in associated_tables(self.network, attachment)]

    def _lookup(self, table: TransitRouteTable) -> TransitLookup:
        found = self._lookups.get(table.address)
        if found is None:
            found = self._lookups[table.address] = transit_lookup(self.network, table)
        return found

    def connect(
        self,
        target: Side,
        clients: FlowSet,
        source: Side | None = None,
        toward: FlowSet | None = None,
    ) -> str | None:
        """Return None if some client can connect to `target`, else why not.

        `clients` are the client addresses the target can route replies to (open in protocol
        and port). A modelled `source` side must also let the request out towards `toward` (the
        target's addresses it routes to) and let some reply back in. Neither side's own
        addresses are read.
        """
        # Keyed on flow sets, not names: NACLs written alike in many VPCs are decided once.
        key: _ConnectKey = (
            target.inbound,
            target.outbound,
            clients,
            None if source is None else source.outbound,
            None if source is None else source.inbound,
            toward,
        )
        if key in self._cuts:
            cut = self._cuts[key]
        else:
            cut = self._cuts[key] = self._cut(target.inbound, target, clients, source, toward)
        return self._why(cut, target, clients, source)

    def connect_once(
        self,
        admitted: FlowSet,
        target: Side,
        clients: FlowSet,
        source: Side | None = None,
        toward: FlowSet | None = None,
    ) -> str | None:
        """Return `connect(target, clients, source, toward)` without remembering it, for
        clients no other question names; `admitted` is the part of ``target.inbound`` that
        holds every flow it admits from `clients`."""
        cut = self._cut(admitted, target, clients, source, toward)
        return self._why(cut, target, clients, source)

    def _cut(
        self,
        admitted: FlowSet,
        target: Side,
        clients: FlowSet,
        source: Side | None,
        toward: FlowSet | None,
    ) -> int | None:
        """Return where a connection from `clients` to `target` fails, None if it opens."""
        if admitted.isdisjoint(clients):
            return _NOTHING_IN
        sent = FlowSet.empty()
        if source is None or toward is None:
            # A reply goes back to its request's address, and `clients` is open in protocol
            # and port: the replies the requests from `clients` need are those of everything
            # admitted, to `clients`. Far fewer boxes than the requests from, say, the internet.
            if self._replies_out(admitted, target.outbound).isdisjoint(clients):
                return _NO_REPLY_OUT
        elif not self._passes(source.outbound, admitted):
            # What is sent lies within the protocols and ports the target admits from anyone.
            return _NOTHING_OUT
        else:
            requests = admitted & clients
            sent = source.outbound & toward & open_addresses(requests)
            requests = requests & open_addresses(sent)
            if not requests:
                return _NOTHING_OUT
            if self.flows.needed_replies(requests).isdisjoint(target.outbound):
                return _NO_REPLY_OUT
        if source is not None and self.flows.needed_replies(sent).isdisjoint(source.inbound):
            return _NO_REPLY_IN
        return None

    def _why(
        self, cut: int | None, target: Side, clients: FlowSet, source: Side | None
    ) -> str | None:
        """Return the reason a hop gives for the failure `cut`, None for no failure."""
        if cut is None:
            return None
        names = ", ".join(target.nacls)
        if cut == _NOTHING_IN:
            return f"NACL {names} admits nothing inbound from {self.cidrs(clients)}"
        if cut == _NO_REPLY_OUT:
            return f"NACL {names} lets no reply out to {self.cidrs(clients)}"
        others = ", ".join(source.nacls if source is not None else ())
        if cut == _NOTHING_OUT:
            return f"NACL {others} lets out none of what NACL {names} admits from it"
        return f"NACL {others} lets no reply back in"

    def cidrs(self, flows: FlowSet) -> str:
        """Return `cidrs(flows)`, once per set."""
        found = self._cidrs.get(flows)
        if found is None:
            found = self._cidrs[flows] = cidrs(flows)
        return found

    def _replies_out(self, admitted: FlowSet, outbound: FlowSet) -> FlowSet:
        """Return the replies some flow of `admitted` needs (R-NACL-11) that `outbound` lets
        out, once per pair."""
        key = (admitted, outbound)
        found = self._replies.get(key)
        if found is None:
            found = self._replies[key] = self.flows.needed_replies(admitted) & outbound
        return found

    def _passes(self, outbound: FlowSet, inbound: FlowSet) -> bool:
        """Return True if `outbound` lets out some flow of the protocols and ports that
        `inbound` admits from some address."""
        key = (outbound, inbound)
        found = self._passing.get(key)
        if found is None:
            found = self._passing[key] = not outbound.isdisjoint(open_addresses(inbound))
        return found


def _cidrs_of(subnet: Subnet, vpc: Vpc | None) -> tuple[str | None, ...]:
    """Return the CIDRs a subnet's NACL view stands for: its own, and those of `vpc` when its
    IPv4 CIDR is unknown."""
    if subnet.ipv4_cidr is None and vpc is not None:
        return (subnet.ipv4_cidr, subnet.ipv6_cidr, *vpc.ipv4_cidrs, *vpc.ipv6_cidrs)
    return (subnet.ipv4_cidr, subnet.ipv6_cidr)


def cidrs(flows: FlowSet) -> str:
    """Return the CIDRs of `flows` as a hop lists them."""
    return names(flows.cidrs())


def names(items: list[str]) -> str:
    """Return the first few `items` and how many more there are."""
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")
