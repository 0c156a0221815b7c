"""Splitting exposed flows into one finding per protocol (or one for every protocol).

Flows whose protocols expose the same (family, address, port) slice form a group. A group that
holds most of the 256 protocols is reported once as ``all`` (naming the protocols it leaves
out); every other protocol gets its own finding: tcp, udp, icmp, icmpv6, or its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from tfvpc.analyse.exposure_text import protocol_label
from tfvpc.analyse.flows import ICMP, ICMPV6, TCP, UDP
from tfvpc.space import PROTO_MAX, FlowSet

PortRanges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ProtocolGroup:
    """The flows of one finding: `label` is ``all``, a protocol name or a protocol number."""

    label: str
    flows: FlowSet
    excluded: tuple[int, ...] = ()
    """For ``all``: the protocols it leaves out (reported apart, or not exposed)."""

    def ports(self) -> PortRanges | None:
        """Return the ports as merged ranges (ICMP: type ranges); None for protocols without
        ports and for ``all``."""
        if self.label in (protocol_label(TCP), protocol_label(UDP)):
            return tuple(self.flows.ports())
        if self.label in (protocol_label(ICMP), protocol_label(ICMPV6)):
            types: list[tuple[int, int]] = []
            for lo, hi in self.flows.ports():
                first, last = lo // 256, hi // 256
                if types and first <= types[-1][1] + 1:
                    types[-1] = (types[-1][0], max(types[-1][1], last))
                else:
                    types.append((first, last))
            return tuple(types)
        return None


def _slices(flows: FlowSet) -> dict[FlowSet, list[tuple[int, int]]]:
    """Return, per distinct slice (the flows with the protocol set to 0), its protocol ranges."""
    boxes = flows.boxes()
    cuts = sorted({box[1][0] for box in boxes} | {box[1][1] + 1 for box in boxes})
    slices: dict[FlowSet, list[tuple[int, int]]] = {}
    for lo, end in pairwise(cuts):
        hi = end - 1
        members = [box for box in boxes if box[1][0] <= lo and hi <= box[1][1]]
        if not members:
            continue
        key = FlowSet.union_all(
            FlowSet.box(family, (0, 0), addresses, ports) for family, _, addresses, ports in members
        )
        slices.setdefault(key, []).append((lo, hi))
    return slices


def _window(ranges: list[tuple[int, int]]) -> FlowSet:
    return FlowSet.union_all(FlowSet.universe().restrict(protocols=r) for r in ranges)


def protocol_groups(flows: FlowSet) -> list[ProtocolGroup]:
    """Return the findings' split of `flows`: the ``all`` group first (if any), then one group
    per remaining protocol in ascending number."""
    protocols = flows.protocols()
    if sum(hi - lo + 1 for lo, hi in protocols) * 2 <= PROTO_MAX + 1:
        # Too few protocols for an ``all`` group: one group per protocol.
        return [
            ProtocolGroup(protocol_label(p), flows.restrict(protocols=(p, p)))
            for lo, hi in protocols
            for p in range(lo, hi + 1)
        ]
    slices = _slices(flows)
    size = {key: sum(hi - lo + 1 for lo, hi in ranges) for key, ranges in slices.items()}
    bulk = max(slices, key=lambda key: size[key], default=None)
    groups: list[ProtocolGroup] = []
    if bulk is not None and size[bulk] * 2 > PROTO_MAX + 1:
        ranges = slices.pop(bulk)
        window = _window(ranges)
        excluded = tuple(
            protocol
            for protocol in range(PROTO_MAX + 1)
            if not any(lo <= protocol <= hi for lo, hi in ranges)
        )
        groups.append(ProtocolGroup("all", flows & window, excluded))
    singles = sorted(
        p for ranges in slices.values() for lo, hi in ranges for p in range(lo, hi + 1)
    )
    groups.extend(
        ProtocolGroup(protocol_label(p), flows.restrict(protocols=(p, p))) for p in singles
    )
    return groups
