"""TFV203 blackhole-route and TFV202 public-subnet-without-internet-route on hand-made networks."""

from __future__ import annotations

from conflict_helpers import Net, route

from tfvpc.analyse.blackholes import find_blackhole_routes
from tfvpc.analyse.public_subnets import find_public_subnets_without_route
from tfvpc.analyse.routing import RoutingIndex, table_routing
from tfvpc.analyse.usage import usage_of
from tfvpc.findings import Finding
from tfvpc.model import Network, PrefixList, Route
from tfvpc.space import FlowSet


def blackholes(network: Network) -> list[Finding]:
    return find_blackhole_routes(network, RoutingIndex(network))


def public_without_route(network: Network) -> list[Finding]:
    return find_public_subnets_without_route(network, RoutingIndex(network), usage_of(network))


def two_tier() -> Net:
    """A VPC with a public subnet (0/0 -> IGW) holding a public NAT, and a private subnet."""
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.public", vpc, "10.0.0.0/24", map_public_ip_on_launch=True)
    net.subnet("aws_subnet.private", vpc, "10.0.1.0/24")
    net.gateway("aws_internet_gateway.igw", "igw", (vpc,))
    net.gateway("aws_nat_gateway.nat", "nat", (vpc,), subnet="aws_subnet.public", public=True)
    net.table(
        "aws_route_table.public",
        vpc,
        [route("0.0.0.0/0", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.public",),
    )
    net.table(
        "aws_route_table.private",
        vpc,
        [route("0.0.0.0/0", "nat", "aws_nat_gateway.nat", origin="aws_route.private_nat")],
        ("aws_subnet.private",),
    )
    return net


# --- route lookup -------------------------------------------------------------------------------


def test_longest_prefix_wins_and_prefix_list_entries_count_by_their_length() -> None:
    net = Net()
    vpc = net.vpc()
    net.table(
        "aws_route_table.t",
        vpc,
        [
            route("0.0.0.0/0", "igw", "aws_internet_gateway.igw"),
            Route(
                prefix_list="aws_ec2_managed_prefix_list.pl",
                target_kind="tgw",
                target="tgw",
                origin="aws_route.pl",
            ),
            route("192.168.0.0/16", "vgw", "vgw", propagated=True),
            route("192.168.0.0/16", "pcx", "pcx"),
        ],
    )
    network = net.build().model_copy(
        update={
            "prefix_lists": {
                "aws_ec2_managed_prefix_list.pl": PrefixList(
                    address="aws_ec2_managed_prefix_list.pl", cidrs=("172.16.0.0/12",)
                )
            }
        }
    )
    routing = table_routing(network.route_tables["aws_route_table.t"], network)
    won = {share.route.target or "local": share.destinations for share in routing.shares}
    assert won["local"] == FlowSet.of(-1, "10.0.0.0/16")
    assert won["tgw"] == FlowSet.of(-1, "172.16.0.0/12")
    # R-RT-5: at equal length the static route beats the propagated one.
    assert won["pcx"] == FlowSet.of(-1, "192.168.0.0/16") and "vgw" not in won
    internet = FlowSet.of(-1, "0.0.0.0/0") - won["local"] - won["tgw"] - won["pcx"]
    assert won["aws_internet_gateway.igw"] == internet
    assert routing.unresolved == ()


# --- TFV203 -------------------------------------------------------------------------------------


def test_healthy_two_tier_network_has_no_blackhole() -> None:
    assert blackholes(two_tier().build()) == []


def test_route_to_igw_of_another_vpc() -> None:
    net = two_tier()
    other = net.vpc("aws_vpc.other", ("10.9.0.0/16",))
    net.gateway("aws_internet_gateway.igw", "igw", (other,))
    found = blackholes(net.build())
    # The NAT gateway behind it loses its way out too (U-5): both routes are reported.
    assert [f.resource for f in found] == ["aws_route.private_nat", "aws_route_table.public"]
    finding = found[1]
    assert finding.rule == "blackhole-route" and finding.certainty == "definite"
    assert "belongs to aws_vpc.other, not aws_vpc.main" in finding.message
    assert finding.path[0].hop == "aws_route_table.public"
    assert finding.path[0].detail == "0.0.0.0/0 -> aws_internet_gateway.igw"
    assert "aws_internet_gateway.igw" in finding.related


def test_detached_igw() -> None:
    net = two_tier()
    net.gateway("aws_internet_gateway.igw", "igw", ())
    found = blackholes(net.build())
    assert any("is attached to no VPC" in f.message for f in found)


def test_dangling_reference_is_a_blackhole_but_external_ids_are_not() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.a", vpc, "10.0.0.0/24")
    net.table(
        "aws_route_table.t",
        vpc,
        [
            route("10.1.0.0/16", "nat", None, target_ref="aws_nat_gateway.gone.id"),
            route("10.2.0.0/16", "nat", None, target_ref="nat-0123456789abcdef0"),
            route("10.3.0.0/16", "nat", None, target_ref="data.aws_nat_gateway.shared.id"),
            route("10.4.0.0/16", "tgw", None, target_ref="aws_ec2_transit_gateway.hub.id"),
            route(
                "10.5.0.0/16", "pcx", None, target_ref='module.x.aws_vpc_peering_connection.p["a"]'
            ),
        ],
    )
    network = net.build()
    # The transit gateway is declared (its location is known) even if not modelled: no finding.
    network.locations["aws_ec2_transit_gateway.hub"] = network.locations["aws_vpc.main"]
    found = blackholes(network)
    assert [f.path[0].detail for f in found] == [
        "10.1.0.0/16 -> aws_nat_gateway.gone.id",
        '10.5.0.0/16 -> module.x.aws_vpc_peering_connection.p["a"]',
    ]
    assert "aws_nat_gateway.gone is not declared" in found[0].message
    assert len({f.fingerprint for f in found}) == 2


def test_nat_gateway_in_a_private_subnet() -> None:
    net = two_tier()
    # The NAT sits in the private subnet, whose only way out is the NAT itself.
    net.gateway(
        "aws_nat_gateway.nat", "nat", ("aws_vpc.main",), subnet="aws_subnet.private", public=True
    )
    (finding,) = blackholes(net.build())
    assert finding.resource == "aws_route.private_nat"
    assert "sits in aws_subnet.private and cannot pass the traffic on" in finding.message
    assert "0.0.0.0/0 -> aws_nat_gateway.nat" in finding.message
    assert [h.hop for h in finding.path] == [
        "aws_route_table.private",
        "aws_nat_gateway.nat",
        "aws_subnet.private",
    ]


def test_nat_gateway_in_subnet_with_only_local_routes() -> None:
    net = two_tier()
    vpc = "aws_vpc.main"
    net.subnet("aws_subnet.isolated", vpc, "10.0.2.0/24")
    net.gateway("aws_nat_gateway.nat", "nat", (vpc,), subnet="aws_subnet.isolated", public=True)
    (finding,) = blackholes(net.build())
    assert "aws_vpc.main:main_route_table" in finding.related
    assert "its subnet has no route for it" in finding.message


def test_private_nat_with_default_route() -> None:
    net = two_tier()
    vpc = "aws_vpc.main"
    net.gateway("aws_nat_gateway.nat", "nat", (vpc,), subnet="aws_subnet.public", public=False)
    (finding,) = blackholes(net.build())
    assert "private or has no Elastic IP" in finding.message


def test_private_nat_forwarding_to_transit_gateway_is_fine() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.nat", vpc, "10.0.0.0/24")
    net.subnet("aws_subnet.app", vpc, "10.0.1.0/24")
    net.gateway("aws_ec2_transit_gateway.hub", "tgw", (vpc,))
    net.gateway("aws_nat_gateway.priv", "nat", (vpc,), subnet="aws_subnet.nat", public=False)
    net.table(
        "aws_route_table.nat",
        vpc,
        [route("0.0.0.0/0", "tgw", "aws_ec2_transit_gateway.hub")],
        ("aws_subnet.nat",),
    )
    net.table(
        "aws_route_table.app",
        vpc,
        [route("0.0.0.0/0", "nat", "aws_nat_gateway.priv")],
        ("aws_subnet.app",),
    )
    assert blackholes(net.build()) == []


def test_partial_nat_chain_names_the_dropped_part() -> None:
    net = two_tier()
    net.table(
        "aws_route_table.public",
        "aws_vpc.main",
        [route("192.0.2.0/24", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.public",),
    )
    found = blackholes(net.build())
    (finding,) = [f for f in found if f.resource == "aws_route.private_nat"]
    assert (
        " for 0.0.0.0/5," in finding.message
        and "192.0.2.0/24" not in finding.message.split(" for ")[1].split(":")[0]
    )


def test_unaccepted_peering() -> None:
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.1.0.0/16",))
    pcx = net.gateway("aws_vpc_peering_connection.ab", "pcx", (a, b), accepted=False)
    net.table("aws_route_table.a", a, [route("10.1.0.0/16", "pcx", pcx)])
    net.table("aws_route_table.b", b, [route("10.0.0.0/16", "pcx", pcx)])
    found = blackholes(net.build())
    assert len(found) == 2 and all("not accepted" in f.message for f in found)


def test_peering_two_way_is_fine_one_way_is_not() -> None:
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.1.0.0/16",))
    pcx = net.gateway("aws_vpc_peering_connection.ab", "pcx", (a, b), accepted=True)
    net.table("aws_route_table.a", a, [route("10.1.0.0/16", "pcx", pcx)])
    net.table("aws_route_table.b", b, [route("10.0.0.0/24", "pcx", pcx)])
    assert blackholes(net.build()) == []
    net.table("aws_route_table.b", b, [])
    (finding,) = blackholes(net.build())
    assert finding.resource == "aws_route_table.a"
    assert "no route table of aws_vpc.b routes aws_vpc.a back" in finding.message


def test_peering_used_beyond_the_peer_vpc_or_joining_other_vpcs() -> None:
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.1.0.0/16",))
    c = net.vpc("aws_vpc.c", ("10.2.0.0/16",))
    pcx = net.gateway("aws_vpc_peering_connection.ab", "pcx", (a, b), accepted=True)
    net.table("aws_route_table.a", a, [route("0.0.0.0/0", "pcx", pcx)])
    net.table("aws_route_table.b", b, [route("10.0.0.0/16", "pcx", pcx)])
    net.table("aws_route_table.c", c, [route("10.1.0.0/16", "pcx", pcx)])
    found = {f.resource: f for f in blackholes(net.build())}
    assert sorted(found) == ["aws_route_table.a", "aws_route_table.c"]
    assert "does not forward beyond the peer VPC" in found["aws_route_table.a"].message
    assert "belongs to aws_vpc.a, aws_vpc.b, not aws_vpc.c" in found["aws_route_table.c"].message


def test_unknowns_make_a_blackhole_possible() -> None:
    net = two_tier()
    net.gateway(
        "aws_internet_gateway.igw",
        "igw",
        (),
        unknowns=("vpc_id of aws_internet_gateway.igw is unknown",),
    )
    (finding,) = blackholes(net.build())
    assert (
        finding.certainty == "possible" and "vpc_id of aws_internet_gateway.igw" in finding.message
    )


def test_external_gateway_is_never_a_blackhole() -> None:
    net = two_tier()
    net.gateway("aws_internet_gateway.igw", "igw", (), external_id="igw-0abc")
    assert blackholes(net.build()) == []


# --- TFV202 -------------------------------------------------------------------------------------


def test_public_subnet_with_igw_route_is_fine() -> None:
    assert public_without_route(two_tier().build()) == []


def test_map_public_ip_subnet_routed_to_nat() -> None:
    net = two_tier()
    net.subnet("aws_subnet.private", "aws_vpc.main", "10.0.1.0/24", map_public_ip_on_launch=True)
    (finding,) = public_without_route(net.build())
    assert finding.rule == "public-subnet-without-internet-route"
    assert finding.resource == "aws_subnet.private" and finding.certainty == "definite"
    assert "map_public_ip_on_launch = true" in finding.message
    assert [(h.hop, h.detail) for h in finding.path] == [
        ("aws_subnet.private", "map_public_ip_on_launch = true"),
        ("aws_route_table.private", "0.0.0.0/0 -> aws_nat_gateway.nat"),
        ("aws_vpc.main", "internet gateway aws_internet_gateway.igw is attached"),
    ]


def test_eip_holder_in_private_subnet() -> None:
    net = two_tier()
    net.attach(
        "aws_instance.web",
        "aws_subnet.private",
        ("aws_vpc.main:default_security_group",),
        public_ipv4=True,
        public_ipv4_via="eip",
        public_ipv4_evidence="aws_eip.web",
    )
    (finding,) = public_without_route(net.build())
    assert "aws_instance.web has a public IPv4 (eip, aws_eip.web)" in finding.message
    assert "aws_instance.web" in finding.related


def test_public_nat_in_private_subnet_is_public_evidence() -> None:
    net = two_tier()
    net.gateway(
        "aws_nat_gateway.nat", "nat", ("aws_vpc.main",), subnet="aws_subnet.private", public=True
    )
    (finding,) = public_without_route(net.build())
    assert finding.resource == "aws_subnet.private"
    assert "aws_nat_gateway.nat is a public NAT gateway" in finding.message


def test_vpc_without_igw() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.a", vpc, "10.0.0.0/24", map_public_ip_on_launch=True)
    (finding,) = public_without_route(net.build())
    assert "no internet gateway is attached" in finding.message
    assert finding.path[1].detail == "only local routes"


def test_route_to_igw_of_other_vpc_does_not_make_the_subnet_public() -> None:
    net = two_tier()
    other = net.vpc("aws_vpc.other", ("10.9.0.0/16",))
    net.gateway("aws_internet_gateway.igw", "igw", (other,))
    found = public_without_route(net.build())
    assert [f.resource for f in found] == ["aws_subnet.public"]


def test_partly_public_subnet_is_not_reported() -> None:
    net = two_tier()
    net.table(
        "aws_route_table.public",
        "aws_vpc.main",
        [route("198.51.100.0/24", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.public",),
    )
    assert public_without_route(net.build()) == []


def test_private_subnet_without_public_addresses_is_not_reported() -> None:
    net = two_tier()
    net.attach("aws_instance.app", "aws_subnet.private", ("aws_vpc.main:default_security_group",))
    assert public_without_route(net.build()) == []


def test_unknown_public_ip_is_possible() -> None:
    net = two_tier()
    net.subnet("aws_subnet.private", "aws_vpc.main", "10.0.1.0/24", map_public_ip_on_launch=None)
    (finding,) = public_without_route(net.build())
    assert finding.certainty == "possible"
    assert "map_public_ip_on_launch unknown" in finding.message
