"""TFV201 with transit gateways the input declares (R-TGW-1, U-7) and VPN attachments (R-VPN-1).

Three VPCs on one transit gateway, one subnet each, allow-all NACLs, no internet gateway, every
subnet routing 10.0.0.0/8 to the transit gateway; the default TGW table associates and
propagates every attachment. A subnet alone in its VPC is reachable only through the gateway.
"""

from __future__ import annotations

from typing import Any

from model_helpers import local_route, nacl, nacl_rule, vpc

from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.findings import Finding, Hop, Severity
from tfvpc.model import (
    Gateway,
    Nacl,
    Network,
    Route,
    RouteTable,
    Subnet,
    TransitAttachment,
    TransitRoute,
    TransitRouteTable,
    Vpc,
    VpnConnection,
)

TGW = "aws_ec2_transit_gateway.hub"
TGW_TABLE = "aws_ec2_transit_gateway.hub:default_route_table"
DROP = "aws_ec2_transit_gateway_route.drop"
NAMES = ("a", "b", "c")
CIDRS = {"a": "10.0.0.0/16", "b": "10.1.0.0/16", "c": "10.2.0.0/16"}


def place(name: str, *, zone: str = "eu-west-1a", sibling: bool = False) -> list[Any]:
    """Return VPC `name` with its work subnet (the attachment's subnet, unless `sibling`, when
    the attachment sits in a subnet of its own in eu-west-1a)."""
    base = CIDRS[name][: -len("0.0/16")]
    v = vpc(f"aws_vpc.{name}", ipv4=(CIDRS[name],))
    acl = nacl(f"aws_network_acl.{name}").model_copy(update={"vpc": v.address})
    table = RouteTable(
        address=f"aws_route_table.{name}",
        vpc=v.address,
        routes=(
            local_route(CIDRS[name]),
            Route(destination="10.0.0.0/8", target_kind="tgw", target=TGW, origin="x"),
        ),
    )
    work = Subnet(
        address=f"aws_subnet.{name}",
        vpc=v.address,
        ipv4_cidr=f"{base}1.0/24",
        availability_zone=zone,
        route_tables=(table.address,),
        nacls=(acl.address,),
    )
    objects: list[Any] = [v, acl, table, work]
    holder = work.address
    if sibling:
        # The work subnet's NACL refuses its own VPC, so the sibling cannot reach it.
        guard = nacl(
            f"aws_network_acl.{name}_guard",
            ingress=(nacl_rule(90, "deny", -1, CIDRS[name]), nacl_rule(100, "allow", -1)),
        ).model_copy(update={"vpc": v.address})
        work = work.model_copy(update={"nacls": (guard.address,)})
        holder = f"aws_subnet.{name}_tgw"
        tgw_subnet = work.model_copy(
            update={
                "address": holder,
                "ipv4_cidr": f"{base}255.0/28",
                "availability_zone": "eu-west-1a",
                "nacls": (acl.address,),
            }
        )
        objects = [v, acl, guard, table, work, tgw_subnet]
    attachment = TransitAttachment(
        address=f"aws_ec2_transit_gateway_vpc_attachment.{name}",
        kind="vpc",
        transit_gateway=TGW,
        vpc=v.address,
        subnets=(holder,),
    )
    return [*objects, attachment]


def build(
    *, routes: tuple[TransitRoute, ...] = (), extra: tuple[Any, ...] = (), **layout: Any
) -> Network:
    """Return the three VPCs; `layout` gives `place` keywords per VPC name."""
    objects = [o for name in NAMES for o in place(name, **layout.get(name, {}))]
    objects += extra
    attachments = [o.address for o in objects if isinstance(o, TransitAttachment)]
    slots = {
        Vpc: "vpcs",
        Nacl: "nacls",
        RouteTable: "route_tables",
        Subnet: "subnets",
        TransitAttachment: "transit_attachments",
        VpnConnection: "vpn_connections",
        Gateway: "gateways",
    }
    fields: dict[str, dict[str, Any]] = {slot: {} for slot in slots.values()}
    for item in objects:
        fields[slots[type(item)]][item.address] = item
    hub = Gateway(address=TGW, kind="tgw", vpcs=tuple(f"aws_vpc.{n}" for n in NAMES))
    fields["gateways"][TGW] = hub
    table = TransitRouteTable(
        address=TGW_TABLE,
        transit_gateway=TGW,
        is_default=True,
        implicit=True,
        routes=routes,
        associations=tuple(attachments),
        propagations=tuple(attachments),
    )
    return Network(**fields, transit_route_tables={TGW_TABLE: table})


