"""Gateways: attachments, NAT public/private, peering acceptance, transit, endpoints."""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, vpc

from tfvpc.load.resources import Unknown
from tfvpc.model import Gateway


def test_internet_gateway_attached_by_an_attachment_resource() -> None:
    network = build(
        vpc(),
        res("aws_internet_gateway.igw", {}),
        res(
            "aws_internet_gateway_attachment.a",
            {"internet_gateway_id": ref("aws_internet_gateway.igw"), "vpc_id": ref("aws_vpc.main")},
        ),
    )
    assert network.gateways["aws_internet_gateway.igw"] == Gateway(
        address="aws_internet_gateway.igw", kind="igw", vpcs=("aws_vpc.main",)
    )


def test_detached_internet_gateway_has_no_vpc() -> None:
    network = build(vpc(), res("aws_internet_gateway.igw", {}))
    assert network.gateways["aws_internet_gateway.igw"].vpcs == ()


def test_external_gateway_attached_in_the_input_becomes_an_external_gateway() -> None:
    network = build(
        vpc(),
        res(
            "aws_internet_gateway_attachment.a",
            {"internet_gateway_id": "igw-0abc", "vpc_id": ref("aws_vpc.main")},
        ),
        res(
            "aws_route_table.rt",
            {
                "vpc_id": ref("aws_vpc.main"),
                "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}],
            },
        ),
    )
    igw = network.gateways["igw-0abc"]
    assert (igw.kind, igw.external_id, igw.vpcs) == ("igw", "igw-0abc", ("aws_vpc.main",))
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target, route.target_ref) == ("igw", "igw-0abc", None)


def test_egress_only_and_vpn_gateways() -> None:
    network = build(
        vpc(),
        vpc("other", "10.1.0.0/16"),
        res("aws_egress_only_internet_gateway.e", {"vpc_id": ref("aws_vpc.main")}),
        res("aws_vpn_gateway.v", {}),
        res(
            "aws_vpn_gateway_attachment.a",
            {"vpn_gateway_id": ref("aws_vpn_gateway.v"), "vpc_id": ref("aws_vpc.other")},
        ),
    )
    assert (
        network.gateways["aws_egress_only_internet_gateway.e"].kind,
        network.gateways["aws_egress_only_internet_gateway.e"].vpcs,
    ) == ("eigw", ("aws_vpc.main",))
    assert network.gateways["aws_vpn_gateway.v"].vpcs == ("aws_vpc.other",)


def test_nat_gateways_public_private_and_without_address() -> None:
    network = build(
        vpc(),
        subnet("pub", "10.0.1.0/24"),
        res("aws_eip.nat", {"domain": "vpc"}),
        res(
            "aws_nat_gateway.public",
            {
                "subnet_id": ref("aws_subnet.pub"),
                "allocation_id": ref("aws_eip.nat", "allocation_id"),
            },
        ),
        res(
            "aws_nat_gateway.private",
            {"subnet_id": ref("aws_subnet.pub"), "connectivity_type": "private"},
        ),
        res("aws_nat_gateway.bare", {"subnet_id": ref("aws_subnet.pub")}),
        res(
            "aws_nat_gateway.unsure",
            {"subnet_id": ref("aws_subnet.pub"), "connectivity_type": Unknown("type unknown")},
        ),
    )
    gateways = network.gateways
    public = gateways["aws_nat_gateway.public"]
    assert (public.kind, public.subnet, public.vpcs, public.public) == (
        "nat",
        "aws_subnet.pub",
        ("aws_vpc.main",),
        True,
    )
    # R-IP-3: a private NAT gateway has no internet path.
    assert gateways["aws_nat_gateway.private"].public is False
    assert gateways["aws_nat_gateway.bare"].public is False
    assert gateways["aws_nat_gateway.unsure"].public is None
    assert gateways["aws_nat_gateway.unsure"].unknowns == ("type unknown",)


def test_peering_acceptance() -> None:
    network = build(
        vpc("a"),
        vpc("b", "10.1.0.0/16"),
        res(
            "aws_vpc_peering_connection.auto",
            {"vpc_id": ref("aws_vpc.a"), "peer_vpc_id": ref("aws_vpc.b"), "auto_accept": True},
        ),
        res(
            "aws_vpc_peering_connection.pending",
            {"vpc_id": ref("aws_vpc.a"), "peer_vpc_id": "vpc-0other"},
        ),
        res(
            "aws_vpc_peering_connection.accepted",
            {"vpc_id": ref("aws_vpc.a"), "peer_vpc_id": ref("aws_vpc.b")},
        ),
        res(
            "aws_vpc_peering_connection_accepter.x",
            {
                "vpc_peering_connection_id": ref("aws_vpc_peering_connection.accepted"),
                "auto_accept": True,
            },
        ),
    )
    gateways = network.gateways
    assert (
        gateways["aws_vpc_peering_connection.auto"].vpcs,
        gateways["aws_vpc_peering_connection.auto"].accepted,
    ) == (
        ("aws_vpc.a", "aws_vpc.b"),
        True,
    )
    # R-PEER-1: not accepted without auto_accept or an accepter; the peer VPC id stays raw.
    pending = gateways["aws_vpc_peering_connection.pending"]
    assert (pending.vpcs, pending.accepted) == (("aws_vpc.a", "vpc-0other"), False)
    assert gateways["aws_vpc_peering_connection.accepted"].accepted is True


