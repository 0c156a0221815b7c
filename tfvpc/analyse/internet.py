"""The internet as a source of flows: public address space per family, minus a VPC's own CIDRs.

R-CIDR-3 takes the whole family space minus the VPC's CIDRs as client space; tfvpc narrows it to
addresses that can appear as a source on the internet, so that a rule admitting only
``10.0.0.0/8`` or ``100.64.0.0/10`` is never an internet exposure. The ranges left out are the
IANA special-purpose blocks that are not globally reachable (RFC 6890 and its updates).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from tfvpc.analyse.routing import addresses_of_all
from tfvpc.model import Vpc
from tfvpc.space import Family, FlowSet, cidr_range, range_to_cidrs

NON_INTERNET_IPV4: tuple[str, ...] = (
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8",  # RFC 1918
    "100.64.0.0/10",  # shared address space (CGNAT)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link local
    "172.16.0.0/12",  # RFC 1918
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24",  # documentation (TEST-NET-1)
    "192.168.0.0/16",  # RFC 1918
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation (TEST-NET-2)
    "203.0.113.0/24",  # documentation (TEST-NET-3)
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, including 255.255.255.255
)
"""IPv4 blocks that never source internet traffic."""

GLOBAL_UNICAST_IPV6 = "2000::/3"
NON_INTERNET_IPV6: tuple[str, ...] = (
    "2001:2::/48",  # benchmarking
    "2001:10::/28",  # deprecated ORCHID
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation (RFC 9637)
)
"""IPv6 blocks inside global unicast space that never source internet traffic."""


def _addresses(cidrs: Iterable[str]) -> FlowSet:
    return FlowSet.union_all(FlowSet.of(-1, cidr) for cidr in cidrs)


@lru_cache(maxsize=2)
def public_addresses(family: Family) -> FlowSet:
    """Return every flow (all protocols and ports) whose remote address can be on the internet:
    IPv4 minus `NON_INTERNET_IPV4`, IPv6 global unicast minus `NON_INTERNET_IPV6`."""
    if family == 4:
        return FlowSet.universe(4) - _addresses(NON_INTERNET_IPV4)
    return _addresses((GLOBAL_UNICAST_IPV6,)) - _addresses(NON_INTERNET_IPV6)


def vpc_cidrs(vpc: Vpc | None, family: Family) -> tuple[str, ...]:
    """Return the VPC's known CIDRs of one family (none for an unknown VPC)."""
    if vpc is None:
        return ()
    return vpc.ipv4_cidrs if family == 4 else vpc.ipv6_cidrs


def internet_sources(vpc: Vpc | None, family: Family) -> FlowSet:
    """Return every flow from internet clients of one family as seen from `vpc`.

    R-CIDR-3: the VPC's own CIDRs are reached by the local route, never through the internet,
    so they are removed even when they are public addresses. CIDRs that do not parse are
    ignored.
    """
    public = public_addresses(family)
    own = addresses_of_all(vpc_cidrs(vpc, family))
    # Private VPC CIDRs hold no public address: the same set then serves every such VPC.
    return public if public.isdisjoint(own) else public - own


def source_cidrs(sources: FlowSet, internet: FlowSet) -> list[str]:
    """Return the fewest CIDRs that, read as internet clients, name exactly the addresses of
    `sources`: IPv4 before IPv6.

    Addresses outside `internet` cannot be clients, so a CIDR may overlap them freely: sources
    covering all of the internet render as ``0.0.0.0/0`` rather than as the public blocks. Each
    contiguous run of "source or never a client" is split into its maximal aligned blocks,
    which contain every block inside the run; the blocks holding a source are the answer.
    """
    return [
        cidr
        for family in sources.families()
        for cidr in _render(family, tuple(sources.addresses(family)), internet)
    ]


def _render(
    family: Family, wanted: tuple[tuple[int, int], ...], internet: FlowSet
) -> tuple[str, ...]:
    starts = [lo for lo, _ in wanted]
    out: list[str] = []
    for lo, hi in _merged([*wanted, *_outside(internet, family)]):
        first = bisect_right(starts, hi)
        if first and wanted[first - 1][1] >= lo:
            out.extend(
                cidr
                for cidr in range_to_cidrs(family, lo, hi)
                if _holds_any(cidr_range(cidr), wanted, starts)
            )
    return tuple(out)


def _outside(internet: FlowSet, family: Family) -> list[tuple[int, int]]:
    """Return the address ranges of `family` that `internet` does not hold."""
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in internet.addresses(family):
        if start < lo:
            out.append((start, lo - 1))
        start = hi + 1
    top = (1 << (32 if family == 4 else 128)) - 1
    if start <= top:
        out.append((start, top))
    return out


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def _holds_any(
    span: tuple[Family, int, int], wanted: tuple[tuple[int, int], ...], starts: list[int]
) -> bool:
    """Return True if the block `span` overlaps one of the sorted disjoint `wanted` ranges."""
    _, lo, hi = span
    index = bisect_right(starts, hi)
    return bool(index) and wanted[index - 1][1] >= lo
