"""Builder: every model object built from an uncertain resource carries its reasons (R-MODEL-1).

Each fixture's Terraform directory is loaded, every resource instance is marked uncertain with
a reason naming it (as the HCL front end does for an unknown ``count``), and the network is
built once. Every object of the model that a resource declares - by address, `origin` or
`resource` - must then hold that resource's reason among its `unknowns`, so that whatever
rests on it can only be "possible".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tfvpc.aws import build_network
from tfvpc.load.hcl import load_directory
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Network

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(path.parent.name for path in FIXTURES.glob("*/main.tf"))


def reason_of(address: str) -> str:
    return f"count of {address} is unknown (test)"


def all_uncertain(resources: list[ResourceInstance]) -> list[ResourceInstance]:
    return [replace(r, uncertain=(reason_of(r.address),)) for r in resources]


def declared_objects(network: Network) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Yield (what, declaring resource, unknowns) for every non-implicit object and part."""
    nodes = [
        *network.vpcs.values(),
        *network.subnets.values(),
        *network.route_tables.values(),
        *network.nacls.values(),
        *network.security_groups.values(),
        *network.prefix_lists.values(),
        *network.load_balancers.values(),
        *network.target_groups.values(),
        *network.transit_attachments.values(),
        *network.transit_route_tables.values(),
        *network.vpn_connections.values(),
    ]
    for node in nodes:
        if not node.implicit:
            yield node.address, node.address, node.unknowns
    for gateway in network.gateways.values():
        if not gateway.implicit and gateway.external_id is None:
            yield gateway.address, gateway.address, gateway.unknowns
    for attachment in network.attachments.values():
        # ``owner@subnet`` (and ``owner@subnet/template``) for the nodes of a service.
        yield attachment.address, attachment.address.split("@")[0], attachment.unknowns
    for endpoint in network.public_endpoints.values():
        yield endpoint.address, endpoint.resource, endpoint.unknowns
    for table in network.route_tables.values():
        for route in table.routes:
            # Local routes come with the table (R-RT-4): they are as certain as it is.
            if route.origin != table.address or route.target_kind != "local":
                yield f"route {route.destination} of {table.address}", route.origin, route.unknowns
    for nacl in network.nacls.values():
        for rule in (*nacl.ingress, *nacl.egress):
            if not rule.is_default_deny and not nacl.implicit:
                yield f"rule {rule.rule_no} of {nacl.address}", rule.origin, rule.unknowns
    for group in network.security_groups.values():
        for sg_rule in group.rules:
            if not group.implicit:
                yield f"rule of {group.address}", sg_rule.origin, sg_rule.unknowns
    for balancer in network.load_balancers.values():
        for listener in balancer.listeners:
            yield listener.address, listener.origin, listener.unknowns
    for target_group in network.target_groups.values():
        for member in target_group.members:
            yield f"member {member.target}", member.origin, member.unknowns
    for transit in network.transit_route_tables.values():
        for transit_route in transit.routes:
            yield f"route of {transit.address}", transit_route.origin, transit_route.unknowns


@pytest.mark.parametrize("case", CASES)
def test_every_object_of_an_uncertain_resource_carries_its_reason(case: str) -> None:
    loaded = load_directory(FIXTURES / case, environ={})
    network = build_network(all_uncertain(loaded.resources))
    addresses = {r.address for r in loaded.resources}
    checked = 0
    missing: list[str] = []
    for what, declarer, unknowns in declared_objects(network):
        if declarer not in addresses:
            continue
        checked += 1
        if reason_of(declarer) not in unknowns:
            missing.append(f"{what} (declared by {declarer})")
    assert checked > 0
    assert missing == []


def test_an_uncertain_instance_changes_nothing_but_its_own_attachment() -> None:
    loaded = load_directory(FIXTURES / "example", environ={})
    certain = build_network(loaded.resources)
    marked = [
        replace(r, uncertain=(reason_of(r.address),)) if r.address == "aws_instance.app" else r
        for r in loaded.resources
    ]
    network = build_network(marked)
    app = network.attachments.pop("aws_instance.app")
    assert app.unknowns == (reason_of("aws_instance.app"),)
    assert app == certain.attachments.pop("aws_instance.app").model_copy(
        update={"unknowns": app.unknowns}
    )
    assert network == certain
