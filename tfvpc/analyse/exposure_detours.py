"""Exposure findings for paths through an edge-associated appliance (R-RT-3).

An ingress route table associated with the internet gateway that sends a subnet's traffic to
an appliance (firewall ENI, GWLB endpoint) puts something tfvpc cannot see on the path. The
walk stops there; each such table yields one possible finding per resource, naming the
appliance, so that a reviewer checks its policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from tfvpc.analyse.exposure_evidence import internet_of
from tfvpc.analyse.exposure_paths import Detour
from tfvpc.analyse.exposure_text import describe_names
from tfvpc.analyse.internet import source_cidrs
from tfvpc.analyse.routing import describe_route
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import Network
from tfvpc.space import FlowSet, describe_cidrs

DETOUR_SEVERITY = Severity.MEDIUM
"""Traffic passes an inspection point tfvpc cannot evaluate: a review item, not an alarm."""


def detour_findings(
    network: Network, rule_id: str, resource: str, detours: Sequence[Detour]
) -> list[Finding]:
    """Return one possible finding per gateway and edge table that sends the resource's
    internet traffic to an appliance, in table order."""
    by_table: dict[tuple[str, str], list[Detour]] = {}
    for detour in detours:
        by_table.setdefault((detour.gateway, detour.table), []).append(detour)
    return [
        _finding(network, rule_id, resource, gateway, table, found)
        for (gateway, table), found in sorted(by_table.items())
    ]


def _finding(
    network: Network,
    rule_id: str,
    resource: str,
    gateway: str,
    table: str,
    found: Sequence[Detour],
) -> Finding:
    flows = FlowSet.union_all(d.sources for d in found)
    sources = source_cidrs(flows, internet_of(network, (d.vpc for d in found)))
    shares = [share for d in found for share in d.routes]
    routes = list(dict.fromkeys(describe_route(share.route) for share in shares))
    targets = list(
        dict.fromkeys(
            share.route.target or share.route.target_ref or "an unknown target" for share in shares
        )
    ) or ["an appliance"]
    detail = "edge association: " + ("; ".join(routes) or "routes with unknown destinations")
    path = (
        Hop(hop="internet"),
        Hop(hop=gateway),
        Hop(hop=table, detail=detail),
        *(Hop(hop=target, detail="appliance, not evaluated") for target in targets),
        Hop(hop=resource),
    )
    names = [gateway, table, *targets, *(d.subnet for d in found)]
    names += [name for d in found for name in d.attachment.related]
    message = (
        f"{resource} may receive internet traffic ({describe_cidrs(sources)}) via {gateway} "
        f"only through {describe_names(targets)}, where {table} (edge-associated with "
        f"{gateway}) sends it; tfvpc does not evaluate past an appliance: check its policy "
        f"and the NACL and security groups of {resource}"
    )
    return make_finding(
        rule_id,
        resource=resource,
        message=message,
        severity=DETOUR_SEVERITY,
        certainty="possible",
        related=tuple(name for name in dict.fromkeys(names) if name != resource),
        protocol="all",
        ports=None,
        sources=tuple(sources),
        path=path,
        location=network.locations.get(resource),
        fingerprint_extra=f"via {table}",
    )
