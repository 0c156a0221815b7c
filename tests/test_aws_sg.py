"""Security groups: R-SG-4 expansion, R-SG-7/8 normalisation, R-SG-9/10, dedupe, adoption."""

from __future__ import annotations

import pytest
from aws_helpers import build, ref, res, vpc

from tfvpc.load.resources import ResourceInstance, Unknown, Value
from tfvpc.model import Network, SgRule


def group(name: str, **values: Value) -> ResourceInstance:
    return res(f"aws_security_group.{name}", {"vpc_id": ref("aws_vpc.main"), **values})


def rules(network: Network, address: str) -> list[tuple[object, ...]]:
    return [
        (r.direction, r.protocol, r.from_port, r.to_port, r.peer_kind, r.peer)
        for r in network.security_groups[address].rules
    ]


def block(**values: Value) -> dict[str, Value]:
    return {"from_port": 0, "to_port": 0, "protocol": "-1", **values}


def test_security_group_without_egress_has_no_egress() -> None:
    # R-SG-10: Terraform removes AWS's default allow-all egress rule.
    network = build(
        vpc(),
        group(
            "web",
            ingress=[block(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"])],
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("ingress", 6, 443, 443, "cidr", "0.0.0.0/0")
    ]
    assert network.security_groups["aws_security_group.web"].vpc == "aws_vpc.main"


def test_egress_rule_resource_gives_egress() -> None:
    network = build(
        vpc(),
        group("web"),
        res(
            "aws_security_group_rule.out",
            {
                "type": "egress",
                "security_group_id": ref("aws_security_group.web"),
                "protocol": "all",
                "from_port": 0,
                "to_port": 0,
                "cidr_blocks": ["0.0.0.0/0"],
            },
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("egress", -1, None, None, "cidr", "0.0.0.0/0")
    ]
    assert (
        network.security_groups["aws_security_group.web"].rules[0].origin
        == "aws_security_group_rule.out"
    )


def test_list_forms_expand_to_one_rule_per_peer() -> None:
    network = build(
        vpc(),
        group("peer"),
        res(
            "aws_ec2_managed_prefix_list.office",
            {"address_family": "IPv4", "entry": [{"cidr": "198.51.100.0/24"}]},
        ),
        group(
            "web",
            ingress=[
                block(
                    protocol="tcp",
                    from_port=22,
                    to_port=22,
                    cidr_blocks=["203.0.113.0/24", "198.51.100.7/32"],
                    ipv6_cidr_blocks=["2001:db8::/32"],
                    prefix_list_ids=[ref("aws_ec2_managed_prefix_list.office")],
                    security_groups=[ref("aws_security_group.peer"), "sg-0ext"],
                    self=True,
                    description="ssh",
                )
            ],
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("ingress", 6, 22, 22, "cidr", "203.0.113.0/24"),
        ("ingress", 6, 22, 22, "cidr", "198.51.100.7/32"),
        ("ingress", 6, 22, 22, "cidr", "2001:db8::/32"),
        ("ingress", 6, 22, 22, "prefix_list", "aws_ec2_managed_prefix_list.office"),
        ("ingress", 6, 22, 22, "security_group", "aws_security_group.peer"),
        ("ingress", 6, 22, 22, "security_group", "sg-0ext"),
        ("ingress", 6, 22, 22, "self", "aws_security_group.web"),
    ]
    found = network.security_groups["aws_security_group.web"].rules
    assert found[3].prefix_list_cidrs == ("198.51.100.0/24",)
    assert all(r.description == "ssh" and r.unknowns == () for r in found)


def test_protocols_and_ports_are_normalised() -> None:
    network = build(
        vpc(),
        group(
            "web",
            ingress=[
                block(protocol="-1", cidr_blocks=["10.0.0.0/8"]),
                block(protocol="TCP", from_port="80", to_port="8080", cidr_blocks=["10.0.0.0/8"]),
                block(protocol="icmp", from_port=8, to_port=0, cidr_blocks=["10.0.0.0/8"]),
                block(protocol="58", from_port=-1, to_port=-1, ipv6_cidr_blocks=["::/0"]),
                block(protocol="50", from_port=0, to_port=0, cidr_blocks=["10.0.0.0/8"]),
            ],
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("ingress", -1, None, None, "cidr", "10.0.0.0/8"),
        ("ingress", 6, 80, 8080, "cidr", "10.0.0.0/8"),
        ("ingress", 1, 8, 0, "cidr", "10.0.0.0/8"),
        ("ingress", 58, -1, -1, "cidr", "::/0"),
        ("ingress", 50, None, None, "cidr", "10.0.0.0/8"),
    ]


def test_inline_copy_of_a_separate_rule_is_deduplicated_keeping_the_separate_origin() -> None:
    # R-TF-2: state lists rules of aws_security_group_rule inside aws_security_group.ingress.
    inline: dict[str, Value] = {
        "from_port": 443,
        "to_port": 443,
        "protocol": "tcp",
        "cidr_blocks": ["0.0.0.0/0"],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }
    network = build(
        res("aws_vpc.main", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
        res(
            "aws_security_group.web",
            {"id": "sg-1", "vpc_id": "vpc-1", "ingress": [inline], "egress": []},
        ),
        res(
            "aws_security_group_rule.https",
            {
                "type": "ingress",
                "security_group_id": "sg-1",
                "protocol": "tcp",
                "from_port": 443,
                "to_port": 443,
                "cidr_blocks": ["0.0.0.0/0"],
            },
        ),
    )
    found = network.security_groups["aws_security_group.web"].rules
    assert [(r.peer, r.origin) for r in found] == [("0.0.0.0/0", "aws_security_group_rule.https")]
    assert network.security_groups["aws_security_group.web"].vpc == "aws_vpc.main"


def test_vpc_security_group_rule_resources() -> None:
    network = build(
        vpc(),
        group("web"),
        group("lb"),
        res(
            "aws_vpc_security_group_ingress_rule.all",
            {
                "security_group_id": ref("aws_security_group.web"),
                "ip_protocol": "-1",
                "referenced_security_group_id": ref("aws_security_group.lb"),
            },
        ),
        res(
            "aws_vpc_security_group_ingress_rule.ssh",
            {
                "security_group_id": ref("aws_security_group.web"),
                "ip_protocol": "tcp",
                "from_port": 22,
                "to_port": 22,
                "cidr_ipv4": "192.0.2.9/24",
            },
        ),
        res(
            "aws_vpc_security_group_ingress_rule.ping6",
            {
                "security_group_id": ref("aws_security_group.web"),
                "ip_protocol": "icmpv6",
                "cidr_ipv6": "::/0",
            },
        ),
        res(
            "aws_vpc_security_group_egress_rule.out",
            {
                "security_group_id": ref("aws_security_group.web"),
                "ip_protocol": "-1",
                "cidr_ipv4": "0.0.0.0/0",
            },
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("ingress", -1, None, None, "security_group", "aws_security_group.lb"),
        ("ingress", 6, 22, 22, "cidr", "192.0.2.0/24"),
        # R-SG-8: icmpv6 without ports means every type and code.
        ("ingress", 58, -1, -1, "cidr", "::/0"),
        ("egress", -1, None, None, "cidr", "0.0.0.0/0"),
    ]


def test_reference_to_the_own_group_is_self() -> None:
    network = build(
        vpc(),
        group("web"),
        res(
            "aws_security_group_rule.peers",
            {
                "type": "ingress",
                "security_group_id": ref("aws_security_group.web"),
                "protocol": "tcp",
                "from_port": 0,
                "to_port": 65535,
                "source_security_group_id": ref("aws_security_group.web"),
            },
        ),
    )
    assert rules(network, "aws_security_group.web") == [
        ("ingress", 6, 0, 65535, "self", "aws_security_group.web")
    ]


def test_unknown_peers_and_protocols_are_kept_as_unknown() -> None:
    network = build(
        vpc(),
        group(
            "web",
            ingress=[
                block(
                    protocol="tcp",
                    from_port=22,
                    to_port=22,
                    cidr_blocks=Unknown("cidr_blocks are unknown"),
                ),
                block(protocol=Unknown("protocol unknown"), cidr_blocks=["10.0.0.0/8"]),
            ],
        ),
    )
    found = network.security_groups["aws_security_group.web"].rules
    assert [(r.protocol, r.from_port, r.peer_kind, r.peer, r.unknowns) for r in found] == [
        (6, 22, "unknown", None, ("cidr_blocks are unknown",)),
        (-1, None, "cidr", "10.0.0.0/8", ("protocol unknown",)),
    ]


def test_unknown_cidr_candidates_become_possible_rules() -> None:
    network = build(
        vpc(),
        res("aws_subnet.a", {"vpc_id": ref("aws_vpc.main"), "cidr_block": "10.0.1.0/24"}),
        res("aws_subnet.b", {"vpc_id": ref("aws_vpc.main"), "cidr_block": "10.0.2.0/24"}),
        group(
            "web",
            ingress=[
                block(
                    cidr_blocks=Unknown(
                        "cidrs unknown",
                        (ref("aws_subnet.a", "cidr_block"), ref("aws_subnet.b", "cidr_block")),
                    )
                )
            ],
        ),
    )
    found = network.security_groups["aws_security_group.web"].rules
    reason = "cidrs unknown (may be any of: aws_subnet.a, aws_subnet.b)"
    assert [(r.peer, r.unknowns) for r in found] == [
        ("10.0.1.0/24", (reason,)),
        ("10.0.2.0/24", (reason,)),
    ]


def test_hcl_style_reference_to_a_vpc_cidr_is_dereferenced() -> None:
    network = build(
        vpc(),
        group("web", ingress=[block(cidr_blocks=[ref("aws_vpc.main", "cidr_block")])]),
    )
    assert rules(network, "aws_security_group.web")[0][-1] == "10.0.0.0/16"


def test_unknown_rule_list_becomes_an_unknown_rule() -> None:
    network = build(
        vpc(), group("web", ingress=Unknown("ingress of aws_security_group.web is unknown"))
    )
    assert network.security_groups["aws_security_group.web"].rules == (
        SgRule(
            direction="ingress",
            protocol=-1,
            peer_kind="unknown",
            origin="aws_security_group.web",
            unknowns=("ingress of aws_security_group.web is unknown",),
        ),
    )


def test_external_and_customer_prefix_lists() -> None:
    network = build(
        vpc(),
        res(
            "aws_ec2_managed_prefix_list.pl",
            {"address_family": "IPv4", "entry": [{"cidr": "10.1.0.0/16"}]},
        ),
        res(
            "aws_ec2_managed_prefix_list_entry.more",
            {"prefix_list_id": ref("aws_ec2_managed_prefix_list.pl"), "cidr": "10.2.0.0/16"},
        ),
        group(
            "web",
            egress=[block(prefix_list_ids=["pl-63a5400a", ref("aws_ec2_managed_prefix_list.pl")])],
        ),
    )
    assert network.prefix_lists["aws_ec2_managed_prefix_list.pl"].cidrs == (
        "10.2.0.0/16",
        "10.1.0.0/16",
    )
    assert network.prefix_lists["aws_ec2_managed_prefix_list.pl"].family == "ipv4"
    external, customer = network.security_groups["aws_security_group.web"].rules
    assert (external.peer, external.prefix_list_cidrs) == ("pl-63a5400a", None)
    assert external.unknowns == ("the entries of prefix list pl-63a5400a are not in the input",)
    assert customer.prefix_list_cidrs == ("10.2.0.0/16", "10.1.0.0/16")


def test_adopted_default_group_keeps_only_configured_rules() -> None:
    network = build(
        vpc(),
        res(
            "aws_default_security_group.d",
            {
                "vpc_id": ref("aws_vpc.main"),
                "ingress": [
                    block(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["10.0.0.0/8"])
                ],
            },
        ),
    )
    assert "aws_vpc.main:default_security_group" not in network.security_groups
    assert network.vpcs["aws_vpc.main"].default_security_group == "aws_default_security_group.d"
    adopted = network.security_groups["aws_default_security_group.d"]
    assert adopted.is_default and not adopted.implicit
    assert rules(network, adopted.address) == [("ingress", 6, 22, 22, "cidr", "10.0.0.0/8")]


def test_default_group_without_vpc_id_adopts_the_default_vpcs_group() -> None:
    network = build(res("aws_default_vpc.d", {}), res("aws_default_security_group.d", {}))
    assert (
        network.vpcs["aws_default_vpc.d"].default_security_group == "aws_default_security_group.d"
    )
    assert network.security_groups["aws_default_security_group.d"].rules == ()


def test_group_without_vpc_id_is_in_the_default_vpc_or_unknown() -> None:
    with_default = build(res("aws_default_vpc.d", {}), res("aws_security_group.g", {}))
    assert with_default.security_groups["aws_security_group.g"].vpc == "aws_default_vpc.d"
    alone = build(res("aws_security_group.g", {}))
    # Without aws_default_vpc the group lands in the implicit stand-in for the default VPC.
    assert alone.security_groups["aws_security_group.g"].vpc == "default_vpc"
    assert alone.vpcs["default_vpc"].implicit


def test_rule_resource_extends_the_implicit_default_group() -> None:
    network = build(
        vpc(),
        res(
            "aws_security_group_rule.ssh",
            {
                "type": "ingress",
                "security_group_id": ref("aws_vpc.main", "default_security_group_id"),
                "protocol": "tcp",
                "from_port": 22,
                "to_port": 22,
                "cidr_blocks": ["0.0.0.0/0"],
            },
        ),
    )
    assert rules(network, "aws_vpc.main:default_security_group") == [
        ("ingress", -1, None, None, "self", "aws_vpc.main:default_security_group"),
        ("egress", -1, None, None, "cidr", "0.0.0.0/0"),
        ("ingress", 6, 22, 22, "cidr", "0.0.0.0/0"),
    ]


@pytest.mark.parametrize(
    ("type_value", "reason"),
    [
        ({"type": Unknown("type unknown")}, "type unknown"),
        ({}, "type of aws_security_group_rule.r is not set"),
    ],
    ids=["unknown", "unset"],
)
def test_rule_without_a_known_type_applies_both_ways_and_says_why(
    type_value: dict[str, Value], reason: str
) -> None:
    network = build(
        vpc(),
        group("web"),
        res(
            "aws_security_group_rule.r",
            {
                **type_value,
                "security_group_id": ref("aws_security_group.web"),
                "protocol": "-1",
                "from_port": 0,
                "to_port": 0,
                "cidr_blocks": ["0.0.0.0/0"],
            },
        ),
    )
    found = network.security_groups["aws_security_group.web"].rules
    assert [(r.direction, r.unknowns) for r in found] == [
        ("ingress", (reason,)),
        ("egress", (reason,)),
    ]


def test_duplicate_rule_resources_are_noted() -> None:
    body: dict[str, Value] = {
        "type": "ingress",
        "security_group_id": ref("aws_security_group.web"),
        "protocol": "tcp",
        "from_port": 80,
        "to_port": 80,
        "cidr_blocks": ["0.0.0.0/0"],
    }
    network = build(
        vpc(),
        group("web"),
        res("aws_security_group_rule.a", body),
        res("aws_security_group_rule.b", body),
    )
    web = network.security_groups["aws_security_group.web"]
    assert len(web.rules) == 1
    assert web.unknowns == (
        "aws_security_group_rule.a and aws_security_group_rule.b declare the same rule",
    )


def test_unknown_self_flag_only_marks_the_self_rule() -> None:
    network = build(
        vpc(),
        group(
            "web",
            ingress=[block(cidr_blocks=["10.0.0.0/8"], self=Unknown("self is unknown"))],
        ),
    )
    found = network.security_groups["aws_security_group.web"].rules
    assert [(r.peer_kind, r.unknowns) for r in found] == [
        ("cidr", ()),
        ("self", ("self is unknown",)),
    ]
