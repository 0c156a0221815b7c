"""Network ACLs: normalisation, order, the final denies, adoption and associations."""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, vpc

from tfvpc.load.resources import ResourceInstance, Unknown, Value
from tfvpc.model import Nacl


def acl(name: str, **values: Value) -> ResourceInstance:
    return res(f"aws_network_acl.{name}", {"vpc_id": ref("aws_vpc.main"), **values})


def entries(nacl: Nacl, egress: bool = False) -> list[tuple[object, ...]]:
    rules = nacl.egress if egress else nacl.ingress
    return [
        (r.rule_no, r.action, r.protocol, r.cidr, r.from_port, r.to_port, r.icmp_type, r.icmp_code)
        for r in rules
        if not r.is_default_deny
    ]


def test_custom_nacl_without_rules_denies_everything() -> None:
    network = build(vpc(), acl("empty"))
    nacl = network.nacls["aws_network_acl.empty"]
    # R-NACL-9/R-NACL-3: only the "*" denies of both families, in both directions.
    for rules in (nacl.ingress, nacl.egress):
        assert [(r.rule_no, r.action, r.cidr, r.is_default_deny) for r in rules] == [
            (32767, "deny", "0.0.0.0/0", True),
            (32767, "deny", "::/0", True),
        ]
    assert not nacl.is_default and not nacl.implicit


def test_inline_rules_are_normalised_and_sorted() -> None:
    network = build(
        vpc(),
        acl(
            "web",
            ingress=[
                {
                    "rule_no": "200",
                    "action": "deny",
                    "protocol": "6",
                    "cidr_block": "10.0.0.5/8",
                    "from_port": 22,
                    "to_port": 22,
                    "icmp_type": 0,
                    "icmp_code": 0,
                },
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "cidr_block": "0.0.0.0/0",
                    "from_port": 0,
                    "to_port": 0,
                },
                {
                    "rule_no": 300,
                    "action": "allow",
                    "protocol": "icmp",
                    "cidr_block": "0.0.0.0/0",
                    "from_port": 0,
                    "to_port": 0,
                },
                {
                    "rule_no": 400,
                    "action": "allow",
                    "protocol": "-1",
                    "ipv6_cidr_block": "::/0",
                    "from_port": 0,
                    "to_port": 0,
                    "icmp_type": 0,
                    "icmp_code": 0,
                },
                {
                    "rule_no": 500,
                    "action": "allow",
                    "protocol": "icmp",
                    "cidr_block": "0.0.0.0/0",
                    "icmp_type": -1,
                    "icmp_code": -1,
                },
            ],
        ),
    )
    assert entries(network.nacls["aws_network_acl.web"]) == [
        # R-NACL-6: tcp 0-0 is port 0 only, kept as written.
        (100, "allow", 6, "0.0.0.0/0", 0, 0, None, None),
        (200, "deny", 6, "10.0.0.0/8", 22, 22, None, None),
        # R-NACL-7: inline icmp without type/code matches type 0 code 0 only.
        (300, "allow", 1, "0.0.0.0/0", None, None, 0, 0),
        (400, "allow", -1, "::/0", None, None, None, None),
        (500, "allow", 1, "0.0.0.0/0", None, None, -1, -1),
    ]
    assert network.nacls["aws_network_acl.web"].ingress[1].origin == "aws_network_acl.web"


def test_separate_rules_use_their_own_names_and_default_to_ingress() -> None:
    network = build(
        vpc(),
        acl("web"),
        res(
            "aws_network_acl_rule.in",
            {
                "network_acl_id": ref("aws_network_acl.web"),
                "rule_number": 110,
                "rule_action": "allow",
                "protocol": "udp",
                "cidr_block": "0.0.0.0/0",
                "from_port": 53,
                "to_port": 53,
            },
        ),
        res(
            "aws_network_acl_rule.out",
            {
                "network_acl_id": ref("aws_network_acl.web"),
                "rule_number": 120,
                "egress": True,
                "rule_action": "deny",
                "protocol": "all",
                "cidr_block": "0.0.0.0/0",
            },
        ),
    )
    nacl = network.nacls["aws_network_acl.web"]
    assert entries(nacl) == [(110, "allow", 17, "0.0.0.0/0", 53, 53, None, None)]
    assert entries(nacl, egress=True) == [(120, "deny", -1, "0.0.0.0/0", None, None, None, None)]
    assert nacl.ingress[0].origin == "aws_network_acl_rule.in"


