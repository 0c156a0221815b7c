"""Packet-space algebra: exact, canonical sets of flows.

A flow is (address family, IP protocol number, remote address, port). By convention of the
analysers the address is the *remote* end (source of inbound packets, destination of outbound ones)
and the port is the packet's destination port; ICMP type/code share the port dimension (see
`icmp_code_range`).

Representation: per family a nested interval map, protocol intervals -> address intervals -> port
intervals. Each level is a tuple of disjoint, sorted entries ``(lo, hi, child)`` (the port level
holds plain ``(lo, hi)`` pairs). Adjacent entries with equal children are always merged and empty
children dropped, so every set has exactly one representation: set equality is structural equality,
and the hash is cached. Binary operations sweep the merged breakpoints of both operands and recurse
into the children.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Literal, NoReturn, TypeVar

Family = Literal[4, 6]
PORT_MAX = 65535
PROTO_MAX = 255

_ADDR_MAX: dict[int, int] = {4: (1 << 32) - 1, 6: (1 << 128) - 1}
_ADDR_BITS: dict[int, int] = {4: 32, 6: 128}
_PROTOCOL_NAMES: dict[int, str] = {1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}

_C = TypeVar("_C")
_Ports = tuple[tuple[int, int], ...]
_Map = tuple[tuple[int, int, _C], ...]
_Addrs = _Map[_Ports]
_Protos = _Map[_Addrs]
Box = tuple[Family, tuple[int, int], tuple[int, int], tuple[int, int]]

_OR, _AND, _SUB = 0, 1, 2
_first = itemgetter(0)


def icmp_code_range(icmp_type: int, icmp_code: int) -> tuple[int, int]:
    """Return the port-dimension range that encodes an ICMP type/code pair (type*256+code).

    -1 means any: type -1 gives the whole dimension (whatever the code), code -1 every code of the
    type.
    Raises ValueError for values outside -1..255.
    """
    if not -1 <= icmp_type <= 255 or not -1 <= icmp_code <= 255:
        raise ValueError(f"ICMP type/code out of range: {icmp_type}/{icmp_code}")
    if icmp_type == -1:
        return (0, PORT_MAX)
    base = icmp_type * 256
    if icmp_code == -1:
        return (base, base + 255)
    return (base + icmp_code, base + icmp_code)


@lru_cache(maxsize=65536)
def cidr_range(cidr: str) -> tuple[Family, int, int]:
    """Return (family, first address, last address) of a CIDR, host bits ignored.

    R-CIDR-1: parsed with strict=False, as AWS canonicalises ``10.0.0.5/16`` to ``10.0.0.0/16``.
    Raises ValueError if the text is not an IPv4 or IPv6 CIDR.
    """
    network = ipaddress.ip_network(cidr, strict=False)
    family: Family = 4 if network.version == 4 else 6
    return (family, int(network.network_address), int(network.broadcast_address))


def parse_cidr(cidr: str | None) -> tuple[Family, int, int] | None:
    """Return `cidr_range(cidr)`, or None when `cidr` is None or not a CIDR."""
    if cidr is None:
        return None
    try:
        return cidr_range(cidr)
    except ValueError:
        return None


def range_to_cidrs(family: Family, lo: int, hi: int) -> list[str]:
    """Return the minimal list of canonical CIDR strings covering exactly lo..hi, ascending.

    Raises ValueError if the range is empty or outside the family's address space.
    """
    _check_family(family)
    _check_range("address", (lo, hi), _ADDR_MAX[family])
    bits = _ADDR_BITS[family]
    out: list[str] = []
    while lo <= hi:
        # The largest block aligned at lo (lo & -lo; all of space for lo == 0) that still fits.
        size = lo & -lo if lo else 1 << bits
        while size > hi - lo + 1:
            size >>= 1
        out.append(f"{_address_text(family, lo)}/{bits - size.bit_length() + 1}")
        lo += size
    return out


def _address_text(family: Family, address: int) -> str:
    """Return an address as `ipaddress` writes it (dotted quad, compressed IPv6), as the
    network's own text does before its prefix length."""
    if family == 4:
        return ".".join(map(str, address.to_bytes(4, "big")))
    return str(ipaddress.IPv6Address(address))


