"""TFV201 unreachable-subnet on hand-made networks, and the public entry point."""

from __future__ import annotations

from conflict_helpers import ALL, TCP, Net, nacl_rule, route

from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.findings import Finding, Severity
from tfvpc.model import Network


def unreachable(network: Network) -> list[Finding]:
    return [f for f in find_reachability_problems(network) if f.rule_id == "TFV201"]


def allow_all(cidr: str = "0.0.0.0/0") -> list:
    return [nacl_rule(100, "allow", ALL, cidr), nacl_rule(100, "allow", ALL, cidr, egress=True)]


def three_subnets() -> Net:
    """One VPC without gateways, subnets a, b and c (10.0.1-3.0/24) on the default NACL."""
    net = Net()
    vpc = net.vpc()
    for i, name in enumerate("abc", start=1):
        net.subnet(f"aws_subnet.{name}", vpc, f"10.0.{i}.0/24")
    return net


def test_default_nacl_siblings_reach_each_other() -> None:
    assert unreachable(three_subnets().build()) == []


def test_custom_nacl_without_rules() -> None:
    net = three_subnets()
    net.nacl("aws_network_acl.empty", "aws_vpc.main", [], ("aws_subnet.a",))
    (finding,) = unreachable(net.build())
    assert finding.resource == "aws_subnet.a" and finding.rule == "unreachable-subnet"
    assert finding.severity == Severity.MEDIUM and finding.certainty == "definite"
    assert "allows nothing inbound" in finding.message and "rule * deny" in finding.message
    assert "U-2" in finding.message
    assert finding.path[1].hop == "aws_network_acl.empty"
    assert finding.related[0] == "aws_network_acl.empty"


def test_adopted_default_nacl_with_every_rule_removed() -> None:
    net = three_subnets()
    # aws_default_network_acl without rules: the adopted default NACL denies everything.
    net.nacl("aws_default_network_acl.d", "aws_vpc.main", [], default=True)
    for name in "abc":
        net.nacl_of[f"aws_subnet.{name}"] = ["aws_default_network_acl.d"]
    found = unreachable(net.build())
    assert [f.resource for f in found] == ["aws_subnet.a", "aws_subnet.b", "aws_subnet.c"]


def test_outbound_dead_nacl() -> None:
    net = three_subnets()
    net.nacl("aws_network_acl.in_only", "aws_vpc.main", allow_all()[:1], ("aws_subnet.a",))
    (finding,) = unreachable(net.build())
    assert "allows nothing outbound" in finding.message
    assert "no reply can leave" in finding.message


def test_replies_blocked_everywhere() -> None:
    net = three_subnets()
    # Inbound everything, outbound only tcp 443: no reply reaches an ephemeral port.
    rules = [
        nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443), egress=True),
    ]
    net.nacl("aws_network_acl.a", "aws_vpc.main", rules, ("aws_subnet.a",))
    (finding,) = unreachable(net.build())
    assert finding.path[1].hop == "aws_subnet.b, aws_subnet.c (local route)"
    assert "lets no reply out" in finding.path[1].detail
    assert [h.hop for h in finding.path[1:]] == [
        "aws_subnet.b, aws_subnet.c (local route)",
        "internet",
    ]
    assert finding.path[2].detail == "aws_vpc.main has no attached internet gateway"


def test_nacl_admitting_only_its_own_subnet() -> None:
    net = three_subnets()
    net.nacl("aws_network_acl.self", "aws_vpc.main", allow_all("10.0.1.0/24"), ("aws_subnet.a",))
    (finding,) = unreachable(net.build())
    assert finding.resource == "aws_subnet.a"
    assert "R-NACL-12" in finding.message


def test_sibling_outbound_nacl_blocks_the_request() -> None:
    net = three_subnets()
    # b and c may send anywhere but to a (10.0.1.0/24); they still reach each other.
    rules = [
        nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
        nacl_rule(90, "deny", ALL, "10.0.1.0/24", egress=True),
        nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
    ]
    net.nacl("aws_network_acl.bc", "aws_vpc.main", rules, ("aws_subnet.b", "aws_subnet.c"))
    (finding,) = unreachable(net.build())
    assert finding.resource == "aws_subnet.a"
    assert finding.path[1].hop == "aws_subnet.b, aws_subnet.c (local route)"
    assert "NACL aws_network_acl.bc lets out none of what" in finding.path[1].detail


def test_isolated_single_subnet_vpc_is_info() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.alone", vpc, "10.0.1.0/24")
    (finding,) = unreachable(net.build())
    assert finding.severity == Severity.INFO
    assert "is isolated" in finding.message and "U-1" in finding.message


def public_only() -> Net:
    """A single public subnet whose NACL admits tcp 443 from anywhere and ephemeral replies."""
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.web", vpc, "10.0.1.0/24")
    net.gateway("aws_internet_gateway.igw", "igw", (vpc,))
    net.table(
        "aws_route_table.web",
        vpc,
        [route("0.0.0.0/0", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.web",),
    )
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (1024, 65535), egress=True),
    ]
    net.nacl("aws_network_acl.web", vpc, rules, ("aws_subnet.web",))
    return net