def test_inline_copy_of_a_separate_rule_is_deduplicated_keeping_the_separate_origin() -> None:
    # R-TF-2: in state the inline list repeats rules made by aws_network_acl_rule.
    network = build(
        res("aws_vpc.main", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
        res(
            "aws_network_acl.web",
            {
                "id": "acl-1",
                "vpc_id": "vpc-1",
                "ingress": [
                    {
                        "rule_no": 100,
                        "action": "allow",
                        "protocol": "6",
                        "cidr_block": "0.0.0.0/0",
                        "ipv6_cidr_block": "",
                        "from_port": 443,
                        "to_port": 443,
                        "icmp_type": 0,
                        "icmp_code": 0,
                    },
                ],
            },
        ),
        res(
            "aws_network_acl_rule.https",
            {
                "network_acl_id": "acl-1",
                "rule_number": 100,
                "egress": False,
                "rule_action": "allow",
                "protocol": "tcp",
                "cidr_block": "0.0.0.0/0",
                "from_port": 443,
                "to_port": 443,
            },
        ),
    )
    ingress = [r for r in network.nacls["aws_network_acl.web"].ingress if not r.is_default_deny]
    assert [(r.rule_no, r.origin) for r in ingress] == [(100, "aws_network_acl_rule.https")]


def test_conflicting_rule_numbers_are_kept_and_noted() -> None:
    network = build(
        vpc(),
        acl(
            "web",
            egress=[
                {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0"}
            ],
        ),
        res(
            "aws_network_acl_rule.r",
            {
                "network_acl_id": ref("aws_network_acl.web"),
                "rule_number": 100,
                "egress": True,
                "rule_action": "deny",
                "protocol": "-1",
                "cidr_block": "0.0.0.0/0",
            },
        ),
    )
    nacl = network.nacls["aws_network_acl.web"]
    assert [r.action for r in nacl.egress if not r.is_default_deny] == ["deny", "allow"]
    assert nacl.unknowns == ("aws_network_acl.web has two different egress rules 100",)


def test_unknown_values_in_rules_are_kept_with_reasons() -> None:
    network = build(
        vpc(),
        acl(
            "web",
            ingress=[
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "cidr_block": Unknown("cidr of rule 100 is unknown"),
                    "from_port": 80,
                    "to_port": Unknown("port unknown"),
                },
            ],
        ),
    )
    rule = network.nacls["aws_network_acl.web"].ingress[0]
    assert (rule.cidr, rule.from_port, rule.to_port) == (None, 80, None)
    assert rule.unknowns == (
        "cidr of rule 100 is unknown",
        "port unknown",
        "the port range of aws_network_acl.web is unknown",
    )


def test_unknown_rule_list_becomes_an_unknown_rule() -> None:
    network = build(vpc(), acl("web", ingress=Unknown("ingress of aws_network_acl.web is unknown")))
    rule = network.nacls["aws_network_acl.web"].ingress[0]
    assert (rule.rule_no, rule.action, rule.protocol, rule.cidr) == (32766, "allow", -1, None)
    assert rule.unknowns == ("ingress of aws_network_acl.web is unknown",)


def test_subnet_nacl_precedence() -> None:
    network = build(
        vpc(),
        subnet("listed", "10.0.1.0/24"),
        subnet("associated", "10.0.2.0/24"),
        subnet("plain", "10.0.3.0/24"),
        subnet("twice", "10.0.4.0/24"),
        acl("a", subnet_ids=[ref("aws_subnet.listed"), ref("aws_subnet.twice")]),
        acl("b"),
        res(
            "aws_network_acl_association.x",
            {"network_acl_id": ref("aws_network_acl.b"), "subnet_id": ref("aws_subnet.associated")},
        ),
        res(
            "aws_network_acl_association.y",
            {"network_acl_id": ref("aws_network_acl.b"), "subnet_id": ref("aws_subnet.twice")},
        ),
    )
    subnets = network.subnets
    assert subnets["aws_subnet.listed"].nacls == ("aws_network_acl.a",)
    assert subnets["aws_subnet.associated"].nacls == ("aws_network_acl.b",)
    # R-NACL-10: without an association the subnet uses the VPC's default NACL.
    assert subnets["aws_subnet.plain"].nacls == ("aws_vpc.main:default_nacl",)
    assert subnets["aws_subnet.twice"].nacls == ("aws_network_acl.a", "aws_network_acl.b")
    assert subnets["aws_subnet.twice"].unknowns == (
        "aws_subnet.twice is claimed by several NACLs: aws_network_acl.a, aws_network_acl.b",
    )


def test_same_nacl_named_twice_is_not_a_conflict() -> None:
    # State lists a subnet in subnet_ids and in its association resource.
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        acl("a", subnet_ids=[ref("aws_subnet.a")]),
        res(
            "aws_network_acl_association.a",
            {"network_acl_id": ref("aws_network_acl.a"), "subnet_id": ref("aws_subnet.a")},
        ),
    )
    assert network.subnets["aws_subnet.a"].nacls == ("aws_network_acl.a",)
    assert network.subnets["aws_subnet.a"].unknowns == ()


