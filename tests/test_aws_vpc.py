"""VPCs, their implicit objects, CIDR associations, default VPCs and subnets."""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, unknown, vpc

from tfvpc.load.resources import Unknown
from tfvpc.model import NaclRule, Route, SgRule


def test_every_vpc_gets_implicit_main_table_default_nacl_and_default_sg() -> None:
    network = build(vpc())
    main = network.vpcs["aws_vpc.main"]
    assert main.ipv4_cidrs == ("10.0.0.0/16",)
    assert main.main_route_table == "aws_vpc.main:main_route_table"
    assert main.default_nacl == "aws_vpc.main:default_nacl"
    assert main.default_security_group == "aws_vpc.main:default_security_group"

    table = network.route_tables["aws_vpc.main:main_route_table"]
    assert table.implicit and table.is_main and table.vpc == "aws_vpc.main"
    # R-RT-1/R-RT-4: the main table holds only the local route.
    assert table.routes == (
        Route(destination="10.0.0.0/16", target_kind="local", origin=table.address),
    )

    nacl = network.nacls["aws_vpc.main:default_nacl"]
    assert nacl.implicit and nacl.is_default
    # R-NACL-8 (IPv4-only VPC): rule 100 allows all, then the two "*" denies.
    assert [(r.rule_no, r.action, r.protocol, r.cidr) for r in nacl.ingress] == [
        (100, "allow", -1, "0.0.0.0/0"),
        (32767, "deny", -1, "0.0.0.0/0"),
        (32767, "deny", -1, "::/0"),
    ]
    assert [(r.rule_no, r.action, r.cidr) for r in nacl.egress] == [
        (100, "allow", "0.0.0.0/0"),
        (32767, "deny", "0.0.0.0/0"),
        (32767, "deny", "::/0"),
    ]
    assert all(r.is_default_deny for r in nacl.ingress if r.rule_no == 32767)

    group = network.security_groups["aws_vpc.main:default_security_group"]
    assert group.implicit and group.is_default
    # R-SG-9: all in from the group itself, all out to 0.0.0.0/0.
    assert [(r.direction, r.protocol, r.peer_kind, r.peer) for r in group.rules] == [
        ("ingress", -1, "self", group.address),
        ("egress", -1, "cidr", "0.0.0.0/0"),
    ]


def test_ipv6_vpc_defaults_cover_ipv6() -> None:
    network = build(vpc(ipv6_cidr_block="2600:1f18:1::/56"))
    main = network.vpcs["aws_vpc.main"]
    assert main.ipv6_cidrs == ("2600:1f18:1::/56",)
    nacl = network.nacls["aws_vpc.main:default_nacl"]
    assert [(r.rule_no, r.cidr) for r in nacl.ingress if not r.is_default_deny] == [
        (100, "0.0.0.0/0"),
        (101, "::/0"),
    ]
    group = network.security_groups["aws_vpc.main:default_security_group"]
    assert [r.peer for r in group.rules if r.direction == "egress"] == ["0.0.0.0/0", "::/0"]
    table = network.route_tables[main.main_route_table]
    assert [r.destination for r in table.routes] == ["10.0.0.0/16", "2600:1f18:1::/56"]


def test_amazon_generated_ipv6_block_is_unknown_but_present() -> None:
    network = build(vpc(assign_generated_ipv6_cidr_block=True))
    main = network.vpcs["aws_vpc.main"]
    assert main.ipv6_cidrs == ()
    reason = "the IPv6 CIDR of aws_vpc.main is assigned by AWS at apply"
    assert reason in main.unknowns
    nacl = network.nacls["aws_vpc.main:default_nacl"]
    assert 101 in [r.rule_no for r in nacl.ingress]
    table = network.route_tables[main.main_route_table]
    # One local route per CIDR; the unknown one has no destination and says why.
    assert table.routes[1] == Route(target_kind="local", origin=table.address, unknowns=(reason,))


def test_unknown_vpc_cidr_is_kept_unknown_with_its_reason() -> None:
    network = build(
        res(
            "aws_vpc.main",
            {"cidr_block": Unknown("cidr_block of aws_vpc.main is unknown until apply")},
        )
    )
    main = network.vpcs["aws_vpc.main"]
    assert main.ipv4_cidrs == ()
    assert main.unknowns == ("cidr_block of aws_vpc.main is unknown until apply",)
    table = network.route_tables[main.main_route_table]
    assert table.routes[0].destination is None
    assert table.routes[0].unknowns == main.unknowns


