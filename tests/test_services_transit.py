"""Builder: transit gateway route tables, attachments and VPN connections (R-TGW-1, R-VPN-1)."""

from __future__ import annotations

from aws_helpers import ref, res
from services_helpers import APP, network_of

from tfvpc.load.resources import ResourceInstance, Value
from tfvpc.model import TransitRoute

TGW = "aws_ec2_transit_gateway.hub"
DEFAULT = f"{TGW}:default_route_table"


def attachment(**values: Value) -> ResourceInstance:
    return res(
        "aws_ec2_transit_gateway_vpc_attachment.main",
        {
            "transit_gateway_id": ref(TGW),
            "vpc_id": ref("aws_vpc.main"),
            "subnet_ids": [ref(APP)],
            **values,
        },
    )


def test_vpc_attachment_joins_the_implicit_default_table() -> None:
    network = network_of(res(TGW, {}), attachment())
    found = network.transit_attachments["aws_ec2_transit_gateway_vpc_attachment.main"]
    assert (found.kind, found.transit_gateway, found.vpc, found.subnets) == (
        "vpc",
        TGW,
        "aws_vpc.main",
        (APP,),
    )
    table = network.transit_route_tables[DEFAULT]
    assert (table.implicit, table.is_default, table.transit_gateway) == (True, True, TGW)
    assert table.associations == ("aws_ec2_transit_gateway_vpc_attachment.main",)
    assert table.propagations == ("aws_ec2_transit_gateway_vpc_attachment.main",)


def test_opting_out_and_explicit_tables_routes_and_blackholes() -> None:
    network = network_of(
        res(TGW, {"default_route_table_propagation": "disable"}),
        attachment(transit_gateway_default_route_table_association=False),
        res("aws_ec2_transit_gateway_route_table.spoke", {"transit_gateway_id": ref(TGW)}),
        res(
            "aws_ec2_transit_gateway_route_table_association.main",
            {
                "transit_gateway_attachment_id": ref("aws_ec2_transit_gateway_vpc_attachment.main"),
                "transit_gateway_route_table_id": ref("aws_ec2_transit_gateway_route_table.spoke"),
            },
        ),
        res(
            "aws_ec2_transit_gateway_route.onprem",
            {
                "destination_cidr_block": "192.168.0.0/16",
                "transit_gateway_attachment_id": ref("aws_vpn_connection.dc"),
                "transit_gateway_route_table_id": ref("aws_ec2_transit_gateway_route_table.spoke"),
            },
        ),
        res(
            "aws_ec2_transit_gateway_route.drop",
            {
                "destination_cidr_block": "10.99.0.0/16",
                "blackhole": True,
                "transit_gateway_route_table_id": ref(TGW, "association_default_route_table_id"),
            },
        ),
        res(
            "aws_vpn_connection.dc",
            {
                "transit_gateway_id": ref(TGW),
                "customer_gateway_id": ref("aws_customer_gateway.dc"),
                "static_routes_only": True,
            },
        ),
    )
    main = network.transit_attachments["aws_ec2_transit_gateway_vpc_attachment.main"]
    assert (main.default_association, main.default_propagation) == (False, False)
    spoke = network.transit_route_tables["aws_ec2_transit_gateway_route_table.spoke"]
    assert spoke.associations == ("aws_ec2_transit_gateway_vpc_attachment.main",)
    assert spoke.routes == (
        TransitRoute(
            destination="192.168.0.0/16",
            attachment="aws_vpn_connection.dc",
            origin="aws_ec2_transit_gateway_route.onprem",
        ),
    )
    default = network.transit_route_tables[DEFAULT]
    assert default.associations == ("aws_vpn_connection.dc",)
    assert default.propagations == ()
    assert [(r.destination, r.blackhole) for r in default.routes] == [("10.99.0.0/16", True)]
    vpn = network.vpn_connections["aws_vpn_connection.dc"]
    assert (vpn.gateway, vpn.customer_gateway, vpn.static_routes_only) == (
        TGW,
        "aws_customer_gateway.dc",
        True,
    )


def test_vpn_connection_on_a_vpn_gateway_with_static_routes() -> None:
    network = network_of(
        res("aws_vpn_gateway.vgw", {"vpc_id": ref("aws_vpc.main")}),
        res(
            "aws_vpn_connection.dc",
            {"vpn_gateway_id": ref("aws_vpn_gateway.vgw"), "customer_gateway_id": "cgw-0abc"},
        ),
        res(
            "aws_vpn_connection_route.office",
            {
                "destination_cidr_block": "172.20.0.0/16",
                "vpn_connection_id": ref("aws_vpn_connection.dc"),
            },
        ),
    )
    vpn = network.vpn_connections["aws_vpn_connection.dc"]
    assert (vpn.gateway, vpn.customer_gateway, vpn.static_routes) == (
        "aws_vpn_gateway.vgw",
        "cgw-0abc",
        ("172.20.0.0/16",),
    )
    assert network.transit_attachments == {}
