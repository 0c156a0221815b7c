"""TFV201 unreachable-subnet: subnets that no source can open any connection into.

Sources considered, each with the route both ways and the NACLs on the way (R-NACL-1, stateless):

* the other subnets of the same VPC (local route, R-RT-4), grouped by the NACL they share; their
  outbound NACL must let the request out and their inbound NACL the reply in;
* the internet, when the VPC has an attached internet gateway and the subnet's table routes some
  internet addresses to it (the return path, R-PUB-1);
* the subnets of a VPC peered through an accepted peering, when each side routes the other's
  addresses through that peering (R-PEER-1);
* the subnets of VPCs attached to a transit gateway the input declares with its route tables,
  when both VPCs and both attachments' TGW tables route each other's addresses (R-TGW-1,
  symmetric; a blackhole route drops; an attachment without a subnet in the zone cannot serve
  it, U-7), and its VPN or peering attachments from the addresses both tables route;
* every other way out of the subnet's route table (a transit gateway known only by id, VPN
  gateway and route propagation, appliances, endpoints, targets known only by id or unknown):
  whoever sits behind it may connect from the route's destinations (R-VPN-1: on-premises).

A source can open a connection when some request flow passes every NACL on its way in and some
of the replies it needs (R-NACL-11: ephemeral ports, ICMP reply types) pass on the way back.
NAT gateways and egress-only gateways never admit connections (R-IP-3, R-IP-5). Everything is
read permissively (unknowns resolved towards reachability), so a finding is definite.

R-NACL-12 (unverified): a NACL does not filter traffic inside its own subnet, so the subnet itself
is never counted as a source; a subnet reachable only from inside itself is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfvpc.analyse.exposure_text import describe_nacl_rule
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.routing import RoutingIndex, TableRouting
from tfvpc.analyse.unreachable_reach import Reach, Side, Verdict
from tfvpc.analyse.unreachable_sources import (
    exit_verdicts,
    internet_verdict,
    peering_verdicts,
    sibling_verdicts,
)
from tfvpc.analyse.unreachable_transit import transit_verdicts
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import Network, Subnet, Vpc


def find_unreachable_subnets(
    network: Network, routing: RoutingIndex, flows: FlowCache
) -> list[Finding]:
    """Return a TFV201 finding for every subnet that no source can open a connection into."""
    reach = Reach(network, routing, flows)
    findings: list[Finding] = []
    for address in sorted(network.subnets):
        subnet = network.subnets[address]
        vpc = network.vpcs.get(subnet.vpc) if subnet.vpc else None
        side = reach.side_of(subnet, None)
        if vpc is None or side is None or not side.addresses:
            continue  # unknown VPC, NACL or CIDR: nothing certain to say
        finding = _check(reach, subnet, vpc, side)
        if finding is not None:
            findings.append(finding)
    return findings


def _check(reach: Reach, subnet: Subnet, vpc: Vpc, side: Side) -> Finding | None:
    # `side.addresses` is open in protocol and port: a NACL's flows lie within it when their
    # addresses do.
    inbound, outbound = reach.span(side.inbound), reach.span(side.outbound)
    if inbound.issubset(side.addresses):
        return _dead(reach, subnet, side, egress=False)
    if outbound is not inbound and outbound.issubset(side.addresses):
        return _dead(reach, subnet, side, egress=True)
    tables = reach.routing.of_subnet(subnet)
    verdicts: list[Verdict] = []
    for verdict in _verdicts(reach, subnet, vpc, side, tables):
        if verdict is None:
            return None
        verdicts.append(verdict)
    return _unreachable(reach.network, subnet, vpc, side, tables, verdicts)


def _verdicts(
    reach: Reach, subnet: Subnet, vpc: Vpc, side: Side, tables: list[TableRouting]
) -> Iterator[Verdict | None]:
    """Yield, per source, None if it can connect (the caller then stops) or why it cannot."""
    yield from sibling_verdicts(reach, subnet, vpc, side)
    yield internet_verdict(reach, vpc, side, tables)
    yield from peering_verdicts(reach, subnet, vpc, side, tables)
    yield from transit_verdicts(reach, subnet, vpc, side, tables)
    yield from exit_verdicts(reach, subnet, vpc, side, tables)


def _dead(reach: Reach, subnet: Subnet, side: Side, *, egress: bool) -> Finding:
    """U-2: the NACL allows nothing at all in one direction (beyond the subnet itself)."""
    network = reach.network
    direction = "outbound" if egress else "inbound"
    nacls = [network.nacls[n] for n in side.nacls]
    deciding = [
        describe_nacl_rule(rule)
        for nacl in nacls
        for rule, decided in reach.flows.nacl_decisions(nacl, egress, permissive=True)
        if decided
    ]
    names = ", ".join(side.nacls)
    effect = "no packet can enter" if not egress else "no reply can leave, so no connection opens"
    return make_finding(
        "TFV201",
        resource=subnet.address,
        message=(
            f"{subnet.address} cannot be reached by any source: NACL {names} allows nothing"
            f" {direction} from outside the subnet ({'; '.join(deciding)}), so {effect} (U-2);"
            " only traffic inside the subnet flows, as its NACL does not filter it (R-NACL-12)"
        ),
        related=(*side.nacls, *subnet.route_tables),
        path=(
            Hop(hop=subnet.address, detail=f"NACL {names}"),
            *(
                Hop(hop=nacl.address, detail=f"{direction}: {'; '.join(deciding)}")
                for nacl in nacls
            ),
        ),
        location=network.locations.get(subnet.address) or subnet.location,
        fingerprint_extra=direction,
    )


def _unreachable(
    network: Network,
    subnet: Subnet,
    vpc: Vpc,
    side: Side,
    tables: list[TableRouting],
    verdicts: list[Verdict],
) -> Finding:
    routed = any(v.routed for v in verdicts)
    shown = "; ".join(f"{v.source}: {v.reason}" for v in verdicts[:3])
    more = f"; and {len(verdicts) - 3} more sources (see path)" if len(verdicts) > 3 else ""
    if routed:
        summary = f"no source can open a connection into {subnet.address}"
    else:
        summary = f"{subnet.address} is isolated: nothing outside it has a route to it (U-1)"
    return make_finding(
        "TFV201",
        resource=subnet.address,
        severity=None if routed else Severity.INFO,
        message=(
            f"{summary}: {shown}{more}; traffic inside the subnet itself is not filtered by its"
            " NACL (R-NACL-12)"
        ),
        related=tuple(
            dict.fromkeys((*side.nacls, *(t.table.address for t in tables), vpc.address))
        ),
        path=(
            Hop(hop=subnet.address, detail=f"NACL {', '.join(side.nacls)}"),
            *(Hop(hop=v.source, detail=v.reason) for v in verdicts),
        ),
        location=network.locations.get(subnet.address) or subnet.location,
        fingerprint_extra="sources",
    )