def test_ipam_vpc_cidr_is_unknown() -> None:
    network = build(res("aws_vpc.main", {"ipv4_ipam_pool_id": "ipam-pool-1"}))
    assert network.vpcs["aws_vpc.main"].unknowns == (
        "cidr_block of aws_vpc.main is allocated from an IPAM pool at apply",
    )


def test_cidr_associations_add_cidrs_and_local_routes() -> None:
    network = build(
        vpc(),
        res(
            "aws_vpc_ipv4_cidr_block_association.extra",
            {"vpc_id": ref("aws_vpc.main"), "cidr_block": "10.1.0.0/16"},
        ),
        res(
            "aws_vpc_ipv6_cidr_block_association.v6",
            {"vpc_id": ref("aws_vpc.main"), "ipv6_cidr_block": "2600::/56"},
        ),
        res("aws_route_table.rt", {"vpc_id": ref("aws_vpc.main")}),
    )
    main = network.vpcs["aws_vpc.main"]
    assert main.ipv4_cidrs == ("10.0.0.0/16", "10.1.0.0/16")
    assert main.ipv6_cidrs == ("2600::/56",)
    table = network.route_tables["aws_route_table.rt"]
    assert [(r.destination, r.target_kind) for r in table.routes] == [
        ("10.0.0.0/16", "local"),
        ("10.1.0.0/16", "local"),
        ("2600::/56", "local"),
    ]
    assert 101 in [r.rule_no for r in network.nacls[main.default_nacl].egress]


def test_default_vpc_has_its_cidr_an_internet_gateway_and_a_default_route() -> None:
    network = build(res("aws_default_vpc.default", {}))
    default = network.vpcs["aws_default_vpc.default"]
    assert default.ipv4_cidrs == ("172.31.0.0/16",)
    igw = network.gateways["aws_default_vpc.default:internet_gateway"]
    assert igw.kind == "igw" and igw.implicit and igw.vpcs == ("aws_default_vpc.default",)
    table = network.route_tables[default.main_route_table]
    assert [(r.destination, r.target_kind, r.target) for r in table.routes] == [
        ("172.31.0.0/16", "local", None),
        ("0.0.0.0/0", "igw", igw.address),
    ]


def test_default_vpc_uses_a_declared_internet_gateway_instead_of_an_implicit_one() -> None:
    network = build(
        res("aws_default_vpc.default", {}),
        res("aws_internet_gateway.igw", {"vpc_id": ref("aws_default_vpc.default")}),
    )
    assert "aws_default_vpc.default:internet_gateway" not in network.gateways
    table = network.route_tables["aws_default_vpc.default:main_route_table"]
    assert table.routes[-1].target == "aws_internet_gateway.igw"


def test_default_subnet_maps_public_ips_and_belongs_to_the_default_vpc() -> None:
    network = build(
        res("aws_default_vpc.default", {}),
        res("aws_default_subnet.a", {"availability_zone": "eu-west-1a"}),
    )
    default_subnet = network.subnets["aws_default_subnet.a"]
    assert default_subnet.vpc == "aws_default_vpc.default"
    assert default_subnet.map_public_ip_on_launch is True
    assert default_subnet.ipv4_cidr is None
    assert default_subnet.unknowns == ("cidr_block of aws_default_subnet.a is chosen by AWS",)
    assert default_subnet.route_tables == ("aws_default_vpc.default:main_route_table",)


def test_subnet_fields_are_read_and_canonicalised() -> None:
    network = build(
        vpc(),
        subnet(
            "a",
            "10.0.1.7/24",
            ipv6_cidr_block="2600:1::/64",
            availability_zone="eu-west-1a",
            map_public_ip_on_launch="true",
        ),
    )
    found = network.subnets["aws_subnet.a"]
    assert found.vpc == "aws_vpc.main"
    assert found.ipv4_cidr == "10.0.1.0/24"
    assert found.ipv6_cidr == "2600:1::/64"
    assert found.availability_zone == "eu-west-1a"
    assert found.map_public_ip_on_launch is True
    assert found.assign_ipv6_address_on_creation is False
    assert found.nacls == ("aws_vpc.main:default_nacl",)
    assert found.unknowns == ()