def _check_family(family: int) -> None:
    if family not in (4, 6):
        raise ValueError(f"address family must be 4 or 6, not {family!r}")


def _check_range(what: str, bounds: tuple[int, int], top: int) -> None:
    lo, hi = bounds
    if not 0 <= lo <= hi <= top:
        raise ValueError(f"{what} range {lo}..{hi} is empty or outside 0..{top}")


def _ports_or(a: _Ports, b: _Ports) -> _Ports:
    if not a or a == b:
        return b
    if not b:
        return a
    out: list[tuple[int, int]] = []
    cur_lo, cur_hi = -2, -2
    for lo, hi in sorted(a + b):
        if lo <= cur_hi + 1:
            if hi > cur_hi:
                cur_hi = hi
        else:
            if cur_hi >= 0:
                out.append((cur_lo, cur_hi))
            cur_lo, cur_hi = lo, hi
    out.append((cur_lo, cur_hi))
    return tuple(out)


def _ports_and(a: _Ports, b: _Ports) -> _Ports:
    if not a or not b:
        return ()
    if a == b:
        return a
    out: list[tuple[int, int]] = []
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        alo, ahi = a[i]
        blo, bhi = b[j]
        lo = alo if alo > blo else blo
        hi = ahi if ahi < bhi else bhi
        if lo <= hi:
            out.append((lo, hi))
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return tuple(out)


def _ports_sub(a: _Ports, b: _Ports) -> _Ports:
    if not a or not b:
        return a
    if a == b:
        return ()
    out: list[tuple[int, int]] = []
    j, nb = 0, len(b)
    for lo, hi in a:
        while j < nb and b[j][1] < lo:
            j += 1
        k = j
        while k < nb and b[k][0] <= hi:
            blo, bhi = b[k]
            if blo > lo:
                out.append((lo, blo - 1))
            lo = bhi + 1
            if lo > hi:
                break
            k += 1
        if lo <= hi:
            out.append((lo, hi))
    return tuple(out)


def _map_op(a: _Map[_C], b: _Map[_C], op: int, child_op: Callable[[_C, _C], _C]) -> _Map[_C]:
    """Sweep two canonical interval maps, combining children where both are present.

    Segments of a alone survive union and difference, segments of b alone only union; a child that
    comes out empty drops its segment. Adjacent equal results merge, keeping the map canonical.
    """
    out: list[tuple[int, int, _C]] = []

    def emit(lo: int, hi: int, child: _C) -> None:
        if out:
            plo, phi, pchild = out[-1]
            if phi + 1 == lo and pchild == child:
                out[-1] = (plo, hi, child)
                return
        out.append((lo, hi, child))

    keep_a = op != _AND
    keep_b = op == _OR
    na, nb = len(a), len(b)
    i = j = 0
    alo, ahi, ac = a[0]
    blo, bhi, bc = b[0]
    while True:
        if ahi < blo:
            if keep_a:
                emit(alo, ahi, ac)
            i += 1
            if i == na:
                break
            alo, ahi, ac = a[i]
            continue
        if bhi < alo:
            if keep_b:
                emit(blo, bhi, bc)
            j += 1
            if j == nb:
                break
            blo, bhi, bc = b[j]
            continue
        if alo < blo:
            if keep_a:
                emit(alo, blo - 1, ac)
            alo = blo
        elif blo < alo:
            if keep_b:
                emit(blo, alo - 1, bc)
            blo = alo
        end = ahi if ahi < bhi else bhi
        child = child_op(ac, bc)
        if child:
            emit(alo, end, child)
        if ahi == end:
            i += 1
            if i < na:
                alo, ahi, ac = a[i]
        else:
            alo = end + 1
        if bhi == end:
            j += 1
            if j < nb:
                blo, bhi, bc = b[j]
        else:
            blo = end + 1
        if i == na or j == nb:
            break
    # One side is exhausted; the other's current (possibly trimmed) entry and the rest carry over.
    # The rest needs no merging: it was canonical already and follows an entry with the same end.
    if i < na and keep_a:
        emit(alo, ahi, ac)
        out.extend(a[i + 1 :])
    if j < nb and keep_b:
        emit(blo, bhi, bc)
        out.extend(b[j + 1 :])
    return tuple(out)


