"""TFV204 cidr-conflict: address plans that AWS rejects or that break routing.

R-CIDR-4 / U-6: a subnet must sit inside one CIDR of its VPC (primary or associated), an IPv4
subnet is /16 to /28, subnets of one VPC never overlap, and an IPv6 subnet needs a VPC with an
IPv6 block. R-PEER-2: peered VPCs must not overlap; VPCs attached to one transit gateway that
overlap cannot all be routed to (R-TGW-1). Unknown CIDRs are skipped; a VPC with unknowns
(an association or IPAM block not known until apply) turns "outside the VPC" into "possible".
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from tfvpc.analyse.routing import prefix_length
from tfvpc.findings import Certainty, Finding, Hop, make_finding
from tfvpc.model import Gateway, Network, Subnet, Vpc
from tfvpc.space import parse_cidr

IPV4_SUBNET_SIZES = range(16, 29)
"""Allowed IPv4 subnet prefix lengths (R-CIDR-4)."""


def find_cidr_conflicts(network: Network) -> list[Finding]:
    """Return the TFV204 findings of the whole network, subnets first, then peerings and TGWs."""
    findings: list[Finding] = []
    for address in sorted(network.subnets):
        subnet = network.subnets[address]
        vpc = network.vpcs.get(subnet.vpc) if subnet.vpc else None
        if vpc is not None:
            findings.extend(_subnet_problems(network, subnet, vpc))
    findings.extend(_overlapping_subnets(network))
    for address in sorted(network.gateways):
        gateway = network.gateways[address]
        if gateway.kind in ("pcx", "tgw"):
            findings.extend(_overlapping_vpcs(network, gateway))
    return findings


Span = tuple[int, int, int]
"""(family, first address, last address) of a CIDR."""


def _inside(inner: Span, outer: Span) -> bool:
    return inner[0] == outer[0] and outer[1] <= inner[1] and inner[2] <= outer[2]


def _overlap(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def _subnet_problems(network: Network, subnet: Subnet, vpc: Vpc) -> Iterator[Finding]:
    v4 = parse_cidr(subnet.ipv4_cidr)
    if v4 is not None and prefix_length(v4) not in IPV4_SUBNET_SIZES:
        yield _finding(
            network,
            subnet.address,
            f"{subnet.address} ({subnet.ipv4_cidr}) is a /{prefix_length(v4)}; AWS accepts IPv4"
            " subnets from /16 to /28 only, so apply fails (R-CIDR-4)",
            path=(Hop(hop=subnet.address, detail=f"cidr_block {subnet.ipv4_cidr}"),),
            extra="size",
        )
    for family, cidr, vpc_cidrs in (
        ("IPv4", subnet.ipv4_cidr, vpc.ipv4_cidrs),
        ("IPv6", subnet.ipv6_cidr, vpc.ipv6_cidrs),
    ):
        span = parse_cidr(cidr)
        if span is None:
            continue
        blocks = [(c, b) for c, b in ((c, parse_cidr(c)) for c in vpc_cidrs) if b is not None]
        if not blocks:
            if family == "IPv6" and not vpc.unknowns:
                yield _finding(
                    network,
                    subnet.address,
                    f"{subnet.address} has IPv6 block {cidr} but {vpc.address} has no IPv6 CIDR;"
                    " AWS rejects it (R-CIDR-4, U-6)",
                    path=(
                        Hop(hop=subnet.address, detail=f"ipv6_cidr_block {cidr}"),
                        Hop(hop=vpc.address, detail="no IPv6 CIDR"),
                    ),
                    related=(vpc.address,),
                    extra="ipv6-without-vpc-ipv6",
                )
            continue
        if any(_inside(span, block) for _, block in blocks):
            continue
        certainty: Certainty = "possible" if vpc.unknowns else "definite"
        known = ", ".join(c for c, _ in blocks)
        because = f" ({'; '.join(vpc.unknowns)})" if vpc.unknowns else ""
        yield _finding(
            network,
            subnet.address,
            f"{subnet.address} ({cidr}) lies outside every {family} CIDR of {vpc.address}"
            f" ({known}){because}; AWS rejects it (R-CIDR-4)",
            path=(
                Hop(hop=subnet.address, detail=f"{family} {cidr}"),
                Hop(hop=vpc.address, detail=f"{family} {known}"),
            ),
            related=(vpc.address,),
            certainty=certainty,
            extra=f"outside-{family}",
        )


def _overlapping_subnets(network: Network) -> Iterator[Finding]:
    """Yield one finding per pair of overlapping subnets of one VPC, on the later address."""
    spans: dict[tuple[str, int], list[tuple[int, int, str, str]]] = {}
    for address, subnet in network.subnets.items():
        if subnet.vpc is None:
            continue
        for cidr in (subnet.ipv4_cidr, subnet.ipv6_cidr):
            span = parse_cidr(cidr)
            if span is not None and cidr is not None:
                spans.setdefault((subnet.vpc, span[0]), []).append(
                    (span[1], span[2], address, cidr)
                )
    pairs: list[tuple[str, str, str, str, str]] = []
    for (vpc, _), items in sorted(spans.items()):
        items.sort()
        active: list[tuple[int, int, str, str]] = []
        for lo, hi, address, cidr in items:
            active = [a for a in active if a[1] >= lo]
            for _, _, other, other_cidr in active:
                first, second = sorted(((other, other_cidr), (address, cidr)))
                pairs.append((second[0], first[0], second[1], first[1], vpc))
            active.append((lo, hi, address, cidr))
    for address, other, cidr, other_cidr, vpc in sorted(pairs):
        yield _finding(
            network,
            address,
            f"{address} ({cidr}) overlaps {other} ({other_cidr}) in {vpc}; AWS rejects"
            " overlapping subnets (R-CIDR-4)",
            path=(Hop(hop=address, detail=cidr), Hop(hop=other, detail=other_cidr)),
            related=(other, vpc),
            extra=f"overlap|{other}",
        )


def _overlapping_vpcs(network: Network, gateway: Gateway) -> Iterator[Finding]:
    """Yield a finding per pair of VPCs joined by `gateway` whose CIDRs overlap."""
    vpcs = [network.vpcs[v] for v in sorted(set(gateway.vpcs)) if v in network.vpcs]
    for left, right in combinations(vpcs, 2):
        clashes = [
            (a, b)
            for a in (*left.ipv4_cidrs, *left.ipv6_cidrs)
            for b in (*right.ipv4_cidrs, *right.ipv6_cidrs)
            if _clash(a, b)
        ]
        if not clashes:
            continue
        shown = ", ".join(f"{a} / {b}" for a, b in clashes)
        if gateway.kind == "pcx":
            why = "AWS refuses to peer VPCs with overlapping CIDRs (R-PEER-2)"
        else:
            why = "the transit gateway can route each prefix to one attachment only (R-TGW-1)"
        yield _finding(
            network,
            gateway.address,
            f"{left.address} and {right.address}, joined by {gateway.address}, overlap"
            f" ({shown}); {why}",
            path=(
                Hop(hop=left.address, detail=", ".join(a for a, _ in clashes)),
                Hop(hop=gateway.address),
                Hop(hop=right.address, detail=", ".join(b for _, b in clashes)),
            ),
            related=(left.address, right.address),
            extra=f"vpc-overlap|{left.address}|{right.address}",
        )


def _clash(a: str, b: str) -> bool:
    span_a, span_b = parse_cidr(a), parse_cidr(b)
    return span_a is not None and span_b is not None and _overlap(span_a, span_b)


def _finding(
    network: Network,
    resource: str,
    message: str,
    *,
    path: tuple[Hop, ...],
    extra: str,
    related: tuple[str, ...] = (),
    certainty: Certainty = "definite",
) -> Finding:
    return make_finding(
        "TFV204",
        resource=resource,
        message=message,
        certainty=certainty,
        related=related,
        path=path,
        location=network.locations.get(resource),
        fingerprint_extra=extra,
    )
