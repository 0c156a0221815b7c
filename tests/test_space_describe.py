"""`describe_cidrs` names exactly the addresses it is given, checked against `ipaddress`.

For one family and no limit, the text is either the CIDRs as given, or ``<universe> except
<CIDRs>`` when that lists fewer CIDRs; either way the addresses it names are the union of the
input's, which the oracle computes with `ipaddress` and a plain interval merge.
"""

from __future__ import annotations

import ipaddress

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tfvpc.space import describe_cidrs

Intervals = list[tuple[int, int]]


def merged(cidrs: list[str]) -> Intervals:
    """Return the addresses of `cidrs` as sorted, merged, non-adjacent intervals."""
    spans = sorted(
        (int(net.network_address), int(net.broadcast_address))
        for net in (ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
    )
    out: Intervals = []
    for lo, hi in spans:
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def complement(spans: Intervals, top: int) -> Intervals:
    """Return the addresses of 0..top outside the merged `spans`."""
    out: Intervals = []
    start = 0
    for lo, hi in spans:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= top:
        out.append((start, top))
    return out


def cidr_lists(bits: int) -> st.SearchStrategy[list[str]]:
    """Return lists of 1-6 CIDRs of one family, short prefixes favoured (wide sets)."""
    top = (1 << bits) - 1
    prefix = st.integers(0, 4) | st.integers(0, bits)
    one = st.builds(
        lambda address, length: str(
            (ipaddress.IPv4Network if bits == 32 else ipaddress.IPv6Network)(
                (address, length), strict=False
            )
        ),
        st.integers(0, top),
        prefix,
    )
    return st.lists(one, min_size=1, max_size=6)


def check(cidrs: list[str], universe: str, top: int) -> None:
    """Assert that the description of `cidrs` names exactly their addresses."""
    text = describe_cidrs(cidrs, limit=None)
    head = f"{universe} except "
    if text.startswith(head):
        excluded = text.removeprefix(head).split(", ")
        assert len(excluded) < len(cidrs)
        assert complement(merged(excluded), top) == merged(cidrs)
    else:
        assert text == ", ".join(cidrs)


@settings(deadline=None)
@given(cidr_lists(32))
@example(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4"])
def test_ipv4_description_names_the_same_addresses(cidrs: list[str]) -> None:
    check(cidrs, "0.0.0.0/0", (1 << 32) - 1)


@settings(deadline=None)
@given(cidr_lists(128))
@example(["::/1", "8000::/2", "c000::/3"])
def test_ipv6_description_names_the_same_addresses(cidrs: list[str]) -> None:
    check(cidrs, "::/0", (1 << 128) - 1)


def test_wide_lists_are_told_by_what_they_leave_out() -> None:
    wide = ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4"]
    assert describe_cidrs(wide, limit=None) == "0.0.0.0/0 except 240.0.0.0/4"