def _addrs_or(a: _Addrs, b: _Addrs) -> _Addrs:
    if not a or a == b:
        return b
    if not b:
        return a
    return _map_op(a, b, _OR, _ports_or)


def _addrs_and(a: _Addrs, b: _Addrs) -> _Addrs:
    if not a or not b:
        return ()
    if a == b:
        return a
    return _map_op(a, b, _AND, _ports_and)


def _addrs_sub(a: _Addrs, b: _Addrs) -> _Addrs:
    if not a or not b:
        return a
    if a == b:
        return ()
    return _map_op(a, b, _SUB, _ports_sub)


# The whole space of each family (`_ALL_V4`, `_ALL_V6`, set below) is recognised by identity,
# so that combining a set with the universe (no listeners, no NACL, a family window) costs
# nothing instead of a sweep that rebuilds the set.


def _protos_or(a: _Protos, b: _Protos) -> _Protos:
    if not a or a == b or b is _ALL_V4 or b is _ALL_V6:
        return b
    if not b or a is _ALL_V4 or a is _ALL_V6:
        return a
    return _map_op(a, b, _OR, _addrs_or)


def _protos_and(a: _Protos, b: _Protos) -> _Protos:
    if not a or not b:
        return ()
    if a == b or b is _ALL_V4 or b is _ALL_V6:
        return a
    if a is _ALL_V4 or a is _ALL_V6:
        return b
    return _map_op(a, b, _AND, _addrs_and)


def _protos_sub(a: _Protos, b: _Protos) -> _Protos:
    if not a or not b:
        return a
    if a == b or b is _ALL_V4 or b is _ALL_V6:
        return ()
    return _map_op(a, b, _SUB, _addrs_sub)


def _ports_meet(a: _Ports, b: _Ports) -> bool:
    """Return True if two canonical port lists share a port."""
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        alo, ahi = a[i]
        blo, bhi = b[j]
        if alo <= bhi and blo <= ahi:
            return True
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return False


def _map_meet(a: _Map[_C], b: _Map[_C], child_meet: Callable[[_C, _C], bool]) -> bool:
    """Return True if two canonical interval maps share a point whose children meet.

    Entries are disjoint and sorted, so stepping past whichever entry ends first visits every
    overlapping pair of entries once, as `_map_op` does, and stops at the first meeting.
    """
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        alo, ahi, ac = a[i]
        blo, bhi, bc = b[j]
        if alo <= bhi and blo <= ahi and child_meet(ac, bc):
            return True
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return False


def _addrs_meet(a: _Addrs, b: _Addrs) -> bool:
    return _map_meet(a, b, _ports_meet)


def _protos_meet(a: _Protos, b: _Protos) -> bool:
    return _map_meet(a, b, _addrs_meet)


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the ranges sorted, with overlapping and adjacent ones merged."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _find(entries: _Map[_C], value: int) -> _C | None:
    index = bisect_right(entries, value, key=_first) - 1
    if index >= 0 and entries[index][1] >= value:
        return entries[index][2]
    return None