def unreachable(network: Network) -> dict[str, Finding]:
    findings = find_reachability_problems(network)
    return {f.resource: f for f in findings if f.rule_id == "TFV201"}


def test_lone_subnets_are_reachable_through_the_transit_gateway() -> None:
    assert unreachable(build()) == {}


def test_blackhole_route_cuts_a_subnet_off() -> None:
    drop = TransitRoute(destination="10.2.1.0/24", blackhole=True, origin=DROP)
    found = unreachable(build(routes=(drop,)))
    assert set(found) == {"aws_subnet.c"}
    finding = found["aws_subnet.c"]
    assert finding.severity is Severity.INFO
    blocked = f"{TGW_TABLE} drops aws_subnet.c at blackhole route {DROP}"
    assert finding.path == (
        Hop(hop="aws_subnet.c", detail="NACL aws_network_acl.c"),
        Hop(hop="internet", detail="aws_vpc.c has no attached internet gateway"),
        Hop(hop=f"aws_subnet.a via {TGW}", detail=blocked),
        Hop(hop=f"aws_subnet.b via {TGW}", detail=blocked),
    )


def test_uncertain_blackhole_drops_nothing() -> None:
    drop = TransitRoute(
        destination="10.2.1.0/24", blackhole=True, origin=DROP, unknowns=("count unknown",)
    )
    assert unreachable(build(routes=(drop,))) == {}


def test_zone_gap_is_the_evidence() -> None:
    # c's work subnet is in eu-west-1b, the attachment only in eu-west-1a (U-7); its sibling
    # is refused by its NACL.
    found = unreachable(build(c={"zone": "eu-west-1b", "sibling": True}))
    assert set(found) == {"aws_subnet.c"}
    gap = (
        "aws_ec2_transit_gateway_vpc_attachment.c has no subnet in eu-west-1b "
        "(only eu-west-1a), so it cannot serve it (U-7)"
    )
    assert Hop(hop=f"sources via {TGW}", detail=gap) in found["aws_subnet.c"].path


def test_zone_gap_is_not_claimed_when_zones_are_unknown() -> None:
    network = build(c={"zone": None, "sibling": True})
    assert unreachable(network) == {}


def test_vpn_attachment_is_an_on_premises_source() -> None:
    vpn = TransitAttachment(address="aws_vpn_connection.office", kind="vpn", transit_gateway=TGW)
    drop = TransitRoute(destination="10.2.1.0/24", blackhole=True, origin=DROP)
    connection = VpnConnection(
        address=vpn.address, gateway=TGW, static_routes_only=False, static_routes=()
    )
    # BGP: the office's routes are unknown, so the default table may send it anything and
    # the office may reach c through its own association... except the blackhole drops c.
    found = unreachable(build(routes=(drop,), extra=(vpn, connection)))
    hop = next(h for h in found["aws_subnet.c"].path if h.hop.startswith(vpn.address))
    assert hop.hop == f"{vpn.address} (vpn) via {TGW}"
    assert hop.detail == f"{TGW_TABLE} drops aws_subnet.c at blackhole route {DROP}"


def test_vpn_attachment_reaches_a_subnet_the_vpcs_cannot() -> None:
    vpn = TransitAttachment(address="aws_vpn_connection.office", kind="vpn", transit_gateway=TGW)
    office = TransitRouteTable(
        address="aws_ec2_transit_gateway_route_table.office",
        transit_gateway=TGW,
        associations=(vpn.address,),
    )
    drop = TransitRoute(destination="10.2.1.0/24", blackhole=True, origin=DROP)
    network = build(routes=(drop,), extra=(vpn,))
    # Associated with its own table (routing c via its VPC attachment), the VPN is not cut off.
    tables = dict(network.transit_route_tables)
    default = tables[TGW_TABLE]
    tables[TGW_TABLE] = default.model_copy(
        update={"associations": tuple(a for a in default.associations if a != vpn.address)}
    )
    tables[office.address] = office.model_copy(
        update={
            "routes": (
                TransitRoute(
                    destination="10.2.0.0/16",
                    attachment="aws_ec2_transit_gateway_vpc_attachment.c",
                    origin="aws_ec2_transit_gateway_route.office_c",
                ),
            )
        }
    )
    # The default table (c's association) must also route back to the office: it propagates.
    assert unreachable(network.model_copy(update={"transit_route_tables": tables})) == {}
