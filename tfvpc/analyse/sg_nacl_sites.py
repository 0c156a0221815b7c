"""The sites, segments and address spans TFV301 judges rules on (see `sg_nacl`).

A site is a subnet where a group is used, with the NACLs that guard it; subnets guarded alike
form a segment, judged once per rule. Address spans are the per-family ranges of a flow set,
compared with a subnet's own ranges (R-NACL-12: traffic inside one subnet is not filtered).
"""

from __future__ import annotations

from typing import NamedTuple

from tfvpc.analyse.exposure_groups import PortRanges, ProtocolGroup
from tfvpc.analyse.subnet_space import OwnRanges
from tfvpc.findings import Hop
from tfvpc.model import Nacl, Subnet
from tfvpc.space import PORT_MAX, PROTO_MAX, Family, FlowSet, merge_ranges

NaclKey = tuple[tuple[int, int], ...]
"""The entries of the candidate NACLs, both directions, as `FlowCache.nacl_token`s."""

Spans = dict[Family, list[tuple[int, int]]]
"""Address ranges per family."""


class Guard:
    """A subnet's candidate NACLs, their entries as `NaclKey`s for rules of each direction
    (ingress, egress), and the subnet's `family_window`: one object for the subnets of one
    analysis guarded by the same NACLs in the same families, compared by identity."""

    __slots__ = ("keys", "nacls", "window")

    def __init__(
        self, nacls: tuple[Nacl, ...], keys: tuple[NaclKey, NaclKey], window: FlowSet
    ) -> None:
        self.nacls = nacls
        self.keys = keys
        self.window = window


class Cut:
    """What a guard's NACLs drop of some flows of a rule: the `flows` crossing the boundary of
    the subnets guarded, the `definite` and `possible` drops among them, and whether every flow
    is dropped for sure (`dead`).

    For an address peer one cut serves every subnet guarded alike (`_Judge.cut`). The blocking
    entries and their text for a finding showing a cut are kept on it (`entries`, `texts`, by
    whether the finding shows definite drops only); memos key on cuts by identity.
    """

    __slots__ = ("dead", "definite", "entries", "flows", "loose", "possible", "spans", "texts")

    def __init__(self, flows: FlowSet, definite: FlowSet, possible: FlowSet) -> None:
        self.flows = flows
        self.definite = definite
        self.possible = possible
        self.loose = definite | possible
        self.dead = definite == flows
        self.entries: dict[bool, list[tuple[str, Spans]]] = {}
        self.texts: dict[bool, str] = {}
        self.spans: tuple[Spans, Spans, Spans, Spans] | None = None

    def shown(self, definite_only: bool) -> FlowSet:
        """Return the drops a finding shows: the definite ones, or every one."""
        return self.definite if definite_only else self.loose

    def addresses(self) -> tuple[Spans, Spans, Spans, Spans]:
        """Return the address ranges of `flows`, `definite`, `possible` and of the flows not
        dropped for sure."""
        if self.spans is None:
            sets = (self.flows, self.definite, self.possible, self.flows - self.definite)
            self.spans = (
                spans_of(sets[0]),
                spans_of(sets[1]),
                spans_of(sets[2]),
                spans_of(sets[3]),
            )
        return self.spans


class Seen(NamedTuple):
    """What a subnet sees of a cut: all of it, or, when `inside`, the cut less the subnet's own
    addresses (R-NACL-12); and whether that holds some `definite` drop, some `possible` one,
    and every flow dropped for sure (`dead`)."""

    cut: Cut
    inside: bool
    definite: bool
    possible: bool
    dead: bool

    @staticmethod
    def whole(cut: Cut) -> Seen:
        """Return all of `cut`."""
        return Seen(cut, False, bool(cut.definite), bool(cut.possible), cut.dead)


class Site:
    """A subnet of one analysis with a known guard and its own addresses, as
    `SubnetSpace.ranges` (`ranges`) and merged per family (`own`)."""

    __slots__ = ("address", "guard", "own", "ranges", "subnet")

    def __init__(self, subnet: Subnet, guard: Guard, ranges: OwnRanges) -> None:
        self.subnet = subnet
        self.address = subnet.address
        self.guard = guard
        self.ranges = ranges
        self.own: Spans = {
            family: merge_ranges((lo, hi) for kind, lo, hi in ranges if kind == family)
            for family in dict.fromkeys(family for family, _, _ in ranges)
        }


class Evidence(NamedTuple):
    """What a finding shows of some sites whose NACLs drop its traffic with the same entries:
    the path's hops, the message's clauses, the subnets, and their NACLs (each once); and the
    finding's related addresses, kept per rule origin (`_Judge.related`)."""

    hops: tuple[Hop, ...]
    clauses: tuple[str, ...]
    subnets: tuple[str, ...]
    nacls: tuple[str, ...]
    related: dict[str, tuple[str, ...]]