class FlowSet:
    """An immutable, hashable, canonical set of flows; equal sets compare == and hash equal.

    Build sets with `empty`, `universe`, `box` and `of`; combine them with ``|``, ``&`` and ``-``.
    R-CIDR-2: the families never mix, an IPv4 part never matches IPv6 flows.
    """

    __slots__ = ("_hash", "_v4", "_v6")

    _v4: _Protos
    _v6: _Protos
    _hash: int | None

    def __init__(self, _v4: _Protos = (), _v6: _Protos = ()) -> None:
        object.__setattr__(self, "_v4", _v4)
        object.__setattr__(self, "_v6", _v6)
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("FlowSet is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("FlowSet is immutable")

    def __reduce__(self) -> tuple[type[FlowSet], tuple[_Protos, _Protos]]:
        return (FlowSet, (self._v4, self._v6))

    @staticmethod
    def empty() -> FlowSet:
        """Return the set with no flows."""
        return _EMPTY

    @staticmethod
    def universe(family: Family | None = None) -> FlowSet:
        """Return every flow of one family, or of both families when family is None."""
        if family is None:
            return _UNIVERSE
        _check_family(family)
        return _UNIVERSE_V4 if family == 4 else _UNIVERSE_V6

    @staticmethod
    def box(
        family: Family,
        protocols: tuple[int, int],
        addresses: tuple[int, int],
        ports: tuple[int, int],
    ) -> FlowSet:
        """Return the set of flows of one family inside inclusive protocol, address and port ranges.

        Raises ValueError for an unknown family or an empty or out-of-bounds range.
        """
        _check_family(family)
        _check_range("protocol", protocols, PROTO_MAX)
        _check_range("address", addresses, _ADDR_MAX[family])
        _check_range("port", ports, PORT_MAX)
        node: _Protos = ((protocols[0], protocols[1], ((addresses[0], addresses[1], (ports,)),)),)
        return FlowSet(node, ()) if family == 4 else FlowSet((), node)

    @staticmethod
    def of(protocol: int, cidr: str, ports: tuple[int, int] | None = None) -> FlowSet:
        """Return the flows of one protocol (-1 = all 0..255) to/from a CIDR on a port range.

        ports None means the whole port dimension 0..65535; the family is the CIDR's. Ports are
        taken literally: callers apply the per-protocol port rules (R-SG-8, R-NACL-6) first.
        Raises ValueError for a bad protocol, CIDR or port range.
        """
        if protocol == -1:
            protocols = (0, PROTO_MAX)
        elif 0 <= protocol <= PROTO_MAX:
            protocols = (protocol, protocol)
        else:
            raise ValueError(f"protocol must be -1 or 0..{PROTO_MAX}, not {protocol}")
        family, lo, hi = cidr_range(cidr)
        return FlowSet.box(family, protocols, (lo, hi), ports or (0, PORT_MAX))

    @staticmethod
    def union_all(sets: Iterable[FlowSet]) -> FlowSet:
        """Return the union of many sets, merged pairwise so that the cost stays near n log n."""
        layer = list(sets)
        if not layer:
            return _EMPTY
        while len(layer) > 1:
            paired = [layer[k] | layer[k + 1] for k in range(0, len(layer) - 1, 2)]
            if len(layer) % 2:
                paired.append(layer[-1])
            layer = paired
        return layer[0]

    # A set combined with itself is itself (or nothing), and a result equal to an operand (a
    # union with a subset, an intersection with a superset, a difference with a disjoint set)
    # is that operand: the same object comes back, with its hash already known, which analysers
    # that remember answers by flow set look up often.

    def __or__(self, other: FlowSet) -> FlowSet:
        if other is self:
            return self
        return self._of(_protos_or(self._v4, other._v4), _protos_or(self._v6, other._v6), other)

    def __and__(self, other: FlowSet) -> FlowSet:
        if other is self:
            return self
        return self._of(_protos_and(self._v4, other._v4), _protos_and(self._v6, other._v6), other)

    def __sub__(self, other: FlowSet) -> FlowSet:
        if other is self:
            return _EMPTY
        return self._of(_protos_sub(self._v4, other._v4), _protos_sub(self._v6, other._v6), other)

    def _of(self, v4: _Protos, v6: _Protos, other: FlowSet) -> FlowSet:
        """Return the set of parts `v4` and `v6`: `self` or `other` when it has both already."""
        if v4 is self._v4 and v6 is self._v6:
            return self
        if v4 is other._v4 and v6 is other._v6:
            return other
        if not v4 and not v6:
            return _EMPTY
        return FlowSet(v4, v6)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FlowSet):
            return NotImplemented
        if self is other:
            return True
        if self._hash is not None and other._hash is not None and self._hash != other._hash:
            return False
        return self._v4 == other._v4 and self._v6 == other._v6

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash((self._v4, self._v6))
            object.__setattr__(self, "_hash", cached)
        return cached

    def is_empty(self) -> bool:
        """Return True if the set holds no flow."""
        return not self._v4 and not self._v6

    def __bool__(self) -> bool:
        return bool(self._v4 or self._v6)

    def isdisjoint(self, other: FlowSet) -> bool:
        """Return True if no flow is in both sets (``not self & other``, without building it)."""
        return not _protos_meet(self._v4, other._v4) and not _protos_meet(self._v6, other._v6)

    def issubset(self, other: FlowSet) -> bool:
        """Return True if every flow of this set is also in other."""
        return not _protos_sub(self._v4, other._v4) and not _protos_sub(self._v6, other._v6)

    def contains(self, family: Family, protocol: int, address: int, port: int) -> bool:
        """Return True if the single flow (family, protocol, address, port) is in the set."""
        addrs = _find(self._part(family), protocol)
        if addrs is None:
            return False
        ports = _find(addrs, address)
        if ports is None:
            return False
        index = bisect_right(ports, port, key=_first) - 1
        return index >= 0 and ports[index][1] >= port

    def families(self) -> tuple[Family, ...]:
        """Return the families that hold at least one flow, 4 before 6."""
        out: list[Family] = []
        if self._v4:
            out.append(4)
        if self._v6:
            out.append(6)
        return tuple(out)

    def protocols(self) -> list[tuple[int, int]]:
        """Return the protocol numbers of any flow (both families) as merged inclusive ranges."""
        return merge_ranges((lo, hi) for lo, hi, _ in self._v4 + self._v6)

    def ports(self) -> list[tuple[int, int]]:
        """Return the ports (or encoded ICMP type/codes) of any flow as merged inclusive ranges."""
        return merge_ranges(
            pair for _, _, addrs in self._v4 + self._v6 for _, _, ports in addrs for pair in ports
        )

    def addresses(self, family: Family) -> list[tuple[int, int]]:
        """Return the addresses of one family in any flow as merged inclusive integer ranges."""
        return merge_ranges((lo, hi) for _, _, addrs in self._part(family) for lo, hi, _ in addrs)

    def cidrs(self, family: Family | None = None) -> list[str]:
        """Return the address projection as a minimal list of canonical CIDRs, IPv4 before IPv6.

        family None renders both families.
        """
        families: tuple[Family, ...] = (4, 6) if family is None else (family,)
        return [
            cidr
            for fam in families
            for lo, hi in self.addresses(fam)
            for cidr in range_to_cidrs(fam, lo, hi)
        ]

    def address_count(self, family: Family) -> int:
        """Return how many addresses of the family appear in any flow of the set."""
        return sum(hi - lo + 1 for lo, hi in self.addresses(family))

    def boxes(self) -> list[Box]:
        """Return disjoint boxes (family, protocols, addresses, ports) whose union is the set.

        The order is canonical: family, then protocol, address and port ranges ascending.
        """
        fams: tuple[tuple[Family, _Protos], ...] = ((4, self._v4), (6, self._v6))
        return [
            (family, (plo, phi), (alo, ahi), ports)
            for family, protos in fams
            for plo, phi, addrs in protos
            for alo, ahi, port_ranges in addrs
            for ports in port_ranges
        ]

    def restrict(
        self,
        *,
        family: Family | None = None,
        protocols: tuple[int, int] | None = None,
        ports: tuple[int, int] | None = None,
        addresses: tuple[int, int] | None = None,
    ) -> FlowSet:
        """Return the flows of this set inside the given ranges; None leaves a dimension open.

        Address ranges are integers of one family, so `addresses` requires `family` (else
        ValueError).
        """
        if addresses is not None and family is None:
            raise ValueError("restrict(addresses=...) needs family=4 or 6")
        families: tuple[Family, ...] = (4, 6) if family is None else (family,)
        window = FlowSet.union_all(
            FlowSet.box(
                fam,
                protocols or (0, PROTO_MAX),
                addresses or (0, _ADDR_MAX[fam]),
                ports or (0, PORT_MAX),
            )
            for fam in families
        )
        return self & window

    def __repr__(self) -> str:
        fams: tuple[tuple[Family, _Protos], ...] = ((4, self._v4), (6, self._v6))
        parts = [
            part
            for family, protos in fams
            for plo, phi, addrs in protos
            for part in _describe(family, plo, phi, addrs)
        ]
        return f"FlowSet({'; '.join(parts) if parts else 'empty'})"

    def _part(self, family: Family) -> _Protos:
        if family == 4:
            return self._v4
        if family == 6:
            return self._v6
        raise ValueError(f"address family must be 4 or 6, not {family!r}")


