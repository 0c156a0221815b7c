"""Route tables, routes, target classification and subnet associations (R-RT-*)."""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, unknown, vpc

from tfvpc.load.resources import ResourceInstance, Unknown, Value
from tfvpc.model import Network, Route

IGW = res("aws_internet_gateway.igw", {"vpc_id": ref("aws_vpc.main")})


def table(name: str, *routes: Value, **values: Value) -> ResourceInstance:
    body: dict[str, Value] = {"vpc_id": ref("aws_vpc.main"), **values}
    if routes:
        body["route"] = list(routes)
    return res(f"aws_route_table.{name}", body)


def associate(name: str, subnet_name: str, table_address: str) -> ResourceInstance:
    return res(
        f"aws_route_table_association.{name}",
        {"subnet_id": ref(f"aws_subnet.{subnet_name}"), "route_table_id": ref(table_address)},
    )


def routes_of(network: Network, address: str) -> list[tuple[str | None, str, str | None]]:
    return [
        (r.destination or r.prefix_list, r.target_kind, r.target)
        for r in network.route_tables[address].routes
    ]


def test_subnet_without_association_uses_the_main_table() -> None:
    network = build(vpc(), subnet("a", "10.0.1.0/24"))
    assert network.subnets["aws_subnet.a"].route_tables == ("aws_vpc.main:main_route_table",)


def test_explicit_association_wins_over_the_main_table() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        IGW,
        table("pub", {"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.igw")}),
        associate("a", "a", "aws_route_table.pub"),
    )
    assert network.subnets["aws_subnet.a"].route_tables == ("aws_route_table.pub",)
    assert routes_of(network, "aws_route_table.pub") == [
        ("10.0.0.0/16", "local", None),
        ("0.0.0.0/0", "igw", "aws_internet_gateway.igw"),
    ]
    pub = network.route_tables["aws_route_table.pub"]
    assert not pub.is_main and pub.routes[1].origin == "aws_route_table.pub"


def test_main_route_table_association_switches_the_main_table() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        table("new_main"),
        res(
            "aws_main_route_table_association.m",
            {"vpc_id": ref("aws_vpc.main"), "route_table_id": ref("aws_route_table.new_main")},
        ),
    )
    assert network.vpcs["aws_vpc.main"].main_route_table == "aws_route_table.new_main"
    assert network.route_tables["aws_route_table.new_main"].is_main
    assert not network.route_tables["aws_vpc.main:main_route_table"].is_main
    assert network.subnets["aws_subnet.a"].route_tables == ("aws_route_table.new_main",)


def test_two_explicit_associations_keep_both_and_say_so() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        table("one"),
        table("two"),
        associate("x", "a", "aws_route_table.one"),
        associate("y", "a", "aws_route_table.two"),
    )
    found = network.subnets["aws_subnet.a"]
    assert found.route_tables == ("aws_route_table.one", "aws_route_table.two")
    assert found.unknowns == (
        "aws_subnet.a is associated with several route tables: "
        "aws_route_table.one, aws_route_table.two",
    )


def test_association_with_unknown_table_leaves_the_subnet_table_unknown() -> None:
    reason = "route_table_id of aws_route_table_association.a is unknown until apply"
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_route_table_association.a",
            {"subnet_id": ref("aws_subnet.a"), "route_table_id": Unknown(reason)},
        ),
    )
    found = network.subnets["aws_subnet.a"]
    assert found.route_tables == ()
    assert found.unknowns == (reason,)


def test_aws_route_reaches_the_implicit_main_table_through_the_vpc_attribute() -> None:
    network = build(
        vpc(),
        IGW,
        res(
            "aws_route.default",
            {
                "route_table_id": ref("aws_vpc.main", "main_route_table_id"),
                "destination_cidr_block": "0.0.0.0/0",
                "gateway_id": ref("aws_internet_gateway.igw"),
            },
        ),
    )
    main = network.route_tables["aws_vpc.main:main_route_table"]
    assert main.routes[1] == Route(
        destination="0.0.0.0/0",
        target_kind="igw",
        target="aws_internet_gateway.igw",
        origin="aws_route.default",
    )