def test_internet_source_makes_a_public_subnet_reachable() -> None:
    assert unreachable(public_only().build()) == []


def test_internet_blocked_by_return_nacl() -> None:
    net = public_only()
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (80, 80), egress=True),
    ]
    net.nacl("aws_network_acl.web", "aws_vpc.main", rules, ("aws_subnet.web",))
    (finding,) = unreachable(net.build())
    assert finding.severity == Severity.MEDIUM
    assert finding.path[1].hop == "internet" and "lets no reply out" in finding.path[1].detail


def peered(admit: str) -> Net:
    """VPC a (one subnet, NACL admitting only `admit`) peered with VPC b (default NACL)."""
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.1.0.0/16",))
    net.subnet("aws_subnet.a", a, "10.0.1.0/24")
    net.subnet("aws_subnet.b", b, "10.1.1.0/24")
    pcx = net.gateway("aws_vpc_peering_connection.ab", "pcx", (a, b), accepted=True)
    net.table("aws_route_table.a", a, [route("10.1.0.0/16", "pcx", pcx)], ("aws_subnet.a",))
    net.table("aws_route_table.b", b, [route("10.0.0.0/16", "pcx", pcx)], ("aws_subnet.b",))
    net.nacl("aws_network_acl.a", a, allow_all(admit), ("aws_subnet.a",))
    return net


def test_peered_vpc_blocked_by_nacl_admitting_only_the_local_cidr() -> None:
    found = unreachable(peered("10.0.0.0/16").build())
    # b's only source is a, whose NACL lets nothing out to b: b is unreachable as well.
    assert [f.resource for f in found] == ["aws_subnet.a", "aws_subnet.b"]
    finding = found[0]
    assert finding.resource == "aws_subnet.a" and finding.severity == Severity.MEDIUM
    hop = finding.path[2]
    assert hop.hop == "aws_subnet.b via aws_vpc_peering_connection.ab"
    assert hop.detail == "NACL aws_network_acl.a admits nothing inbound from 10.1.1.0/24"


def test_peered_vpc_admitted_reaches() -> None:
    assert unreachable(peered("10.0.0.0/8").build()) == []


def test_peering_without_route_back() -> None:
    net = peered("10.0.0.0/8")
    net.table("aws_route_table.b", "aws_vpc.b", [], ("aws_subnet.b",))
    found = unreachable(net.build())
    by = {f.resource: f for f in found}
    # b is alone in its VPC and a answers nothing it could send: both are unreachable.
    assert by["aws_subnet.a"].path[2].detail == (
        "it has no route back via aws_vpc_peering_connection.ab"
    )
    assert "aws_subnet.b" in by and by["aws_subnet.b"].severity == Severity.INFO


def test_transit_gateway_route_is_a_source() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.a", vpc, "10.0.1.0/24")
    net.gateway("aws_ec2_transit_gateway.hub", "tgw", (vpc,))
    tgw_route = route("10.8.0.0/16", "tgw", "aws_ec2_transit_gateway.hub")
    net.table("aws_route_table.a", vpc, [tgw_route], ("aws_subnet.a",))
    net.nacl("aws_network_acl.a", vpc, allow_all("10.8.0.0/16"), ("aws_subnet.a",))
    assert unreachable(net.build()) == []
    net.nacl("aws_network_acl.a", vpc, allow_all("10.9.0.0/16"), ("aws_subnet.a",))
    (finding,) = unreachable(net.build())
    assert finding.severity == Severity.MEDIUM
    assert finding.path[-1].hop == "aws_ec2_transit_gateway.hub (10.8.0.0/16)"


def test_unknown_nacl_rule_is_read_permissively() -> None:
    net = three_subnets()
    rules = [
        nacl_rule(100, "allow", ALL, None, unknowns=("cidr_block of rule 100 is unknown",)),
        nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
    ]
    net.nacl("aws_network_acl.a", "aws_vpc.main", rules, ("aws_subnet.a",))
    assert unreachable(net.build()) == []


def test_public_entry_point_orders_by_rule_then_resource() -> None:
    net = three_subnets()
    net.nacl("aws_network_acl.empty", "aws_vpc.main", [], ("aws_subnet.b",))
    net.subnet("aws_subnet.d", "aws_vpc.main", "10.0.1.128/25", map_public_ip_on_launch=True)
    found = find_reachability_problems(net.build())
    assert [(f.rule_id, f.resource) for f in found] == [
        ("TFV201", "aws_subnet.b"),
        ("TFV202", "aws_subnet.d"),
        ("TFV204", "aws_subnet.d"),
    ]
    assert find_reachability_problems(net.build()) == found


def test_subnet_with_unknown_cidr_or_nacl_is_not_judged() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.a", vpc, None, unknowns=("cidr_block is unknown until apply",))
    net.subnet("aws_subnet.b", vpc, "10.0.2.0/24", nacls=("aws_network_acl.missing",))
    net.nacl("aws_network_acl.empty", vpc, [], ("aws_subnet.a",))
    found = unreachable(net.build())
    # a: its CIDR is unknown; b: its NACL is not in the model. b is a's only source and a is
    # b's: neither can be judged, and an unknown NACL may let anything through.
    assert found == []
