"""Resolving references to model addresses (R-LINK-1)."""

from __future__ import annotations

from aws_helpers import res, unknown

from tfvpc.aws.links import Link, Resolver, Target
from tfvpc.load.resources import Ref, Unknown

STATE = [
    res(
        "aws_vpc.main",
        {
            "id": "vpc-1",
            "arn": "arn:aws:ec2:eu-west-1:1:vpc/vpc-1",
            "cidr_block": "10.0.0.0/16",
            "default_route_table_id": "rtb-main",
            "default_security_group_id": "sg-default",
        },
    ),
    res("aws_default_route_table.main", {"id": "rtb-main", "default_route_table_id": "rtb-main"}),
    res("aws_subnet.a", {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"}),
    res("aws_eip.ip", {"id": "eipalloc-1", "allocation_id": "eipalloc-1", "public_ip": "1.2.3.4"}),
    res("aws_vpc_peering_connection.p", {"id": "pcx-1"}),
    res("aws_vpc_peering_connection_accepter.p", {"id": "pcx-1"}),
    res("data.aws_vpc.shared", {"id": "vpc-9", "cidr_block": "10.9.0.0/16"}),
    res("data.aws_vpc.pending", {}),
]


def resolver() -> Resolver:
    return Resolver(STATE)


def test_ref_to_id_links_to_the_resource() -> None:
    assert resolver().link(Ref("aws_vpc.main"), "x") == Link(targets=(Target("aws_vpc.main"),))


def test_literal_id_and_arn_link_through_the_index() -> None:
    found = resolver()
    assert found.link("vpc-1", "x").targets == (Target("aws_vpc.main", "id"),)
    assert found.link("arn:aws:ec2:eu-west-1:1:vpc/vpc-1", "x").targets == (
        Target("aws_vpc.main", "arn"),
    )


def test_eip_allocation_id_and_public_ip_are_indexed() -> None:
    found = resolver()
    assert found.link("1.2.3.4", "x").targets == (Target("aws_eip.ip", "public_ip"),)
    assert found.link("eipalloc-1", "x").targets[0].address == "aws_eip.ip"


def test_literal_id_not_in_the_input_stays_external_with_its_raw_text() -> None:
    assert resolver().link("igw-0abc", "x") == Link(external="igw-0abc")


def test_resource_ids_win_over_implied_vpc_attributes() -> None:
    # rtb-main is both aws_vpc.main.default_route_table_id and the adopter's own id.
    assert resolver().lookup_id("rtb-main") == Target("aws_default_route_table.main", "id")
    assert resolver().lookup_id("sg-default") == Target("aws_vpc.main", "default_security_group_id")


def test_peering_accepter_does_not_shadow_the_connection_id() -> None:
    assert resolver().lookup_id("pcx-1") == Target("aws_vpc_peering_connection.p")


def test_unknown_without_candidates_carries_only_the_reason() -> None:
    link = resolver().link(Unknown("vpc_id of x is unknown until apply"), "x")
    assert link == Link(unknown="vpc_id of x is unknown until apply")


def test_unknown_with_candidates_links_to_all_and_says_it_is_ambiguous() -> None:
    link = resolver().link(unknown("subnet_id is unknown", "aws_subnet.a", "aws_vpc.main"), "x")
    assert link.targets == (Target("aws_subnet.a"), Target("aws_vpc.main"))
    assert link.unknown == "subnet_id is unknown (may be any of: aws_subnet.a, aws_vpc.main)"


def test_unknown_with_one_candidate_is_resolved() -> None:
    link = resolver().link(unknown("subnet_id is unknown", "aws_subnet.a"), "x")
    assert link == Link(targets=(Target("aws_subnet.a"),))


def test_ref_to_a_missing_address_is_external_with_the_address() -> None:
    assert resolver().link(Ref("aws_nat_gateway.gone"), "x") == Link(
        external="aws_nat_gateway.gone"
    )


def test_data_sources_are_external_with_their_id_when_known() -> None:
    found = resolver()
    assert found.link(Ref("data.aws_vpc.shared"), "x") == Link(external="vpc-9")
    assert found.link(Ref("data.aws_vpc.pending"), "x") == Link(external="data.aws_vpc.pending")
    assert found.link(Ref("data.aws_vpc.pending", "arn"), "x") == Link(
        external="data.aws_vpc.pending.arn"
    )


def test_data_source_ids_are_not_indexed() -> None:
    assert resolver().lookup_id("vpc-9") is None


def test_ref_to_a_non_identity_attribute_follows_its_value() -> None:
    # aws_subnet.a.vpc_id is the literal "vpc-1", which is aws_vpc.main.
    link = resolver().link(Ref("aws_subnet.a", "vpc_id"), "x")
    assert link.targets == (Target("aws_vpc.main", "id"),)


def test_ref_to_an_attribute_not_in_values_targets_that_attribute() -> None:
    link = resolver().link(Ref("aws_vpc.main", "main_route_table_id"), "x")
    assert link.targets == (Target("aws_vpc.main", "main_route_table_id"),)


def test_links_resolves_each_element_and_skips_unset_ones() -> None:
    links = resolver().links(["vpc-1", "", None, Ref("aws_subnet.a")], "x")
    assert [link.targets for link in links] == [
        (Target("aws_vpc.main"),),
        (Target("aws_subnet.a"),),
    ]
    assert resolver().links(None, "x") == []


def test_scalar_dereferences_refs_to_literals() -> None:
    found = resolver()
    assert found.scalar([Ref("aws_vpc.main", "cidr_block"), "1.1.1.1/32"]) == [
        "10.0.0.0/16",
        "1.1.1.1/32",
    ]
    missing = found.scalar(Ref("aws_vpc.main", "ipv6_cidr_block"))
    assert missing == Unknown("ipv6_cidr_block of aws_vpc.main is not known before apply")
    gone = found.scalar(Ref("aws_vpc.gone", "cidr_block"))
    assert isinstance(gone, Unknown) and "aws_vpc.gone is not in the input" in gone.reason


def test_of_type_lists_managed_instances_only_once() -> None:
    duplicate = res("aws_vpc.main", {"id": "vpc-other"})
    found = Resolver([*STATE, duplicate])
    assert [r.address for r in found.of_type("aws_vpc")] == ["aws_vpc.main"]
    assert found.of_type("aws_vpc_peering_connection_accepter")[0].type == (
        "aws_vpc_peering_connection_accepter"
    )
    assert all(r.mode == "managed" for r in found.of_type("aws_vpc", "aws_subnet"))
