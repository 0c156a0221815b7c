"""FlowSet.isdisjoint against a brute-force oracle, and the universe short cuts of the algebra."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from tfvpc.space import FlowSet

Spec = tuple[int, tuple[int, int], tuple[int, int], tuple[int, int]]


def interval(top: int) -> st.SearchStrategy[tuple[int, int]]:
    """Inclusive (lo, hi) inside 0..top."""
    return st.tuples(st.integers(0, top), st.integers(0, top)).map(lambda t: (min(t), max(t)))


specs = st.lists(
    st.tuples(st.sampled_from((4, 6)), interval(3), interval(15), interval(15)), max_size=5
)


def build(boxes: Iterable[Spec]) -> FlowSet:
    """Return the union of the boxes."""
    out = FlowSet.empty()
    for family, protocols, addresses, ports in boxes:
        out = out | FlowSet.box(4 if family == 4 else 6, protocols, addresses, ports)
    return out


def points(boxes: Iterable[Spec]) -> set[tuple[int, int, int, int]]:
    """Return every (family, protocol, address, port) inside some box."""
    return {
        (family, p, a, q)
        for family, (plo, phi), (alo, ahi), (qlo, qhi) in boxes
        for p in range(plo, phi + 1)
        for a in range(alo, ahi + 1)
        for q in range(qlo, qhi + 1)
    }


@settings(deadline=None)
@given(specs, specs)
def test_isdisjoint_matches_the_oracle(a: list[Spec], b: list[Spec]) -> None:
    expected = not (points(a) & points(b))
    assert build(a).isdisjoint(build(b)) is expected
    assert build(b).isdisjoint(build(a)) is expected
    assert build(a).isdisjoint(build(b)) is (not build(a) & build(b))


def test_isdisjoint_of_touching_and_adjacent_ranges() -> None:
    web = FlowSet.of(6, "10.0.0.0/24", (80, 443))
    assert not web.isdisjoint(FlowSet.of(6, "10.0.0.255/32", (443, 443)))
    assert web.isdisjoint(FlowSet.of(6, "10.0.1.0/32", (443, 443)))
    assert web.isdisjoint(FlowSet.of(6, "10.0.0.0/24", (444, 500)))
    assert web.isdisjoint(FlowSet.of(17, "10.0.0.0/24", (80, 443)))
    assert web.isdisjoint(FlowSet.of(6, "::/0", (80, 443)))
    assert FlowSet.empty().isdisjoint(FlowSet.universe())
    assert not FlowSet.universe().isdisjoint(web)


@settings(deadline=None)
@given(specs)
def test_combining_with_the_universe_and_its_families(a: list[Spec]) -> None:
    flows = build(a)
    v4 = flows.restrict(family=4)
    v6 = flows.restrict(family=6)
    everything = FlowSet.universe()
    assert flows & everything == flows
    assert everything & flows == flows
    assert flows & FlowSet.universe(4) == v4
    assert FlowSet.universe(6) & flows == v6
    assert flows | everything == everything
    assert (flows | FlowSet.universe(4)) == FlowSet.universe(4) | v6
    assert not flows - everything
    assert flows - FlowSet.universe(4) == v6
    assert everything - flows == everything - v4 - v6
