"""Whole builds: skipped types, locations, determinism, and every shared real plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_helpers import build, ref, res, subnet, vpc
from shared_plans import PLAN_FILES, SHARED_PLANS

from tfvpc.aws import SUPPORTED_TYPES, build_network
from tfvpc.load.plan import load_plan_file
from tfvpc.model import Location, Network

PLANS = PLAN_FILES

REQUIRED_TYPES = [
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_ipv6_cidr_block_association",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_egress_only_internet_gateway",
    "aws_nat_gateway",
    "aws_eip",
    "aws_eip_association",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_route_table",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_default_security_group",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_default_network_acl",
    "aws_instance",
    "aws_network_interface",
    "aws_network_interface_sg_attachment",
    "aws_network_interface_attachment",
    "aws_ec2_managed_prefix_list",
    "aws_ec2_managed_prefix_list_entry",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_vpc_endpoint",
    "aws_default_vpc",
    "aws_default_subnet",
]


def test_supported_types_cover_the_issue_scope_with_descriptions() -> None:
    assert set(REQUIRED_TYPES) <= set(SUPPORTED_TYPES)
    assert all(text and "\n" not in text for text in SUPPORTED_TYPES.values())


def test_unmodelled_managed_types_are_counted_and_data_sources_are_not() -> None:
    network = build(
        vpc(),
        res("aws_s3_bucket.a", {}),
        res("aws_s3_bucket.b", {}),
        res("aws_sqs_queue.q", {}),
        res("data.aws_ami.ubuntu", {}),
    )
    assert network.skipped_types == {"aws_s3_bucket": 2, "aws_sqs_queue": 1}


def test_every_resource_and_implicit_object_has_its_location() -> None:
    network = build(
        res("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, line=3),
        res(
            "aws_security_group.web",
            {
                "vpc_id": ref("aws_vpc.main"),
                "ingress": [
                    {
                        "protocol": "tcp",
                        "from_port": 22,
                        "to_port": 22,
                        "cidr_blocks": ["0.0.0.0/0"],
                    },
                ],
            },
            line=10,
            blocks={"ingress.0": 12},
        ),
        res("aws_s3_bucket.logs", {}, line=30),
        res("data.aws_ami.ubuntu", {}, line=40),
    )
    at = {address: where.line for address, where in network.locations.items()}
    assert at == {
        "aws_vpc.main": 3,
        "aws_security_group.web": 10,
        "aws_s3_bucket.logs": 30,
        "data.aws_ami.ubuntu": 40,
        "aws_vpc.main:main_route_table": 3,
        "aws_vpc.main:default_nacl": 3,
        "aws_vpc.main:default_security_group": 3,
    }
    rule = network.security_groups["aws_security_group.web"].rules[0]
    assert rule.location == Location(file="main.tf", line=12)


def test_build_is_deterministic_and_accepts_any_iterable() -> None:
    resources = [
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res("aws_instance.i", {"subnet_id": ref("aws_subnet.a")}),
    ]
    first = build_network(iter(resources))
    second = build_network(tuple(resources))
    assert first.model_dump() == second.model_dump()


def _check_invariants(network: Network) -> None:
    objects = set(network.route_tables) | set(network.nacls) | set(network.security_groups)
    for vpc_model in network.vpcs.values():
        assert {
            vpc_model.main_route_table,
            vpc_model.default_nacl,
            vpc_model.default_security_group,
        } <= objects
    for nacl in network.nacls.values():
        for rules in (nacl.ingress, nacl.egress):
            assert [(r.cidr, r.is_default_deny) for r in rules[-2:]] == [
                ("0.0.0.0/0", True),
                ("::/0", True),
            ]
            numbers = [r.rule_no for r in rules]
            assert numbers == sorted(numbers)
    for table in network.route_tables.values():
        assert any(r.target_kind == "local" for r in table.routes)
        for route in table.routes:
            assert route.target is None or route.target in network.gateways
    for found in network.subnets.values():
        for address in found.route_tables:
            assert address in network.route_tables or found.unknowns
        for address in found.nacls:
            assert address in network.nacls or found.unknowns
        if not found.route_tables or not found.nacls:
            assert found.unknowns
    assert not set(network.skipped_types) & set(SUPPORTED_TYPES)


@pytest.mark.parametrize("path", PLANS, ids=[p.name[:80] for p in PLANS])
def test_every_shared_plan_builds_into_a_consistent_model(path: Path) -> None:
    loaded = load_plan_file(path)
    network = build_network(loaded.resources)
    _check_invariants(network)
    managed = [r for r in loaded.resources if r.mode == "managed"]
    modelled = [r for r in managed if r.type in SUPPORTED_TYPES]
    assert sum(network.skipped_types.values()) == len(managed) - len(modelled)


def test_checkov_plan_builds_the_expected_public_path() -> None:
    path = SHARED_PLANS / "bridgecrewio+checkov__tests__terraform__runner__tfplan2.json"
    network = build_network(load_plan_file(path).resources)
    web_subnet = network.subnets["aws_subnet.web_subnet"]
    assert web_subnet.route_tables == ("aws_route_table.web_rtb",)
    assert web_subnet.nacls == ("aws_vpc.web_vpc:default_nacl",)
    table = network.route_tables["aws_route_table.web_rtb"]
    assert [(r.destination, r.target, r.origin) for r in table.routes] == [
        ("172.16.0.0/16", None, "aws_route_table.web_rtb"),
        ("0.0.0.0/0", "aws_internet_gateway.web_igw", "aws_route.public_internet_gateway"),
    ]
    host = network.attachments["aws_instance.web_host"]
    assert host.security_groups == ("aws_security_group.web-node",)
    assert (host.public_ipv4, host.public_ipv4_via) == (True, "auto-assign")
    node = network.security_groups["aws_security_group.web-node"]
    assert sorted((r.direction, r.protocol, r.from_port, r.peer) for r in node.rules) == [
        ("egress", -1, None, "0.0.0.0/0"),
        ("ingress", 6, 22, "0.0.0.0/0"),
        ("ingress", 6, 80, "0.0.0.0/0"),
    ]
    origins = {r.origin for r in network.security_groups["aws_security_group.default"].rules}
    assert origins == {"aws_security_group_rule.ingress", "aws_security_group_rule.egress"}


def test_state_file_links_instances_to_the_default_group_by_literal_id() -> None:
    path = (
        SHARED_PLANS / "infracost+infracost__cmd__infracost__testdata__terraform_v0.12_state.json"
    )
    loaded = load_plan_file(path)
    assert loaded.kind == "state"
    network = build_network(loaded.resources)
    instance = network.attachments["aws_instance.instance_1"]
    # sg-5277e14a is default_security_group_id of the default VPC in the state.
    assert instance.security_groups == ("module.db.aws_default_vpc.default:default_security_group",)
    assert instance.subnets == ("subnet-286f234e",)
    assert (instance.public_ipv4, instance.public_ipv4_via) == (True, "associate_public_ip_address")