def test_state_style_ids_link_routes_tables_and_gateways() -> None:
    # R-TF-2: the inline list repeats the aws_route; "" means unset in plan/state JSON.
    inline: dict[str, Value] = {
        "cidr_block": "0.0.0.0/0",
        "ipv6_cidr_block": "",
        "destination_prefix_list_id": "",
        "gateway_id": "igw-1",
        "nat_gateway_id": "",
        "transit_gateway_id": "",
        "vpc_peering_connection_id": "",
        "network_interface_id": "",
    }
    network = build(
        res("aws_vpc.main", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
        res("aws_internet_gateway.igw", {"id": "igw-1", "vpc_id": "vpc-1"}),
        res("aws_route_table.pub", {"id": "rtb-1", "vpc_id": "vpc-1", "route": [inline]}),
        res(
            "aws_route.default",
            {
                "route_table_id": "rtb-1",
                "destination_cidr_block": "0.0.0.0/0",
                "destination_ipv6_cidr_block": "",
                "gateway_id": "igw-1",
            },
        ),
    )
    pub = network.route_tables["aws_route_table.pub"]
    assert [(r.destination, r.target, r.origin) for r in pub.routes] == [
        ("10.0.0.0/16", None, "aws_route_table.pub"),
        ("0.0.0.0/0", "aws_internet_gateway.igw", "aws_route.default"),
    ]
    assert network.gateways["aws_internet_gateway.igw"].vpcs == ("aws_vpc.main",)


def test_external_gateway_ids_are_classified_by_prefix() -> None:
    network = build(
        vpc(),
        table(
            "rt",
            {"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"},
            {"cidr_block": "10.9.0.0/16", "gateway_id": "nat-0123"},
            {"ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-9"},
            {"cidr_block": "10.8.0.0/16", "transit_gateway_id": "tgw-1"},
            {"cidr_block": "10.7.0.0/16", "vpc_peering_connection_id": "pcx-1"},
            {"cidr_block": "10.6.0.0/16", "gateway_id": "vgw-1"},
            {"cidr_block": "10.5.0.0/16", "core_network_arn": "arn:aws:networkmanager::1:x"},
        ),
    )
    routes = network.route_tables["aws_route_table.rt"].routes[1:]
    assert [(r.destination, r.target_kind, r.target, r.target_ref) for r in routes] == [
        ("0.0.0.0/0", "igw", None, "igw-0abc"),
        ("10.9.0.0/16", "nat", None, "nat-0123"),
        ("::/0", "eigw", None, "eigw-9"),
        ("10.8.0.0/16", "tgw", None, "tgw-1"),
        ("10.7.0.0/16", "pcx", None, "pcx-1"),
        ("10.6.0.0/16", "vgw", None, "vgw-1"),
        ("10.5.0.0/16", "core_network", None, "arn:aws:networkmanager::1:x"),
    ]
    assert all(r.unknowns == () for r in routes)


def test_route_to_a_missing_resource_keeps_the_reference_text() -> None:
    network = build(
        vpc(),
        table("rt", {"cidr_block": "0.0.0.0/0", "nat_gateway_id": ref("aws_nat_gateway.gone")}),
    )
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target, route.target_ref) == (
        "nat",
        None,
        "aws_nat_gateway.gone",
    )


def test_unknown_target_with_candidates_keeps_their_common_kind() -> None:
    network = build(
        vpc(),
        res("aws_internet_gateway.a", {"vpc_id": ref("aws_vpc.main")}),
        res("aws_internet_gateway.b", {"vpc_id": ref("aws_vpc.main")}),
        table(
            "rt",
            {
                "cidr_block": "0.0.0.0/0",
                "gateway_id": unknown(
                    "gateway_id is unknown", "aws_internet_gateway.a", "aws_internet_gateway.b"
                ),
            },
        ),
    )
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target) == ("igw", None)
    assert route.unknowns == (
        "gateway_id is unknown (may be any of: aws_internet_gateway.a, aws_internet_gateway.b)",
    )