def test_state_accept_status_active_means_accepted() -> None:
    network = build(res("aws_vpc_peering_connection.p", {"id": "pcx-1", "accept_status": "active"}))
    assert network.gateways["aws_vpc_peering_connection.p"].accepted is True


def test_route_to_an_accepter_reaches_the_connection() -> None:
    network = build(
        vpc(),
        res(
            "aws_vpc_peering_connection_accepter.peer",
            {
                "vpc_peering_connection_id": "pcx-ext",
                "auto_accept": True,
                "vpc_id": ref("aws_vpc.main"),
            },
        ),
        res(
            "aws_route_table.rt",
            {
                "vpc_id": ref("aws_vpc.main"),
                "route": [
                    {
                        "cidr_block": "10.9.0.0/16",
                        "vpc_peering_connection_id": ref(
                            "aws_vpc_peering_connection_accepter.peer"
                        ),
                    },
                ],
            },
        ),
    )
    pcx = network.gateways["pcx-ext"]
    assert (pcx.kind, pcx.external_id, pcx.accepted, pcx.vpcs) == (
        "pcx",
        "pcx-ext",
        True,
        ("aws_vpc.main",),
    )
    route = network.route_tables["aws_route_table.rt"].routes[1]
    assert (route.target_kind, route.target) == ("pcx", "pcx-ext")


def test_transit_gateway_joins_the_vpcs_of_its_attachments() -> None:
    network = build(
        vpc("a"),
        vpc("b", "10.1.0.0/16"),
        res("aws_ec2_transit_gateway.hub", {}),
        res(
            "aws_ec2_transit_gateway_vpc_attachment.a",
            {"transit_gateway_id": ref("aws_ec2_transit_gateway.hub"), "vpc_id": ref("aws_vpc.a")},
        ),
        res(
            "aws_ec2_transit_gateway_vpc_attachment.b",
            {"transit_gateway_id": ref("aws_ec2_transit_gateway.hub"), "vpc_id": ref("aws_vpc.b")},
        ),
        res(
            "aws_ec2_transit_gateway_vpc_attachment.ext",
            {"transit_gateway_id": "tgw-0ext", "vpc_id": ref("aws_vpc.b")},
        ),
        res(
            "aws_route_table.rt",
            {
                "vpc_id": ref("aws_vpc.a"),
                "route": [
                    {
                        "cidr_block": "10.1.0.0/16",
                        "transit_gateway_id": ref("aws_ec2_transit_gateway.hub"),
                    },
                ],
            },
        ),
    )
    hub = network.gateways["aws_ec2_transit_gateway.hub"]
    assert (hub.kind, hub.vpcs) == ("tgw", ("aws_vpc.a", "aws_vpc.b"))
    assert network.gateways["tgw-0ext"].external_id == "tgw-0ext"
    assert (
        network.route_tables["aws_route_table.rt"].routes[1].target == "aws_ec2_transit_gateway.hub"
    )
    assert "aws_ec2_transit_gateway" not in network.skipped_types


def test_transit_attachment_with_unknown_gateway_stands_in_for_it() -> None:
    network = build(
        vpc(),
        res(
            "aws_ec2_transit_gateway_vpc_attachment.a",
            {"transit_gateway_id": Unknown("tgw unknown"), "vpc_id": ref("aws_vpc.main")},
        ),
    )
    stand_in = network.gateways["aws_ec2_transit_gateway_vpc_attachment.a"]
    assert (stand_in.kind, stand_in.vpcs, stand_in.unknowns) == (
        "tgw",
        ("aws_vpc.main",),
        ("tgw unknown",),
    )


def test_vpc_endpoint_is_a_gateway_of_its_vpc() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_vpc_endpoint.gwlb",
            {
                "vpc_id": ref("aws_vpc.main"),
                "vpc_endpoint_type": "GatewayLoadBalancer",
                "subnet_ids": [ref("aws_subnet.a")],
            },
        ),
    )
    endpoint = network.gateways["aws_vpc_endpoint.gwlb"]
    assert (endpoint.kind, endpoint.vpcs, endpoint.subnet) == (
        "vpce",
        ("aws_vpc.main",),
        "aws_subnet.a",
    )


def test_self_referencing_accepter_does_not_loop() -> None:
    network = build(
        res(
            "aws_vpc_peering_connection_accepter.x",
            {"vpc_peering_connection_id": ref("aws_vpc_peering_connection_accepter.x")},
        )
    )
    assert network.gateways == {}
