"""Conflict analysis (TFV301-TFV304): where NACLs and security groups contradict each other or
themselves. Each rule family lives in its own module; this one runs them in catalogue order over
shared route partitions and usage indexes."""

from __future__ import annotations

from tfvpc.analyse.indexes import NetworkIndexes, indexes_for
from tfvpc.analyse.nacl_shadowing import find_shadowed_nacl_rules
from tfvpc.analyse.return_traffic import find_return_traffic_blocked
from tfvpc.analyse.sg_nacl import find_sg_rules_blocked_by_nacl
from tfvpc.analyse.sg_redundancy import find_redundant_sg_rules
from tfvpc.findings import Finding
from tfvpc.model import Network


def find_conflicts(network: Network, indexes: NetworkIndexes | None = None) -> list[Finding]:
    """Return the TFV301-TFV304 findings of `network`, by rule id, then by resource address.

    Pure: the network is only read, and the order is deterministic.
    """
    shared = indexes_for(network, indexes)
    usage = shared.usage
    flows = shared.flows
    findings = [
        *find_sg_rules_blocked_by_nacl(network, usage, flows),
        *find_return_traffic_blocked(network, shared.routing, usage, flows),
        *find_shadowed_nacl_rules(network, flows),
        *find_redundant_sg_rules(network, flows),
    ]
    return sorted(findings, key=lambda finding: (finding.rule_id, finding.resource))
