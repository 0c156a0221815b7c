"""TFV202 public-subnet-without-internet-route: public addresses handed out in a private subnet.

U-3: a subnet that gives out public IPv4 addresses (`map_public_ip_on_launch`, attachments with a
public IPv4 such as EIP holders or internet-facing load-balancer nodes, public NAT gateways) is
only public if its route table sends some internet-bound IPv4 prefix to an internet gateway
attached to its VPC (R-PUB-1). R-PUB-3: `map_public_ip_on_launch` alone does not make a subnet
public. Only IPv4 is checked: every IPv6 address is global (R-IP-4), so IPv6 alone says nothing
about intent.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfvpc.analyse.routing import (
    RoutingIndex,
    TableRouting,
    attached_gateways,
    describe_route,
    route_to_attached_igw,
    vpc_addresses,
)
from tfvpc.analyse.usage import Usage
from tfvpc.findings import Finding, Hop, make_finding
from tfvpc.model import Network, Subnet, Vpc
from tfvpc.space import FlowSet


@dataclass(frozen=True)
class _Evidence:
    text: str
    address: str
    definite: bool


def find_public_subnets_without_route(
    network: Network, routing: RoutingIndex, usage: Usage
) -> list[Finding]:
    """Return a TFV202 finding for every subnet with public addresses but no internet route."""
    findings: list[Finding] = []
    # Whether a table routes internet addresses to an internet gateway of a VPC, per pair:
    # subnets of a VPC share a few tables.
    routed: dict[tuple[str, str], bool] = {}
    for address in sorted(network.subnets):
        subnet = network.subnets[address]
        vpc = network.vpcs.get(subnet.vpc) if subnet.vpc else None
        tables = routing.of_subnet(subnet)
        if vpc is None or not tables:
            continue
        public = []
        for table in tables:
            key = (table.table.address, vpc.address)
            if key not in routed:
                internet = FlowSet.universe(4) - vpc_addresses(vpc)
                routed[key] = not _internet_routed(network, table, vpc).isdisjoint(internet)
            if routed[key]:
                public.append(table)
        if len(public) == len(tables):
            continue
        evidence = _public_evidence(subnet, usage)
        if not evidence:
            continue
        maybe = [
            t for t in tables if any(r.target_kind in ("igw", "unknown") for r in t.unresolved)
        ]
        definite = not public and not maybe and any(e.definite for e in evidence)
        findings.append(_finding(network, subnet, vpc, tables, evidence, definite))
    return findings


def _public_evidence(subnet: Subnet, usage: Usage) -> list[_Evidence]:
    """Return what hands out public IPv4 addresses in the subnet, and whether it surely does."""
    out: list[_Evidence] = []
    if subnet.map_public_ip_on_launch is not False:
        out.append(
            _Evidence(
                "map_public_ip_on_launch = true"
                if subnet.map_public_ip_on_launch
                else "map_public_ip_on_launch unknown",
                subnet.address,
                bool(subnet.map_public_ip_on_launch),
            )
        )
    for attachment in usage.by_subnet.get(subnet.address, ()):
        if attachment.public_ipv4 is False:
            continue
        evidence = attachment.public_ipv4_evidence
        why = [
            *([attachment.public_ipv4_via] if attachment.public_ipv4_via else []),
            *([evidence] if evidence and evidence != attachment.resource else []),
        ]
        text = f"{attachment.resource} has a public IPv4" + (f" ({', '.join(why)})" if why else "")
        if attachment.public_ipv4 is None:
            text = f"{attachment.resource} may have a public IPv4"
        # Semantics §1.8: AWS puts a single-AZ database in one subnet of its group at apply;
        # that it lands in this one is only possible.
        placed_here = len(attachment.subnets) == 1 and len(attachment.placed_in_one_of) <= 1
        if len(attachment.placed_in_one_of) > 1:
            text += f" if AWS places it here (one of {len(attachment.placed_in_one_of)} subnets)"
        definite = attachment.public_ipv4 is True and placed_here
        out.append(_Evidence(text, attachment.resource, definite))
    out.extend(
        _Evidence(f"{nat.address} is a public NAT gateway", nat.address, True)
        for nat in usage.nat_by_subnet.get(subnet.address, ())
        if nat.public
    )
    return out


def _internet_routed(network: Network, routing: TableRouting, vpc: Vpc) -> FlowSet:
    return routing.won_by(lambda r: route_to_attached_igw(r, network, vpc.address))


def _finding(
    network: Network,
    subnet: Subnet,
    vpc: Vpc,
    tables: list[TableRouting],
    evidence: list[_Evidence],
    definite: bool,
) -> Finding:
    igws = attached_gateways(network, vpc.address, "igw")
    default = FlowSet.of(-1, "0.0.0.0/0")
    hops = [Hop(hop=subnet.address, detail="; ".join(e.text for e in evidence))]
    for table in tables:
        winners = table.winners(default)
        shown = "; ".join(
            describe_route(s.route) for s in winners if s.route.target_kind != "local"
        )
        hops.append(Hop(hop=table.table.address, detail=shown or "only local routes"))
    if igws:
        gateway_text = f"internet gateway {', '.join(g.address for g in igws)} is attached"
    else:
        gateway_text = "no internet gateway is attached"
    hops.append(Hop(hop=vpc.address, detail=gateway_text))
    table_names = ", ".join(t.table.address for t in tables)
    related = (
        *(t.table.address for t in tables),
        *(e.address for e in evidence if e.address != subnet.address),
        vpc.address,
        *(g.address for g in igws),
    )
    return make_finding(
        "TFV202",
        resource=subnet.address,
        message=(
            f"{subnet.address} hands out public IPv4 addresses"
            f" ({'; '.join(e.text for e in evidence)}) but {table_names} sends no internet-bound"
            f" traffic to an internet gateway of {vpc.address} ({gateway_text}), so they can"
            " neither be reached from nor reach the internet (R-PUB-1, U-3)"
        ),
        certainty="definite" if definite else "possible",
        related=tuple(dict.fromkeys(related)),
        path=tuple(hops),
        location=network.locations.get(subnet.address) or subnet.location,
    )
