"""Coercion of attribute values to the types the model uses (R-TF-4).

Front ends hand over values as Terraform shows them: numbers may arrive as strings
(``rule_no = "200"``), booleans as ``"true"``, protocols as names or numbers, CIDRs with host
bits set. Every function here takes one already-dereferenced literal and returns the
normalised value, or ``None`` when the literal cannot be read as that type.
"""

from __future__ import annotations

import ipaddress
import re

from tfvpc.model import PROTOCOL_ALL, AddressFamily

# R-SG-7: protocol names as AWS and the provider accept them, to IANA numbers.
PROTOCOL_NUMBERS: dict[str, int] = {
    "all": PROTOCOL_ALL,
    "-1": PROTOCOL_ALL,
    "icmp": 1,
    "igmp": 2,
    "tcp": 6,
    "udp": 17,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmpv6": 58,
    "icmp6": 58,
    "ospf": 89,
    "vrrp": 112,
    "sctp": 132,
}

TCP = 6
UDP = 17
ICMP = 1
ICMPV6 = 58
PORT_PROTOCOLS = frozenset({TCP, UDP})
ICMP_PROTOCOLS = frozenset({ICMP, ICMPV6})


def is_unset(value: object) -> bool:
    """Return True for values that mean "not set": ``None`` and ``""`` (R-TF-4).

    Plan and state JSON list every key of nested blocks and use ``""`` for unset strings.
    """
    # `isinstance` first: comparing a `Ref` or `Unknown` with "" calls their Python `__eq__`.
    return value is None or (isinstance(value, str) and not value)


def as_int(value: object) -> int | None:
    """Return `value` as an int (``200``, ``"200"``, ``200.0``), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_bool(value: object) -> bool | None:
    """Return `value` as a bool (``True``, ``"true"``, ``"False"``), or None if it is not one."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return None


def as_str(value: object) -> str | None:
    """Return `value` as a non-empty string (numbers are formatted), or None when unset."""
    if is_unset(value) or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def protocol_number(value: object) -> int | None:
    """Return the IANA protocol number of `value` (R-SG-7), ``-1`` for all, None if unreadable.

    Accepts names (``"tcp"``, ``"all"``), numbers and numeric strings (``"6"``, ``-1``).
    """
    # Names first: `as_int` of a name raises and catches a ValueError, the slow path. The
    # only numeric key, "-1", gives what `as_int` would.
    number = PROTOCOL_NUMBERS.get(value.strip().lower()) if isinstance(value, str) else None
    if number is None:
        number = as_int(value)
    if number is None:
        return None
    if number == PROTOCOL_ALL or 0 <= number <= 255:
        return number
    return None


def canonical_cidr(value: object) -> str | None:
    """Return the canonical form of a CIDR string (R-CIDR-1: host bits cleared), or None.

    ``"10.0.0.5/16"`` becomes ``"10.0.0.0/16"``; a bare address becomes a /32 or /128.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _DOTTED_CIDR.fullmatch(text)
    if match is not None:
        found = _ipv4_cidr(match.groups())
        if found is not None:
            return found
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return None


# ``a.b.c.d/n`` without leading zeros, the usual spelling of an IPv4 CIDR, which
# `_ipv4_cidr` canonicalises without the cost of building `ipaddress` objects.
_OCTET = "(0|[1-9][0-9]{0,2})"
_DOTTED_CIDR = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(0|[1-9][0-9]?)")


def _ipv4_cidr(parts: tuple[str, ...]) -> str | None:
    """Return the canonical form of a dotted IPv4 CIDR split into its five numbers, or None
    when a number is out of range (`ipaddress` then says why)."""
    first, second, third, fourth, prefix = map(int, parts)
    if first > 255 or second > 255 or third > 255 or fourth > 255 or prefix > 32:
        return None
    address = (first << 24) | (second << 16) | (third << 8) | fourth
    network = address & ((0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF)
    return (
        f"{network >> 24}.{(network >> 16) & 255}.{(network >> 8) & 255}.{network & 255}/{prefix}"
    )


def cidr_family(cidr: str) -> AddressFamily:
    """Return 4 or 6, the address family of a canonical CIDR."""
    return 6 if ":" in cidr else 4


def prefix_list_family(address_family: str | None) -> AddressFamily | None:
    """Return 4 or 6 for a prefix list's ``"ipv4"``/``"ipv6"`` family, None when unknown."""
    if address_family == "ipv4":
        return 4
    return 6 if address_family == "ipv6" else None
