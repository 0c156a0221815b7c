"""Packet-space algebra: brute-force oracle on a small universe, laws, edge cases, rendering."""

from __future__ import annotations

import functools
import ipaddress
import itertools
import operator
import pickle
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfvpc.space import (
    PORT_MAX,
    PROTO_MAX,
    Family,
    FlowSet,
    cidr_range,
    icmp_code_range,
    parse_cidr,
    range_to_cidrs,
)

# The small universe: both families, protocols 0..3, addresses 0..15, ports 0..15.
PROTOS, ADDRS, PORTS = 3, 15, 15
Point = tuple[Family, int, int, int]
ALL_POINTS: frozenset[Point] = frozenset(
    (fam, p, a, q)
    for fam in (4, 6)
    for p in range(PROTOS + 1)
    for a in range(ADDRS + 1)
    for q in range(PORTS + 1)
)
SMALL_UNIVERSE = FlowSet.box(4, (0, PROTOS), (0, ADDRS), (0, PORTS)) | FlowSet.box(
    6, (0, PROTOS), (0, ADDRS), (0, PORTS)
)
V4_MAX = (1 << 32) - 1
V6_MAX = (1 << 128) - 1
# The machine is shared: no per-example deadline, only the default example counts.
relaxed = settings(deadline=None)


def interval(top: int) -> st.SearchStrategy[tuple[int, int]]:
    """Inclusive (lo, hi) inside 0..top."""
    return st.tuples(st.integers(0, top), st.integers(0, top)).map(lambda t: (min(t), max(t)))


BoxSpec = tuple[Family, tuple[int, int], tuple[int, int], tuple[int, int]]
boxes_st: st.SearchStrategy[BoxSpec] = st.tuples(
    st.sampled_from((4, 6)), interval(PROTOS), interval(ADDRS), interval(PORTS)
)
box_lists = st.lists(boxes_st, max_size=5)


def build(specs: Iterable[BoxSpec]) -> FlowSet:
    """The union of the boxes, folded left to right."""
    result = FlowSet.empty()
    for spec in specs:
        result = result | FlowSet.box(*spec)
    return result


def points_of_spec(specs: Iterable[BoxSpec]) -> frozenset[Point]:
    """Brute-force oracle: every point inside some box."""
    return frozenset(
        (fam, p, a, q)
        for fam, (plo, phi), (alo, ahi), (qlo, qhi) in specs
        for p in range(plo, phi + 1)
        for a in range(alo, ahi + 1)
        for q in range(qlo, qhi + 1)
    )


def points(flows: FlowSet) -> frozenset[Point]:
    """The points of a set read back through boxes(), which must be disjoint."""
    found: list[Point] = []
    for box in flows.boxes():
        found.extend(points_of_spec([box]))
    assert len(found) == len(set(found)), "boxes() must be disjoint"
    return frozenset(found)