def _describe(family: Family, plo: int, phi: int, addrs: _Addrs) -> list[str]:
    """Return one 'protocol cidrs ports' text per distinct port set of one protocol range."""
    if (plo, phi) == (0, PROTO_MAX):
        proto = "all"
    elif plo == phi:
        proto = _PROTOCOL_NAMES.get(plo, f"proto {plo}")
    else:
        proto = f"proto {plo}-{phi}"
    icmp = plo == phi and plo in (1, 58)
    by_ports: dict[_Ports, list[str]] = {}
    for alo, ahi, ports in addrs:
        by_ports.setdefault(ports, []).extend(range_to_cidrs(family, alo, ahi))
    return [
        f"{proto} {','.join(cidrs)} {_describe_ports(ports, icmp)}"
        for ports, cidrs in by_ports.items()
    ]


def _describe_ports(ports: _Ports, icmp: bool) -> str:
    if ports == ((0, PORT_MAX),):
        return "*"
    return ",".join(_describe_port_range(lo, hi, icmp) for lo, hi in ports)


def _describe_port_range(lo: int, hi: int, icmp: bool) -> str:
    if not icmp:
        return str(lo) if lo == hi else f"{lo}-{hi}"
    first, last = divmod(lo, 256), divmod(hi, 256)
    if first[1] == 0 and last[1] == 255:
        types = str(first[0]) if first[0] == last[0] else f"{first[0]}-{last[0]}"
        return f"type {types}"
    if lo == hi:
        return f"type {first[0]} code {first[1]}"
    return f"type {first[0]} code {first[1]}-type {last[0]} code {last[1]}"