def test_unknown_map_public_ip_on_launch_is_none_with_reason() -> None:
    reason = "map_public_ip_on_launch of aws_subnet.a is unknown until apply"
    network = build(vpc(), subnet("a", "10.0.1.0/24", map_public_ip_on_launch=Unknown(reason)))
    found = network.subnets["aws_subnet.a"]
    assert found.map_public_ip_on_launch is None
    assert found.unknowns == (reason,)


def test_subnet_with_unknown_vpc_has_no_tables_and_says_why() -> None:
    reason = "vpc_id of aws_subnet.a is unknown until apply"
    network = build(
        vpc(), res("aws_subnet.a", {"vpc_id": Unknown(reason), "cidr_block": "10.0.1.0/24"})
    )
    found = network.subnets["aws_subnet.a"]
    assert found.vpc is None
    assert found.route_tables == () and found.nacls == ()
    assert found.unknowns == (reason,)


def test_subnet_with_ambiguous_vpc_keeps_every_candidate_main_table_and_nacl() -> None:
    network = build(
        vpc("a"),
        vpc("b", "10.1.0.0/16"),
        res(
            "aws_subnet.s",
            {
                "vpc_id": unknown("vpc_id is unknown", "aws_vpc.a", "aws_vpc.b"),
                "cidr_block": "10.0.1.0/24",
            },
        ),
    )
    found = network.subnets["aws_subnet.s"]
    assert found.vpc is None
    assert found.route_tables == ("aws_vpc.a:main_route_table", "aws_vpc.b:main_route_table")
    assert found.nacls == ("aws_vpc.a:default_nacl", "aws_vpc.b:default_nacl")
    assert found.unknowns == ("vpc_id is unknown (may be any of: aws_vpc.a, aws_vpc.b)",)


def test_subnet_in_an_external_vpc_keeps_the_raw_id() -> None:
    network = build(res("aws_subnet.a", {"vpc_id": "vpc-0ext", "cidr_block": "10.0.1.0/24"}))
    found = network.subnets["aws_subnet.a"]
    assert found.vpc == "vpc-0ext"
    assert found.unknowns == ("VPC vpc-0ext of aws_subnet.a is not in the input",)


def test_state_style_literal_ids_link_subnets_to_vpcs() -> None:
    network = build(
        res("aws_vpc.main", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
        res("aws_subnet.a", {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"}),
    )
    assert network.subnets["aws_subnet.a"].vpc == "aws_vpc.main"


def test_implicit_rules_name_their_implicit_origin() -> None:
    # Every implicit NACL/SG rule names its implicit object as origin and is fully known.
    network = build(vpc())
    rules: list[NaclRule | SgRule] = [
        *network.nacls["aws_vpc.main:default_nacl"].ingress,
        *network.security_groups["aws_vpc.main:default_security_group"].rules,
    ]
    assert all(r.unknowns == () for r in rules)
    assert {r.origin for r in rules} == {
        "aws_vpc.main:default_nacl",
        "aws_vpc.main:default_security_group",
    }


def test_ipv6_only_subnet_needs_no_ipv4_cidr() -> None:
    network = build(
        vpc(ipv6_cidr_block="2600::/56"),
        res(
            "aws_subnet.v6",
            {"vpc_id": ref("aws_vpc.main"), "ipv6_cidr_block": "2600::/64", "ipv6_native": True},
        ),
        res("aws_subnet.none", {"vpc_id": ref("aws_vpc.main")}),
    )
    assert network.subnets["aws_subnet.v6"].unknowns == ()
    assert network.subnets["aws_subnet.none"].unknowns == (
        "cidr_block of aws_subnet.none is not set",
    )


def test_an_unknown_availability_zone_is_not_an_unknown_of_the_subnet() -> None:
    # Nearly every module takes zones from data.aws_availability_zones; the zone changes no
    # path, so it must not turn the subnet's findings into "possible" ones.
    zone = unknown("availability_zone of aws_subnet.a is read from data.aws_availability_zones")
    network = build(vpc(), subnet("a", "10.0.1.0/24", availability_zone=zone))
    built = network.subnets["aws_subnet.a"]
    assert built.availability_zone is None
    assert built.unknowns == ()


def test_an_unknown_cidr_is_an_unknown_of_the_subnet() -> None:
    network = build(vpc(), subnet("a", "10.0.1.0/24", cidr_block=unknown("cidr is unknown")))
    assert network.subnets["aws_subnet.a"].unknowns == ("cidr is unknown",)
