"""Candidates an attribute cannot hold are dropped (R-LINK-1, R-RT-6, §3.3 folded blocks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from load_plan_helpers import by_address, change, load, module, plan, refs
from load_plan_helpers import resource_config as res

from tfvpc.load.plan_kinds import can_hold
from tfvpc.load.plan_refs import Candidate
from tfvpc.load.resources import LoadedInput, Ref, Unknown, Value

IGW = "aws_internet_gateway.main"
PREFIX_LIST = "aws_ec2_managed_prefix_list.onprem"


@pytest.mark.parametrize(
    ("attribute", "candidate", "expected"),
    [
        # R-RT-6: a route's gateway_id takes IGW, VGW, NAT and egress-only gateway ids.
        ("gateway_id", Candidate(IGW, "id"), True),
        ("gateway_id", Candidate("aws_vpn_gateway.vgw", "id"), True),
        ("gateway_id", Candidate("aws_nat_gateway.a[0]", None), True),
        ("gateway_id", Candidate("aws_egress_only_internet_gateway.e", "id"), True),
        ("gateway_id", Candidate(PREFIX_LIST, "id"), False),
        ("gateway_id", Candidate("aws_ec2_transit_gateway.t", "id"), False),
        ("nat_gateway_id", Candidate(IGW, "id"), False),
        ("destination_prefix_list_id", Candidate(PREFIX_LIST, "id"), True),
        ("destination_prefix_list_id", Candidate(IGW, "id"), False),
        # Data sources of the same types count too.
        ("gateway_id", Candidate("data.aws_internet_gateway.shared", "id"), True),
        ("subnet_ids", Candidate("data.aws_subnets.private", "ids"), True),
        ("vpc_id", Candidate('module.net["a"].aws_default_vpc.this', "id"), True),
        ("vpc_id", Candidate("aws_subnet.a", "id"), False),
        # Another attribute of an object is of the kind that attribute holds.
        ("destination_prefix_list_id", Candidate("aws_vpc_endpoint.s3", "prefix_list_id"), True),
        ("vpc_endpoint_id", Candidate("aws_vpc_endpoint.s3", "id"), True),
        (
            "transit_gateway_id",
            Candidate("aws_ec2_transit_gateway_vpc_attachment.a", "transit_gateway_id"),
            True,
        ),
        (
            "gateway_id",
            Candidate("aws_ec2_transit_gateway_vpc_attachment.a", "transit_gateway_id"),
            False,
        ),
        ("vpc_security_group_ids", Candidate("aws_vpc.main", "default_security_group_id"), True),
        ("subnet_id", Candidate("aws_nat_gateway.a", "network_interface[0].subnet_id"), True),
        # What the table does not know is never dropped.
        ("gateway_id", Candidate("aws_cloudformation_stack.net", None), True),
        ("gateway_id", Candidate("aws_ssm_parameter.igw", "value"), True),
        ("target_id", Candidate("aws_subnet.a", "id"), True),
        (None, Candidate("aws_subnet.a", "id"), True),
    ],
)
def test_can_hold(attribute: str | None, candidate: Candidate, expected: bool) -> None:
    assert can_hold(attribute, candidate) is expected


def _block(loaded: LoadedInput, address: str, attribute: str, position: int) -> dict[str, Value]:
    """Return block `position` of list attribute `attribute` of instance `address`."""
    blocks = by_address(loaded)[address].values[attribute]
    assert isinstance(blocks, list)
    block = blocks[position]
    assert isinstance(block, dict)
    return block


def _route(**targets: str) -> dict[str, str]:
    """Return a planned route object: every target attribute "", then `targets`."""
    names = ("gateway_id", "nat_gateway_id", "transit_gateway_id", "destination_prefix_list_id")
    return {**dict.fromkeys(names, ""), **targets}


def _route_table(routes: list[dict[str, str]], unknown: list[dict[str, bool]], *refs_: str) -> Any:
    """Return the change and configuration of aws_route_table.public with a folded `route`."""
    return (
        change("aws_route_table.public", {"route": routes}, {"route": unknown, "id": True}),
        res("aws_route_table.public", route=refs(*refs_)),
    )


def test_folded_routes_pin_each_target_to_the_one_reference_of_its_type(tmp_path: Path) -> None:
    # The more_specific_route fixture: 0.0.0.0/0 -> IGW, and a prefix-list route to a known
    # transit gateway. One folded expression lists both references for both unknown leaves.
    table, config = _route_table(
        [
            _route(cidr_block="0.0.0.0/0"),
            _route(cidr_block="", transit_gateway_id="tgw-0c4f1d2e3a5b67890"),
        ],
        [{"gateway_id": True}, {"destination_prefix_list_id": True}],
        f"{IGW}.id",
        IGW,
        "var.transit_gateway_id",
        f"{PREFIX_LIST}.id",
        PREFIX_LIST,
    )
    doc = plan(
        [change(IGW, {}, {"id": True}), change(PREFIX_LIST, {}, {"id": True}), table],
        root=module([config]),
    )
    loaded = load(tmp_path, doc)
    assert _block(loaded, "aws_route_table.public", "route", 0)["gateway_id"] == Ref(IGW, "id")
    second = _block(loaded, "aws_route_table.public", "route", 1)
    assert second["destination_prefix_list_id"] == Ref(PREFIX_LIST, "id")


def test_two_routes_to_two_nat_gateways_keep_both_candidates(tmp_path: Path) -> None:
    # Which NAT gateway each route uses is not in the plan: do not guess the pairing. The
    # internet gateway cannot be a nat_gateway_id; a gateway_id may be either NAT too (R-RT-6).
    nat_a, nat_b = "aws_nat_gateway.a", "aws_nat_gateway.b"
    table, config = _route_table(
        [
            _route(cidr_block="10.1.0.0/16"),
            _route(cidr_block="10.2.0.0/16"),
            _route(cidr_block="0.0.0.0/0"),
        ],
        [{"nat_gateway_id": True}, {"nat_gateway_id": True}, {"gateway_id": True}],
        f"{nat_a}.id",
        nat_a,
        f"{nat_b}.id",
        nat_b,
        f"{IGW}.id",
        IGW,
    )
    doc = plan(
        [
            change(nat_a, {}, {"id": True}),
            change(nat_b, {}, {"id": True}),
            change(IGW, {}, {"id": True}),
            table,
        ],
        root=module([config]),
    )
    loaded = load(tmp_path, doc)
    for position in (0, 1):
        target = _block(loaded, "aws_route_table.public", "route", position)["nat_gateway_id"]
        assert isinstance(target, Unknown)
        assert target.candidates == (Ref(nat_a, "id"), Ref(nat_b, "id"))
        assert target.reason.endswith(f"it may be any of {nat_a}, {nat_b}")
    default = _block(loaded, "aws_route_table.public", "route", 2)["gateway_id"]
    assert isinstance(default, Unknown)
    assert default.candidates == (Ref(nat_a, "id"), Ref(nat_b, "id"), Ref(IGW, "id"))


def test_no_fitting_candidate_is_unknown_naming_the_attribute(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_vpc.main", {}, {"id": True}),
            change("aws_nat_gateway.gw", {}, {"allocation_id": True}),
        ],
        root=module([res("aws_nat_gateway.gw", allocation_id=refs("aws_vpc.main"))]),
    )
    value = by_address(load(tmp_path, doc))["aws_nat_gateway.gw"].values["allocation_id"]
    assert value == Unknown(
        "allocation_id of aws_nat_gateway.gw is unknown until apply (references aws_vpc.main); "
        "allocation_id cannot hold aws_vpc.main"
    )


def test_plain_attribute_drops_references_used_only_to_compute_an_index(
    tmp_path: Path,
) -> None:
    # nat_gateway_id = aws_nat_gateway.this[length(aws_subnet.public) - 1].id: the subnets only
    # count; the one NAT gateway is the value.
    doc = plan(
        [
            change("aws_nat_gateway.this[0]", {}, {"id": True}),
            change("aws_subnet.public[0]", {}, {"id": True}),
            change("aws_subnet.public[1]", {}, {"id": True}),
            change(
                "aws_route.private",
                {"destination_cidr_block": "0.0.0.0/0"},
                {"nat_gateway_id": True},
            ),
        ],
        root=module(
            [
                res(
                    "aws_route.private",
                    nat_gateway_id=refs("aws_nat_gateway.this", "aws_subnet.public"),
                )
            ]
        ),
    )
    route = by_address(load(tmp_path, doc))["aws_route.private"]
    assert route.values["nat_gateway_id"] == Ref("aws_nat_gateway.this[0]", "id")


def _security_group(after: dict[str, Any], unknown: dict[str, Any]) -> Any:
    """Return a plan where SG app's one folded ingress rule names SG lb and prefix list office."""
    office = "aws_ec2_managed_prefix_list.office"
    rule = {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": [], **after}
    return plan(
        [
            change("aws_security_group.lb", {}, {"id": True}),
            change(office, {}, {"id": True}),
            change("aws_security_group.app", {"ingress": [rule]}, {"ingress": [unknown]}),
        ],
        root=module(
            [
                res(
                    "aws_security_group.app",
                    ingress=refs(
                        "aws_security_group.lb.id", "aws_security_group.lb", f"{office}.id", office
                    ),
                )
            ]
        ),
    )


@pytest.mark.parametrize(
    ("after", "unknown"),
    [
        # Wholly unknown sets (how providers plan a set holding an unknown id).
        ({}, {"security_groups": True, "prefix_list_ids": True}),
        # Lists holding one unknown element each.
        (
            {"security_groups": [None], "prefix_list_ids": [None]},
            {"security_groups": [True], "prefix_list_ids": [True]},
        ),
    ],
    ids=["wholly-unknown-sets", "unknown-elements"],
)
def test_one_ingress_rule_naming_a_group_and_a_prefix_list(
    tmp_path: Path, after: dict[str, Any], unknown: dict[str, Any]
) -> None:
    # ingress { security_groups = [aws_security_group.lb.id]
    #           prefix_list_ids = [aws_ec2_managed_prefix_list.office.id] }: two unknowns share
    # one expression, but each attribute can hold only one of its references.
    rule = _block(
        load(tmp_path, _security_group(after, unknown)), "aws_security_group.app", "ingress", 0
    )
    assert rule["security_groups"] == [Ref("aws_security_group.lb", "id")]
    assert rule["prefix_list_ids"] == [Ref("aws_ec2_managed_prefix_list.office", "id")]
