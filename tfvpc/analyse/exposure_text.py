"""Words for exposure evidence: protocols, ports, rules and sources as findings print them."""

from __future__ import annotations

from collections.abc import Sequence

from tfvpc.analyse.flows import ICMP, ICMPV6, TCP, UDP
from tfvpc.model import PROTOCOL_ALL, NaclRule, SgRule
from tfvpc.space import PORT_MAX, PROTO_MAX

PROTOCOL_LABELS: dict[int, str] = {ICMP: "icmp", TCP: "tcp", UDP: "udp", ICMPV6: "icmpv6"}
"""R-SG-7: the protocol numbers findings name; every other protocol is its number."""


def protocol_label(protocol: int) -> str:
    """Return ``all`` for every protocol, the name of tcp/udp/icmp/icmpv6, else the number."""
    if protocol == PROTOCOL_ALL:
        return "all"
    return PROTOCOL_LABELS.get(protocol, str(protocol))


def _range(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _icmp(icmp_type: int | None, icmp_code: int | None) -> str:
    if icmp_type is None or icmp_type < 0:
        return "all types"
    if icmp_code is None or icmp_code < 0:
        return f"type {icmp_type}"
    return f"type {icmp_type} code {icmp_code}"


def _match(
    protocol: int,
    lo: int | None,
    hi: int | None,
    icmp_type: int | None = None,
    icmp_code: int | None = None,
) -> str:
    """Return ``tcp 22``, ``icmp type 8``, ``all`` or ``50`` for what a rule matches."""
    label = protocol_label(protocol)
    if protocol in (TCP, UDP):
        return f"{label} {_range(lo if lo is not None else 0, hi if hi is not None else PORT_MAX)}"
    if protocol in (ICMP, ICMPV6):
        return f"{label} {_icmp(icmp_type, icmp_code)}"
    return label


def describe_sg_rule(rule: SgRule, group: str) -> str:
    """Return e.g. ``ingress tcp 22 from 0.0.0.0/0``, naming the declaring resource when it is
    not the group itself."""
    match = _match(rule.protocol, rule.from_port, rule.to_port, rule.from_port, rule.to_port)
    side = "from" if rule.direction == "ingress" else "to"
    text = f"{rule.direction} {match} {side} {_peer(rule)}"
    return text if rule.origin in ("", group) else f"{text} ({rule.origin})"


def _peer(rule: SgRule) -> str:
    kind = rule.peer_kind
    if kind == "cidr":
        return rule.peer or "an unknown CIDR"
    if kind == "prefix_list":
        return f"prefix list {rule.peer or '(unknown)'}"
    if kind == "security_group":
        return f"security group {rule.peer or '(unknown)'}"
    if kind == "self":
        return "self"
    return "an unknown source"


def describe_nacl_rule(rule: NaclRule) -> str:
    """Return e.g. ``rule 100 allow tcp 0-65535 from 0.0.0.0/0`` (``*`` for the final deny)."""
    number = "*" if rule.is_default_deny else str(rule.rule_no)
    match = _match(rule.protocol, rule.from_port, rule.to_port, rule.icmp_type, rule.icmp_code)
    side = "to" if rule.egress else "from"
    return f"rule {number} {rule.action} {match} {side} {rule.cidr or 'an unknown CIDR'}"


def _list(items: Sequence[str], limit: int) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def describe_traffic(
    label: str, ports: Sequence[tuple[int, int]] | None, excluded: Sequence[int] = ()
) -> str:
    """Return what a finding exposes: ``tcp 22``, ``tcp on every port``, ``icmp type 8``,
    ``every protocol except tcp``, ``protocol 50``."""
    if label == "all":
        if not excluded:
            return "every protocol"
        return f"every protocol except {_list([protocol_label(p) for p in excluded], 6)}"
    if label.isdigit():
        return f"protocol {label}"
    if not ports:
        return label
    unit_max = PORT_MAX if label in ("tcp", "udp") else PROTO_MAX
    if list(ports) == [(0, unit_max)]:
        return f"{label} on every port" if unit_max == PORT_MAX else f"{label} of every type"
    ranges = [_range(lo, hi) for lo, hi in ports]
    if label in ("icmp", "icmpv6"):
        return (
            f"{label} type{'s' if len(ranges) > 1 or '-' in ranges[0] else ''} {_list(ranges, 6)}"
        )
    return f"{label} {_list(ranges, 6)}"


def describe_names(names: Sequence[str]) -> str:
    """Return ``a``, ``a and b`` or ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
