"""Flows as they cross a subnet's boundary: within its address families, outside its own CIDRs.

R-CIDR-2: a subnet sees no flow of a family it has no address in; R-NACL-12: its NACL does not
filter traffic between its own addresses. Analysers judge many flow sets against many subnets;
most sets never touch a given subnet's CIDRs, so `SubnetSpace` looks at address ranges first and
only then takes the subnet's addresses out. Flow sets equal in value share their answers, so
rules and NACLs written alike are judged once per analysis.
"""

from __future__ import annotations

from bisect import bisect_right

from tfvpc.analyse.routing import family_window, subnet_addresses
from tfvpc.model import Subnet
from tfvpc.space import Family, FlowSet, parse_cidr

Spans = dict[Family, tuple[list[int], list[tuple[int, int]]]]
"""Per family, the sorted starts and the ranges of a flow set's addresses."""

OwnRanges = tuple[tuple[Family, int, int], ...]
"""The (family, first, last) address ranges of a subnet's parseable CIDRs."""


class SubnetSpace:
    """Memoised boundary views of the subnets of one analysis."""

    def __init__(self) -> None:
        self._own: dict[str, FlowSet] = {}
        self._spans: dict[FlowSet, Spans] = {}
        self._windowed: dict[tuple[FlowSet, FlowSet], FlowSet] = {}
        self._ranges: dict[str, OwnRanges] = {}

    def own(self, subnet: Subnet) -> FlowSet:
        """Return the subnet's own addresses (`routing.subnet_addresses`)."""
        found = self._own.get(subnet.address)
        if found is None:
            found = self._own[subnet.address] = subnet_addresses(subnet)
        return found

    def in_families(self, flows: FlowSet, subnet: Subnet) -> FlowSet:
        """Return `flows` within the address families of the subnet (R-CIDR-2)."""
        window = family_window(subnet)
        key = (flows, window)
        found = self._windowed.get(key)
        if found is None:
            found = self._windowed[key] = flows & window
        return found

    def crossing(self, flows: FlowSet, subnet: Subnet) -> FlowSet:
        """Return ``flows & (family_window(subnet) - subnet_addresses(subnet))``: the flows
        that cross the subnet's boundary (R-CIDR-2, R-NACL-12)."""
        return self.outside(self.in_families(flows, subnet), subnet)

    def outside(self, flows: FlowSet, subnet: Subnet) -> FlowSet:
        """Return `flows` without the subnet's own addresses."""
        if not flows or not self.touches(flows, subnet):
            return flows
        return flows - self.own(subnet)

    def ranges(self, subnet: Subnet) -> OwnRanges:
        """Return the (family, first, last) ranges of the subnet's CIDRs, skipping any that
        does not parse; read once per subnet rather than on every question about it."""
        found = self._ranges.get(subnet.address)
        if found is None:
            spans = map(parse_cidr, (subnet.ipv4_cidr, subnet.ipv6_cidr))
            found = self._ranges[subnet.address] = tuple(s for s in spans if s is not None)
        return found

    def touches(self, flows: FlowSet, subnet: Subnet) -> bool:
        """Return True if the address of some flow lies in one of the subnet's CIDRs."""
        spans = self._spans.get(flows)
        if spans is None:
            spans = self._spans[flows] = {}
            for family in flows.families():
                ranges = flows.addresses(family)
                spans[family] = ([lo for lo, _ in ranges], ranges)
        for family, lo, hi in self.ranges(subnet):
            if family in spans:
                starts, ranges = spans[family]
                index = bisect_right(starts, hi)
                if index and ranges[index - 1][1] >= lo:
                    return True
        return False