def test_adopted_default_nacl_without_rules_denies_all() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_default_network_acl.d",
            {"default_network_acl_id": ref("aws_vpc.main", "default_network_acl_id")},
        ),
    )
    assert "aws_vpc.main:default_nacl" not in network.nacls
    assert network.vpcs["aws_vpc.main"].default_nacl == "aws_default_network_acl.d"
    adopted = network.nacls["aws_default_network_acl.d"]
    assert adopted.is_default and adopted.vpc == "aws_vpc.main"
    assert all(r.is_default_deny for r in adopted.ingress + adopted.egress)
    assert network.subnets["aws_subnet.a"].nacls == ("aws_default_network_acl.d",)


def test_adopted_default_nacl_in_state_links_by_id() -> None:
    network = build(
        res(
            "aws_vpc.main",
            {"id": "vpc-1", "cidr_block": "10.0.0.0/16", "default_network_acl_id": "acl-def"},
        ),
        res(
            "aws_default_network_acl.d",
            {
                "id": "acl-def",
                "default_network_acl_id": "acl-def",
                "vpc_id": "vpc-1",
                "ingress": [
                    {
                        "rule_no": 100,
                        "action": "allow",
                        "protocol": "-1",
                        "cidr_block": "10.0.0.0/16",
                        "from_port": 0,
                        "to_port": 0,
                    }
                ],
            },
        ),
    )
    adopted = network.nacls["aws_default_network_acl.d"]
    assert entries(adopted) == [(100, "allow", -1, "10.0.0.0/16", None, None, None, None)]
    assert entries(adopted, egress=True) == []
    assert network.vpcs["aws_vpc.main"].default_nacl == adopted.address


def test_rule_resource_can_extend_the_implicit_default_nacl() -> None:
    network = build(
        vpc(),
        res(
            "aws_network_acl_rule.block",
            {
                "network_acl_id": ref("aws_vpc.main", "default_network_acl_id"),
                "rule_number": 50,
                "rule_action": "deny",
                "protocol": "tcp",
                "cidr_block": "0.0.0.0/0",
                "from_port": 22,
                "to_port": 22,
            },
        ),
    )
    nacl = network.nacls["aws_vpc.main:default_nacl"]
    assert [r.rule_no for r in nacl.ingress] == [50, 100, 32767, 32767]


def test_association_with_an_external_nacl_keeps_the_id_and_says_so() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_network_acl_association.a",
            {"network_acl_id": "acl-0ext", "subnet_id": ref("aws_subnet.a")},
        ),
    )
    found = network.subnets["aws_subnet.a"]
    assert found.nacls == ("acl-0ext",)
    assert found.unknowns == ("NACL acl-0ext of aws_subnet.a is not in the input",)


def test_rule_with_unknown_direction_applies_both_ways() -> None:
    network = build(
        vpc(),
        acl("web"),
        res(
            "aws_network_acl_rule.r",
            {
                "network_acl_id": ref("aws_network_acl.web"),
                "rule_number": 10,
                "egress": Unknown("egress is unknown"),
                "rule_action": "deny",
                "protocol": "-1",
                "cidr_block": "0.0.0.0/0",
            },
        ),
    )
    nacl = network.nacls["aws_network_acl.web"]
    first = [nacl.ingress[0], nacl.egress[0]]
    assert [(r.rule_no, r.egress, r.unknowns) for r in first] == [
        (10, False, ("egress is unknown",)),
        (10, True, ("egress is unknown",)),
    ]
