"""Reachability analysis (TFV201-TFV204): what nothing can reach, and routes and addresses that
cannot work. Each rule family lives in its own module; this one runs them in catalogue order
over shared route partitions and usage indexes."""

from __future__ import annotations

from tfvpc.analyse.addressing import find_cidr_conflicts
from tfvpc.analyse.blackholes import find_blackhole_routes
from tfvpc.analyse.indexes import NetworkIndexes, indexes_for
from tfvpc.analyse.public_subnets import find_public_subnets_without_route
from tfvpc.analyse.unreachable import find_unreachable_subnets
from tfvpc.findings import Finding
from tfvpc.model import Network


def find_reachability_problems(
    network: Network, indexes: NetworkIndexes | None = None
) -> list[Finding]:
    """Return the TFV201-TFV204 findings of `network`, by rule id, then by resource address.

    Pure: the network is only read, and the order is deterministic.
    """
    shared = indexes_for(network, indexes)
    routing = shared.routing
    findings = [
        *find_unreachable_subnets(network, routing, shared.flows),
        *find_public_subnets_without_route(network, routing, shared.usage),
        *find_blackhole_routes(network, routing),
        *find_cidr_conflicts(network),
    ]
    return sorted(findings, key=lambda finding: (finding.rule_id, finding.resource))