def merged(values: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted integers as maximal runs of consecutive values."""
    runs: list[tuple[int, int]] = []
    for v in sorted(set(values)):
        if runs and runs[-1][1] + 1 == v:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


# --- brute-force oracle on the small universe ---------------------------------------------------


@relaxed
@given(box_lists, box_lists)
def test_union_intersection_difference_match_the_oracle(a: list[BoxSpec], b: list[BoxSpec]) -> None:
    fa, fb = build(a), build(b)
    pa, pb = points_of_spec(a), points_of_spec(b)
    assert points(fa) == pa
    assert points(fa | fb) == pa | pb
    assert points(fa & fb) == pa & pb
    assert points(fa - fb) == pa - pb
    assert (fa | fb).is_empty() == (not (pa | pb))
    assert bool(fa & fb) == bool(pa & pb)


@relaxed
@given(box_lists)
def test_contains_matches_the_oracle_on_every_point(a: list[BoxSpec]) -> None:
    fa, pa = build(a), points_of_spec(a)
    assert {pt for pt in ALL_POINTS if fa.contains(*pt)} == pa


@relaxed
@given(box_lists, box_lists)
def test_issubset_matches_the_oracle(a: list[BoxSpec], b: list[BoxSpec]) -> None:
    fa, fb = build(a), build(b)
    assert fa.issubset(fb) == (points_of_spec(a) <= points_of_spec(b))
    assert (fa & fb).issubset(fa)
    assert fa.issubset(fa | fb)


@relaxed
@given(box_lists)
def test_projections_match_the_oracle(a: list[BoxSpec]) -> None:
    fa, pa = build(a), points_of_spec(a)
    assert fa.protocols() == merged(p for _, p, _, _ in pa)
    assert fa.ports() == merged(q for _, _, _, q in pa)
    for fam in (4, 6):
        addrs = merged(addr for f, _, addr, _ in pa if f == fam)
        assert fa.addresses(fam) == addrs
        assert fa.address_count(fam) == sum(hi - lo + 1 for lo, hi in addrs)
    assert fa.families() == tuple(sorted({f for f, _, _, _ in pa}))


@relaxed
@given(box_lists, interval(PROTOS), interval(ADDRS), interval(PORTS), st.sampled_from((4, 6)))
def test_restrict_matches_the_oracle(
    a: list[BoxSpec],
    protos: tuple[int, int],
    addrs: tuple[int, int],
    ports: tuple[int, int],
    fam: Family,
) -> None:
    fa, pa = build(a), points_of_spec(a)
    got = fa.restrict(family=fam, protocols=protos, ports=ports, addresses=addrs)
    assert points(got) == {
        (f, p, x, q)
        for f, p, x, q in pa
        if f == fam
        and protos[0] <= p <= protos[1]
        and addrs[0] <= x <= addrs[1]
        and ports[0] <= q <= ports[1]
    }
    assert points(fa.restrict(ports=ports)) == {pt for pt in pa if ports[0] <= pt[3] <= ports[1]}
    assert fa.restrict() == fa


# --- canonical form and algebraic laws ----------------------------------------------------------


@relaxed
@given(
    st.lists(boxes_st, max_size=6).flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs)))
)
def test_construction_order_does_not_matter(pair: tuple[list[BoxSpec], list[BoxSpec]]) -> None:
    original, shuffled = pair
    fa, fb = build(original), build(shuffled)
    assert fa == fb
    assert hash(fa) == hash(fb)
    assert FlowSet.union_all(FlowSet.box(*spec) for spec in reversed(original)) == fa


@relaxed
@given(box_lists)
def test_rebuilding_from_boxes_is_identical(a: list[BoxSpec]) -> None:
    fa = build(a)
    again = build(reversed(fa.boxes()))
    assert again == fa
    assert hash(again) == hash(fa)
    assert again.boxes() == fa.boxes()


@relaxed
@given(boxes_st, st.integers(0, 2), st.data())
def test_a_box_split_in_two_is_the_same_box(spec: BoxSpec, dim: int, data: st.DataObject) -> None:
    fam, *ranges = spec
    lo, hi = ranges[dim]
    cut = data.draw(st.integers(lo, hi))
    left, right = list(ranges), list(ranges)
    left[dim], right[dim] = (lo, cut), (cut + 1, hi)
    whole = FlowSet.box(fam, *ranges)
    pieces = FlowSet.box(fam, *left)
    if cut < hi:
        pieces = FlowSet.box(fam, *right) | pieces
    assert pieces == whole
    assert hash(pieces) == hash(whole)


@relaxed
@given(box_lists, box_lists, box_lists)
def test_union_and_intersection_are_commutative_and_associative(
    a: list[BoxSpec], b: list[BoxSpec], c: list[BoxSpec]
) -> None:
    fa, fb, fc = build(a), build(b), build(c)
    assert fa | fb == fb | fa
    assert fa & fb == fb & fa
    assert (fa | fb) | fc == fa | (fb | fc)
    assert (fa & fb) & fc == fa & (fb & fc)
    assert fa & (fb | fc) == (fa & fb) | (fa & fc)


@relaxed
@given(box_lists, box_lists)
def test_difference_laws(a: list[BoxSpec], b: list[BoxSpec]) -> None:
    fa, fb = build(a), build(b)
    assert (fa - fb) | (fa & fb) == fa
    assert ((fa - fb) & fb).is_empty()
    assert fa - fa == FlowSet.empty()
    assert fa | fa == fa
    assert fa & fa == fa


@relaxed
@given(box_lists)
def test_complement_within_the_universe_undoes_itself(a: list[BoxSpec]) -> None:
    fa = build(a)
    complement = SMALL_UNIVERSE - fa
    assert (complement & fa).is_empty()
    assert complement | fa == SMALL_UNIVERSE
    assert SMALL_UNIVERSE - complement == fa
    assert FlowSet.universe() - (FlowSet.universe() - fa) == fa


def test_empty_and_universe() -> None:
    assert FlowSet.empty().is_empty()
    assert not FlowSet.empty()
    assert FlowSet() == FlowSet.empty()
    assert FlowSet.universe() == FlowSet.universe(4) | FlowSet.universe(6)
    assert FlowSet.universe(4).contains(4, PROTO_MAX, V4_MAX, PORT_MAX)
    assert FlowSet.universe(6).contains(6, 0, V6_MAX, 0)
    assert FlowSet.universe().families() == (4, 6)
    assert FlowSet.universe(4).address_count(4) == 1 << 32
    assert FlowSet.universe(6).address_count(6) == 1 << 128
    assert FlowSet.universe(6).address_count(4) == 0
    with pytest.raises(ValueError):
        FlowSet.universe(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FlowSet.universe().contains(5, 0, 0, 0)  # type: ignore[arg-type]


# --- addresses: families, CIDRs and ipaddress agreement -----------------------------------------


def test_ipv4_and_ipv6_never_mix() -> None:
    assert (FlowSet.universe(4) & FlowSet.universe(6)).is_empty()
    world4 = FlowSet.of(-1, "0.0.0.0/0")
    assert not world4.contains(6, 6, 0, 22)
    assert not world4.contains(6, 6, 1, 22)
    assert FlowSet.of(-1, "::/0") - world4 == FlowSet.of(-1, "::/0")
    assert (FlowSet.of(6, "::/96") & FlowSet.of(6, "0.0.0.0/0")).is_empty()
    assert world4.families() == (4,)
    assert world4.cidrs(6) == []
    assert FlowSet.universe(4).restrict(family=6).is_empty()


@relaxed
@given(st.ip_addresses(v=4), st.ip_addresses(v=4), st.integers(0, 32), st.integers(0, PORT_MAX))
def test_ipv4_membership_agrees_with_ipaddress(
    probe: ipaddress.IPv4Address, base: ipaddress.IPv4Address, prefix: int, port: int
) -> None:
    cidr = f"{base}/{prefix}"
    flows = FlowSet.of(6, cidr, (443, 443))
    expected = probe in ipaddress.ip_network(cidr, strict=False)
    assert flows.contains(4, 6, int(probe), 443) == expected
    assert not flows.contains(4, 17, int(probe), 443)
    assert flows.contains(4, 6, int(probe), port) == (expected and port == 443)
    assert not flows.contains(6, 6, int(probe), 443)


@relaxed
@given(st.ip_addresses(v=6), st.ip_addresses(v=6), st.integers(0, 128))
def test_ipv6_membership_agrees_with_ipaddress(
    probe: ipaddress.IPv6Address, base: ipaddress.IPv6Address, prefix: int
) -> None:
    cidr = f"{base}/{prefix}"
    flows = FlowSet.of(-1, cidr)
    expected = probe in ipaddress.ip_network(cidr, strict=False)
    assert flows.contains(6, 58, int(probe), 0) == expected
    assert not flows.contains(4, 58, int(probe) & V4_MAX, 0)
    assert flows.cidrs() == [str(ipaddress.ip_network(cidr, strict=False))]


def check_cover(family: Family, lo: int, hi: int) -> None:
    cidrs = range_to_cidrs(family, lo, hi)
    nets = [ipaddress.ip_network(c) for c in cidrs]
    assert [str(n) for n in nets] == cidrs  # canonical: strict parsing accepts them unchanged
    expected = ipaddress.summarize_address_range(
        ipaddress.ip_address(lo) if family == 4 else ipaddress.IPv6Address(lo),
        ipaddress.ip_address(hi) if family == 4 else ipaddress.IPv6Address(hi),
    )
    assert nets == list(expected)
    # Exact cover: contiguous, starting at lo and ending at hi.
    assert int(nets[0].network_address) == lo
    assert int(nets[-1].broadcast_address) == hi
    for prev, nxt in itertools.pairwise(nets):
        assert int(prev.broadcast_address) + 1 == int(nxt.network_address)


@relaxed
@given(interval(V4_MAX))
def test_range_to_cidrs_is_the_minimal_exact_cover_v4(bounds: tuple[int, int]) -> None:
    check_cover(4, *bounds)


@relaxed
@given(interval(V6_MAX))
def test_range_to_cidrs_is_the_minimal_exact_cover_v6(bounds: tuple[int, int]) -> None:
    check_cover(6, *bounds)


@relaxed
@given(st.integers(0, 32), st.integers(0, 32), st.integers(0, V4_MAX))
def test_range_to_cidrs_near_aligned_bounds(shift_lo: int, shift_hi: int, seed: int) -> None:
    lo = (seed >> shift_lo) << shift_lo
    hi = min(V4_MAX, lo + (1 << shift_hi) - 1)
    check_cover(4, lo, hi)
    if lo > 0:
        check_cover(4, lo - 1, hi)


def test_range_to_cidrs_examples() -> None:
    assert range_to_cidrs(4, 0, V4_MAX) == ["0.0.0.0/0"]
    assert range_to_cidrs(6, 0, V6_MAX) == ["::/0"]
    assert range_to_cidrs(4, 167772160, 167772160) == ["10.0.0.0/32"]
    assert range_to_cidrs(4, 10, 13) == ["0.0.0.10/31", "0.0.0.12/31"]
    with pytest.raises(ValueError):
        range_to_cidrs(4, 0, V4_MAX + 1)
    with pytest.raises(ValueError):
        range_to_cidrs(4, 5, 4)
    with pytest.raises(ValueError):
        range_to_cidrs(5, 0, 1)  # type: ignore[arg-type]


def test_cidr_range_is_lenient_about_host_bits() -> None:
    # R-CIDR-1: host bits are dropped, as AWS does.
    assert cidr_range("10.0.0.5/16") == (4, 0x0A000000, 0x0A00FFFF)
    assert cidr_range("10.0.0.0/16") == cidr_range("10.0.0.5/16")
    assert cidr_range("0.0.0.0/0") == (4, 0, V4_MAX)
    assert cidr_range("2001:db8::1/32") == (
        6,
        0x20010DB8 << 96,
        (0x20010DB8 << 96) | ((1 << 96) - 1),
    )
    assert cidr_range("192.0.2.7") == (4, 0xC0000207, 0xC0000207)
    for bad in ("10.0.0.0/33", "not-a-cidr", "", "2001:db8::/129"):
        with pytest.raises(ValueError):
            cidr_range(bad)


def test_parse_cidr_is_none_where_cidr_range_raises() -> None:
    assert parse_cidr("10.0.0.5/16") == (4, 0x0A000000, 0x0A00FFFF)
    assert parse_cidr("::/0") == (6, 0, (1 << 128) - 1)
    for bad in (None, "10.0.0.0/33", "not-a-cidr", ""):
        assert parse_cidr(bad) is None


# --- constructors, ICMP encoding, validation ----------------------------------------------------


def test_icmp_encoding() -> None:
    assert icmp_code_range(-1, -1) == (0, 65535)
    assert icmp_code_range(-1, 3) == (0, 65535)
    assert icmp_code_range(8, -1) == (2048, 2303)
    assert icmp_code_range(8, 0) == (2048, 2048)
    assert icmp_code_range(0, 0) == (0, 0)
    assert icmp_code_range(255, 255) == (65535, 65535)
    for bad in ((256, 0), (8, 256), (-2, -1), (0, -2)):
        with pytest.raises(ValueError):
            icmp_code_range(*bad)
    echo_request = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, 0))
    any_echo = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, -1))
    assert echo_request.issubset(any_echo)
    assert not any_echo.issubset(echo_request)
    assert not echo_request.contains(4, 1, 1, 8 * 256 + 1)
    assert any_echo.contains(4, 1, 1, 8 * 256 + 255)
    assert not any_echo.contains(4, 1, 1, 9 * 256)


def test_of_builds_the_expected_box() -> None:
    assert FlowSet.of(6, "10.0.0.0/8", (22, 22)).boxes() == [
        (4, (6, 6), (0x0A000000, 0x0AFFFFFF), (22, 22))
    ]
    assert FlowSet.of(-1, "::/0").boxes() == [(6, (0, PROTO_MAX), (0, V6_MAX), (0, PORT_MAX))]
    assert FlowSet.of(17, "10.1.2.3/24") == FlowSet.of(17, "10.1.2.0/24", (0, PORT_MAX))
    # Ports are literal: tcp 0-0 is port 0 only (R-NACL-6 makes that a likely mistake, not ours).
    assert FlowSet.of(6, "0.0.0.0/0", (0, 0)).ports() == [(0, 0)]


@pytest.mark.parametrize(
    "args",
    [
        (4, (0, 256), (0, 0), (0, 0)),
        (4, (3, 2), (0, 0), (0, 0)),
        (4, (0, 0), (0, V4_MAX + 1), (0, 0)),
        (6, (0, 0), (0, V6_MAX + 1), (0, 0)),
        (4, (0, 0), (0, 0), (0, PORT_MAX + 1)),
        (4, (0, 0), (-1, 0), (0, 0)),
        (5, (0, 0), (0, 0), (0, 0)),
    ],
)
def test_box_rejects_bad_ranges(
    args: tuple[int, tuple[int, int], tuple[int, int], tuple[int, int]],
) -> None:
    with pytest.raises(ValueError):
        FlowSet.box(*args)  # type: ignore[arg-type]


def test_of_rejects_bad_protocols_and_cidrs() -> None:
    for protocol in (-2, 256):
        with pytest.raises(ValueError):
            FlowSet.of(protocol, "0.0.0.0/0")
    with pytest.raises(ValueError):
        FlowSet.of(6, "10.0.0.0/40")
    with pytest.raises(ValueError):
        FlowSet.of(6, "10.0.0.0/8", (80, 79))


def test_restrict_addresses_needs_a_family() -> None:
    world = FlowSet.universe()
    with pytest.raises(ValueError):
        world.restrict(addresses=(0, 10))
    _, lo, hi = cidr_range("10.0.0.0/8")
    assert world.restrict(family=4, addresses=(lo, hi)) == FlowSet.of(-1, "10.0.0.0/8")
    assert world.restrict(protocols=(6, 6), ports=(22, 22)) == FlowSet.of(
        6, "0.0.0.0/0", (22, 22)
    ) | FlowSet.of(6, "::/0", (22, 22))


def test_immutable_hashable_and_picklable() -> None:
    flows = FlowSet.of(6, "10.0.0.0/8", (22, 22))
    with pytest.raises(AttributeError):
        flows._v4 = ()
    with pytest.raises(AttributeError):
        del flows._v4
    assert pickle.loads(pickle.dumps(flows)) == flows
    same = FlowSet.of(6, "10.0.0.0/9", (22, 22)) | FlowSet.of(6, "10.128.0.0/9", (22, 22))
    assert {flows: "ssh"}[same] == "ssh"
    assert flows != "FlowSet(tcp 10.0.0.0/8 22)"


@relaxed
@given(st.lists(box_lists, max_size=8))
def test_union_all_equals_folded_union(groups: list[list[BoxSpec]]) -> None:
    sets = [build(g) for g in groups]
    assert FlowSet.union_all(sets) == functools.reduce(operator.or_, sets, FlowSet.empty())


# --- a NACL-style first-match evaluation, hand-reasoned ------------------------------------------


def test_first_match_by_difference() -> None:
    # R-NACL-2: rule 100 denies tcp 22 from 10.0.0.0/8, rule 200 allows tcp 0-65535 from anywhere.
    deny = FlowSet.of(6, "10.0.0.0/8", (22, 22))
    allow = FlowSet.of(6, "0.0.0.0/0")
    remaining = FlowSet.universe()
    decided_deny = remaining & deny
    remaining = remaining - deny
    decided_allow = remaining & allow
    assert decided_deny == deny
    assert decided_allow == allow - deny
    assert decided_allow.restrict(ports=(22, 22)).cidrs() == [
        "0.0.0.0/5",
        "8.0.0.0/7",
        "11.0.0.0/8",
        "12.0.0.0/6",
        "16.0.0.0/4",
        "32.0.0.0/3",
        "64.0.0.0/2",
        "128.0.0.0/1",
    ]
    assert decided_allow.restrict(ports=(80, 80)).cidrs() == ["0.0.0.0/0"]
    assert decided_allow.ports() == [(0, PORT_MAX)]
    assert not decided_allow.contains(4, 6, 0x0A000001, 22)
    assert decided_allow.contains(4, 6, 0x0A000001, 23)


# --- rendering ----------------------------------------------------------------------------------


def test_repr_is_readable() -> None:
    assert repr(FlowSet.empty()) == "FlowSet(empty)"
    assert repr(FlowSet.of(6, "0.0.0.0/0", (22, 22))) == "FlowSet(tcp 0.0.0.0/0 22)"
    assert repr(FlowSet.universe()) == "FlowSet(all 0.0.0.0/0 *; all ::/0 *)"
    web = FlowSet.of(6, "10.0.0.0/8", (80, 80)) | FlowSet.of(6, "10.0.0.0/8", (443, 443))
    assert repr(web | FlowSet.of(17, "192.168.1.0/24", (1024, 65535))) == (
        "FlowSet(tcp 10.0.0.0/8 80,443; udp 192.168.1.0/24 1024-65535)"
    )
    # Addresses with the same ports are listed together; one protocol, two port sets.
    mixed = FlowSet.of(6, "10.0.0.0/24", (22, 22)) | FlowSet.of(6, "10.0.2.0/24", (22, 22))
    mixed = mixed | FlowSet.of(6, "10.0.1.0/24", (3389, 3389))
    assert repr(mixed) == "FlowSet(tcp 10.0.0.0/24,10.0.2.0/24 22; tcp 10.0.1.0/24 3389)"
    assert repr(FlowSet.of(47, "2001:db8::/32")) == "FlowSet(proto 47 2001:db8::/32 *)"
    # One contiguous address range that needs two CIDRs to render.
    odd = FlowSet.of(6, "10.0.0.0/24", (22, 22)) | FlowSet.of(6, "10.0.1.0/25", (22, 22))
    assert repr(odd) == "FlowSet(tcp 10.0.0.0/24,10.0.1.0/25 22)"
    assert repr(FlowSet.box(4, (2, 5), (0, 0), (1, 1))) == "FlowSet(proto 2-5 0.0.0.0/32 1)"


def test_repr_renders_icmp_types_and_codes() -> None:
    echo = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, 0))
    unreachable = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(3, -1))
    assert repr(echo | unreachable) == "FlowSet(icmp 0.0.0.0/0 type 3,type 8 code 0)"
    assert repr(FlowSet.of(58, "::/0", icmp_code_range(-1, -1))) == "FlowSet(icmpv6 ::/0 *)"
    assert repr(FlowSet.of(58, "::/0", (128 * 256, 129 * 256 + 255))) == (
        "FlowSet(icmpv6 ::/0 type 128-129)"
    )
    assert repr(FlowSet.of(1, "0.0.0.0/0", (3 * 256 + 1, 3 * 256 + 4))) == (
        "FlowSet(icmp 0.0.0.0/0 type 3 code 1-type 3 code 4)"
    )


def test_cidrs_render_minimal_lists_v4_then_v6() -> None:
    flows = (
        FlowSet.of(6, "10.0.1.0/24", (22, 22))
        | FlowSet.of(17, "10.0.0.0/24")
        | FlowSet.of(6, "2001:db8::/33", (22, 22))
        | FlowSet.of(6, "2001:db8:8000::/33", (443, 443))
    )
    assert flows.cidrs() == ["10.0.0.0/23", "2001:db8::/32"]
    assert flows.cidrs(6) == ["2001:db8::/32"]
    assert flows.cidrs(4) == ["10.0.0.0/23"]
    assert flows.address_count(4) == 512
    assert flows.protocols() == [(6, 6), (17, 17)]
    assert flows.ports() == [(0, PORT_MAX)]
    assert flows.restrict(protocols=(6, 6)).ports() == [(22, 22), (443, 443)]


def test_boxes_are_in_canonical_order() -> None:
    flows = (
        FlowSet.of(17, "::/0", (53, 53))
        | FlowSet.of(6, "0.0.0.1/32", (80, 81))
        | FlowSet.of(6, "0.0.0.0/32", (22, 22))
        | FlowSet.of(6, "0.0.0.0/32", (80, 81))
    )
    assert flows.boxes() == [
        (4, (6, 6), (0, 0), (22, 22)),
        (4, (6, 6), (0, 0), (80, 81)),
        (4, (6, 6), (1, 1), (80, 81)),
        (6, (17, 17), (0, V6_MAX), (53, 53)),
    ]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from((6, 17, -1)), st.ip_addresses(v=4), st.integers(8, 32)),
        max_size=20,
    )
)
def test_realistic_sets_keep_laws(rules: list[tuple[int, ipaddress.IPv4Address, int]]) -> None:
    sets = [
        FlowSet.of(p, f"{addr}/{prefix}", None if p == -1 else (443, 443))
        for p, addr, prefix in rules
    ]
    union = FlowSet.union_all(sets)
    for flows in sets:
        assert flows.issubset(union)
    rebuilt = FlowSet.empty()
    for box in reversed(union.boxes()):
        rebuilt = rebuilt | FlowSet.box(*box)
    assert rebuilt == union
    assert FlowSet.universe(4) - (FlowSet.universe(4) - union) == union