class Segment:
    """Sites of a group behind one guard, consecutive in subnet order, with those where an
    attachment carrying the group certainly sits (`certain`); the own address ranges of all
    (`own`, unmerged) and per family the one range spanning them (`hull`). A single site of a
    longer segment is a segment of its own (`alone`).

    What a finding shows of the segment is kept on it, per (certain sites only, blocking
    entries), so that the rules of the group that meet the same entries share it.
    """

    __slots__ = ("_alone", "_common", "_hull", "certain", "evidence", "guard", "own", "sites")

    def __init__(self, guard: Guard, sites: list[Site], certain: list[Site]) -> None:
        self.guard = guard
        self.sites = sites
        self.certain = certain
        self.own: Spans = {}
        for site in sites:
            for family, ranges in site.own.items():
                self.own.setdefault(family, []).extend(ranges)
        self._hull: Spans | None = None
        self.evidence: dict[tuple[bool, str], Evidence] = {}
        self._alone: list[Segment] | None = None
        self._common: dict[bool, FlowSet] = {}

    def hull(self) -> Spans:
        """Return per family the one range spanning the own addresses of all the sites."""
        if self._hull is None:
            self._hull = {
                family: [(min(lo for lo, _ in ranges), max(hi for _, hi in ranges))]
                for family, ranges in self.own.items()
            }
        return self._hull

    def common(self, certain_only: bool) -> FlowSet:
        """Return the own addresses that all the sites (the certain ones only, or all)
        share."""
        found = self._common.get(certain_only)
        if found is None:
            sites = self.certain if certain_only else self.sites
            shared = sites[0].own
            for site in sites[1:]:
                shared = shared_spans(shared, site.own)
            found = self._common[certain_only] = FlowSet.union_all(
                FlowSet.box(family, (0, PROTO_MAX), span, (0, PORT_MAX))
                for family, spans in shared.items()
                for span in spans
            )
        return found

    def alone(self) -> list[Segment]:
        """Return a segment for each site, in order."""
        if self._alone is None:
            if len(self.sites) == 1:
                self._alone = [self]
            else:
                self._alone = [
                    Segment(self.guard, [site], [site] if site in self.certain else [])
                    for site in self.sites
                ]
        return self._alone


Run = tuple[Segment, Seen]
"""Sites of a segment that see the same of a cut."""


class Traffic(NamedTuple):
    """A set of dropped flows as a finding shows it."""

    groups: list[ProtocolGroup]
    ports: list[PortRanges | None]
    """`ProtocolGroup.ports()` of each group."""
    words: str
    sources: tuple[str, ...]
    """The addresses of the flows as CIDRs."""
    peers: str
    """`sources` in words (`describe_cidrs`)."""


def joined(parts: list[Evidence]) -> Evidence:
    """Return the evidence of several sets of sites, in order."""
    return Evidence(
        tuple(hop for part in parts for hop in part.hops),
        tuple(clause for part in parts for clause in part.clauses),
        tuple(subnet for part in parts for subnet in part.subnets),
        tuple(dict.fromkeys(nacl for part in parts for nacl in part.nacls)),
        {},
    )


def spans_of(flows: FlowSet) -> Spans:
    """Return the address ranges of `flows` per family."""
    return {family: flows.addresses(family) for family in flows.families()}


def shared_spans(first: Spans, second: Spans) -> Spans:
    """Return the ranges of the addresses in both `first` and `second`."""
    out: Spans = {}
    for family, ranges in first.items():
        both = [
            (max(lo, other_lo), min(hi, other_hi))
            for lo, hi in ranges
            for other_lo, other_hi in second.get(family, ())
            if lo <= other_hi and other_lo <= hi
        ]
        if both:
            out[family] = both
    return out


def meets(spans: Spans, own: Spans) -> bool:
    """Return True if some address of `spans` lies in the ranges `own`."""
    for family, ranges in spans.items():
        for first, last in own.get(family, ()):
            for lo, hi in ranges:
                if lo <= last and first <= hi:
                    return True
    return False


def outside(spans: Spans, own: Spans) -> bool:
    """Return True if some address of `spans` lies outside the ranges `own` (merged ranges,
    as `FlowSet.addresses` gives them)."""
    for family, ranges in spans.items():
        inside = own.get(family, ())
        for lo, hi in ranges:
            for first, last in inside:
                if first <= lo and hi <= last:
                    break
            else:
                return True
    return False


def beyond_text(entries: list[tuple[str, Spans]], subnet_ranges: OwnRanges) -> str:
    """Return the texts of the `entries` whose addresses lie partly outside a subnet's CIDRs
    (`beyond`), joined by ``; `` (each once)."""
    return "; ".join(dict.fromkeys(t for t, spans in entries if beyond(spans, subnet_ranges)))


def beyond(spans: Spans, subnet_ranges: OwnRanges) -> bool:
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