def test_unknown_target_without_candidates_takes_the_attribute_kind() -> None:
    network = build(
        vpc(),
        table("rt", {"cidr_block": "0.0.0.0/0", "nat_gateway_id": Unknown("nat unknown")}),
    )
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target, route.target_ref, route.unknowns) == (
        "nat",
        None,
        None,
        ("nat unknown",),
    )


def test_route_to_an_eni_makes_an_appliance_gateway() -> None:
    network = build(
        vpc(),
        subnet("fw", "10.0.9.0/24"),
        res("aws_network_interface.fw", {"subnet_id": ref("aws_subnet.fw")}),
        table(
            "rt",
            {"cidr_block": "0.0.0.0/0", "network_interface_id": ref("aws_network_interface.fw")},
        ),
    )
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target) == ("eni", "aws_network_interface.fw")
    appliance = network.gateways["aws_network_interface.fw"]
    assert appliance.kind == "eni"
    assert appliance.subnet == "aws_subnet.fw" and appliance.vpcs == ("aws_vpc.main",)


def test_local_route_target_can_be_replaced_by_an_appliance() -> None:
    network = build(
        vpc(),
        subnet("fw", "10.0.9.0/24"),
        res("aws_instance.fw", {"subnet_id": ref("aws_subnet.fw")}),
        table("rt", {"cidr_block": "10.0.0.0/16", "instance_id": ref("aws_instance.fw")}),
    )
    assert routes_of(network, "aws_route_table.rt") == [
        ("10.0.0.0/16", "instance", "aws_instance.fw")
    ]


def test_imported_local_route_is_not_duplicated() -> None:
    network = build(vpc(), table("rt", {"cidr_block": "10.0.0.0/16", "gateway_id": "local"}))
    assert routes_of(network, "aws_route_table.rt") == [("10.0.0.0/16", "local", None)]


def test_two_separate_routes_for_one_destination_are_both_kept_and_noted() -> None:
    network = build(
        vpc(),
        IGW,
        table("rt"),
        *(
            res(
                f"aws_route.{name}",
                {
                    "route_table_id": ref("aws_route_table.rt"),
                    "destination_cidr_block": "0.0.0.0/0",
                    "gateway_id": ref("aws_internet_gateway.igw"),
                },
            )
            for name in ("a", "b")
        ),
    )
    found = network.route_tables["aws_route_table.rt"]
    assert [r.origin for r in found.routes] == [
        "aws_route_table.rt",
        "aws_route.a",
        "aws_route.b",
    ]
    assert found.unknowns == (
        "aws_route.a and aws_route.b both route 0.0.0.0/0 in aws_route_table.rt",
    )


def test_unknown_route_list_becomes_an_unknown_route() -> None:
    network = build(vpc(), table("rt", route=Unknown("route of aws_route_table.rt is unknown")))
    found = network.route_tables["aws_route_table.rt"]
    assert found.routes[-1] == Route(
        target_kind="unknown",
        origin="aws_route_table.rt",
        unknowns=("route of aws_route_table.rt is unknown",),
    )


def test_adopted_default_route_table_replaces_the_implicit_main_table() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        IGW,
        res(
            "aws_default_route_table.main",
            {
                "default_route_table_id": ref("aws_vpc.main", "default_route_table_id"),
                "route": [
                    {"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.igw")}
                ],
            },
        ),
    )
    assert "aws_vpc.main:main_route_table" not in network.route_tables
    assert network.vpcs["aws_vpc.main"].main_route_table == "aws_default_route_table.main"
    adopted = network.route_tables["aws_default_route_table.main"]
    assert adopted.is_main and not adopted.implicit and adopted.vpc == "aws_vpc.main"
    assert routes_of(network, adopted.address) == [
        ("10.0.0.0/16", "local", None),
        ("0.0.0.0/0", "igw", "aws_internet_gateway.igw"),
    ]
    assert network.subnets["aws_subnet.a"].route_tables == ("aws_default_route_table.main",)


