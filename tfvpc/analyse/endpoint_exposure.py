"""TFV101 for service endpoints outside the VPC model (EKS API, public OpenSearch domains).

Such an endpoint is reached over AWS's public network, not through an internet gateway, route,
NACL or security group: the finding names the CIDRs the service admits and what else decides
access (Kubernetes/IAM authentication, a domain access policy). An endpoint that an access
policy governs is only "possibly" exposed; so is one whose settings are unknown (R-MODEL-1).
"""

from __future__ import annotations

from tfvpc.analyse.exposure_text import describe_traffic, protocol_label
from tfvpc.analyse.internet import public_addresses, source_cidrs
from tfvpc.findings import Certainty, Finding, Hop, Severity, make_finding
from tfvpc.model import Network, PublicEndpoint
from tfvpc.space import FlowSet, describe_cidrs

RULE_ID = "TFV101"
WORLD_SEVERITY = Severity.HIGH
"""An API or search endpoint open to every internet address."""
NARROW_SEVERITY = Severity.MEDIUM
"""An endpoint open to some internet ranges only."""

_FIX = {
    "aws_eks_cluster": (
        "set vpc_config.endpoint_public_access = false (with endpoint_private_access = true) "
        "or narrow vpc_config.public_access_cidrs"
    ),
}
_DEFAULT_FIX = "place it in a VPC (vpc_options) or restrict its access policy"


def _clients(endpoint: PublicEndpoint) -> FlowSet:
    """Return the internet clients the endpoint admits; every IPv4 client when unknown."""
    if endpoint.sources is None:
        return public_addresses(4)
    listed = FlowSet.union_all(FlowSet.of(-1, cidr) for cidr in endpoint.sources)
    return listed & (public_addresses(4) | public_addresses(6))


def endpoint_findings(network: Network) -> list[Finding]:
    """Return one TFV101 finding per public endpoint that admits some internet client."""
    findings: list[Finding] = []
    for address in sorted(network.public_endpoints):
        endpoint = network.public_endpoints[address]
        if endpoint.enabled is False:
            continue
        clients = _clients(endpoint)
        if not clients:
            continue
        internet = public_addresses(4) | public_addresses(6)
        sources = tuple(source_cidrs(clients, internet))
        reasons = list(endpoint.unknowns)
        if endpoint.enabled is None:
            reasons.append(f"whether the public endpoint of {endpoint.resource} is on is unknown")
        if endpoint.sources is None:
            reasons.append(f"the CIDRs {endpoint.resource} admits are unknown")
        certainty: Certainty = "possible" if reasons else "definite"
        label = protocol_label(endpoint.protocol)
        traffic = describe_traffic(label, endpoint.ports)
        verb = "may accept" if reasons else "accepts"
        message = (
            f"{endpoint.resource} {verb} {traffic} from the internet "
            f"({describe_cidrs(sources)}) on a public endpoint outside the VPC: this is not a "
            f"VPC path, no security group or NACL applies and {endpoint.governed_by} decides "
            f"who gets in"
        )
        if reasons:
            message += f", resting on: {'; '.join(dict.fromkeys(reasons))}"
        message += f"; {_FIX.get(endpoint.kind, _DEFAULT_FIX)}"
        world = clients.restrict(family=4) == public_addresses(4)
        findings.append(
            make_finding(
                RULE_ID,
                resource=endpoint.resource,
                message=message,
                severity=WORLD_SEVERITY if world else NARROW_SEVERITY,
                certainty=certainty,
                related=endpoint.related,
                protocol=label,
                ports=endpoint.ports,
                sources=sources,
                path=(
                    Hop(hop="internet"),
                    Hop(
                        hop=endpoint.resource,
                        detail=f"public endpoint, governed by {endpoint.governed_by}",
                    ),
                ),
                location=network.locations.get(endpoint.resource) or endpoint.location,
                fingerprint_extra="public endpoint",
            )
        )
    return findings