_EMPTY = FlowSet()
_UNIVERSE_V4 = FlowSet.box(4, (0, PROTO_MAX), (0, _ADDR_MAX[4]), (0, PORT_MAX))
_UNIVERSE_V6 = FlowSet.box(6, (0, PROTO_MAX), (0, _ADDR_MAX[6]), (0, PORT_MAX))
_ALL_V4: _Protos = _UNIVERSE_V4._v4
_ALL_V6: _Protos = _UNIVERSE_V6._v6
_UNIVERSE = FlowSet(_ALL_V4, _ALL_V6)


def describe_cidrs(cidrs: Sequence[str], limit: int | None = 3) -> str:
    """Return CIDRs as a reader takes them in, per family: ``10.0.0.0/8, 192.0.2.0/24``, or
    ``0.0.0.0/0 except 10.80.0.0/24`` when naming what is left out is shorter; each list is cut
    to its first `limit` entries with how many more there are (`limit` None shows all)."""
    parts: list[str] = []
    families: tuple[tuple[Family, str], ...] = ((4, "0.0.0.0/0"), (6, "::/0"))
    for family, universe in families:
        listed = [cidr for cidr in cidrs if (":" in cidr) == (family == 6)]
        if not listed:
            continue
        covered = merge_ranges(cidr_range(cidr)[1:] for cidr in listed)
        excluded = [
            cidr
            for lo, hi in _gaps(covered, _ADDR_MAX[family])
            for cidr in range_to_cidrs(family, lo, hi)
        ]
        if excluded and len(excluded) < len(listed):
            parts.append(f"{universe} except {_shortened(excluded, limit)}")
        else:
            parts.append(_shortened(listed, limit))
    return ", ".join(parts)


def _gaps(ranges: Sequence[tuple[int, int]], top: int) -> list[tuple[int, int]]:
    """Return the ranges of 0..top that sorted, merged `ranges` leave out."""
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in ranges:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= top:
        out.append((start, top))
    return out


def _shortened(items: Sequence[str], limit: int | None) -> str:
    if limit is None or len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"