def test_adopted_default_vpc_table_without_routes_keeps_the_default_route() -> None:
    network = build(
        res("aws_default_vpc.d", {}),
        res(
            "aws_default_route_table.d",
            {"default_route_table_id": ref("aws_default_vpc.d", "default_route_table_id")},
        ),
    )
    assert routes_of(network, "aws_default_route_table.d") == [
        ("172.31.0.0/16", "local", None),
        ("0.0.0.0/0", "igw", "aws_default_vpc.d:internet_gateway"),
    ]


def test_edge_association_and_propagation() -> None:
    network = build(
        vpc(),
        IGW,
        res("aws_vpn_gateway.vgw", {"vpc_id": ref("aws_vpc.main")}),
        table("edge", propagating_vgws=[ref("aws_vpn_gateway.vgw")]),
        table("other"),
        res(
            "aws_route_table_association.edge",
            {
                "gateway_id": ref("aws_internet_gateway.igw"),
                "route_table_id": ref("aws_route_table.edge"),
            },
        ),
        res(
            "aws_vpn_gateway_route_propagation.p",
            {
                "vpn_gateway_id": ref("aws_vpn_gateway.vgw"),
                "route_table_id": ref("aws_route_table.other"),
            },
        ),
    )
    edge = network.route_tables["aws_route_table.edge"]
    assert edge.edge_gateways == ("aws_internet_gateway.igw",)
    assert edge.propagating_gateways == ("aws_vpn_gateway.vgw",)
    assert network.route_tables["aws_route_table.other"].propagating_gateways == (
        "aws_vpn_gateway.vgw",
    )


def test_gateway_endpoint_adds_prefix_list_routes() -> None:
    network = build(
        vpc(),
        table("a"),
        table("b"),
        res(
            "aws_vpc_endpoint.s3",
            {
                "vpc_id": ref("aws_vpc.main"),
                "service_name": "com.amazonaws.eu-west-1.s3",
                "route_table_ids": [ref("aws_route_table.a")],
            },
        ),
        res(
            "aws_vpc_endpoint_route_table_association.b",
            {
                "vpc_endpoint_id": ref("aws_vpc_endpoint.s3"),
                "route_table_id": ref("aws_route_table.b"),
            },
        ),
        res(
            "aws_vpc_endpoint.api",
            {
                "vpc_id": ref("aws_vpc.main"),
                "vpc_endpoint_type": "Interface",
                "route_table_ids": [ref("aws_route_table.a")],
            },
        ),
    )
    for name, origin in (
        ("a", "aws_vpc_endpoint.s3"),
        ("b", "aws_vpc_endpoint_route_table_association.b"),
    ):
        route = network.route_tables[f"aws_route_table.{name}"].routes[1]
        assert route == Route(
            prefix_list="aws_vpc_endpoint.s3:prefix_list",
            target_kind="vpce",
            target="aws_vpc_endpoint.s3",
            origin=origin,
        )
    assert len(network.route_tables["aws_route_table.a"].routes) == 2


def test_association_with_an_external_table_keeps_the_id_and_says_so() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_route_table_association.a",
            {"subnet_id": ref("aws_subnet.a"), "route_table_id": "rtb-0ext"},
        ),
    )
    found = network.subnets["aws_subnet.a"]
    assert found.route_tables == ("rtb-0ext",)
    assert found.unknowns == ("route table rtb-0ext of aws_subnet.a is not in the input",)


def test_table_of_an_unknown_or_external_vpc_has_an_unknown_local_route() -> None:
    network = build(
        res("aws_route_table.ext", {"vpc_id": "vpc-0ext"}),
        res("aws_route_table.unk", {"vpc_id": Unknown("vpc_id is unknown")}),
    )
    ext = network.route_tables["aws_route_table.ext"]
    assert (ext.vpc, ext.routes) == (
        "vpc-0ext",
        (
            Route(
                target_kind="local",
                origin=ext.address,
                unknowns=(
                    "the local routes of aws_route_table.ext are unknown: "
                    "its VPC vpc-0ext is not in the input",
                ),
            ),
        ),
    )
    unk = network.route_tables["aws_route_table.unk"]
    assert unk.vpc is None and unk.unknowns == ("vpc_id is unknown",)
    assert unk.routes[0].unknowns == (
        "the local routes of aws_route_table.unk are unknown: its VPC is unknown",
    )
