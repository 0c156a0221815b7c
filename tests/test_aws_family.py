"""Builder: the address family of SG and NACL rules, known from the attribute even when the
CIDR is not (R-CIDR-2, R-NACL-5)."""

from __future__ import annotations

from aws_helpers import build, ref, res, unknown, vpc

from tfvpc.load.resources import Ref, Unknown, Value
from tfvpc.model import Network, SgRule

VAR = unknown("var.x is unknown")
GROUP = "aws_security_group.web"


def group(**ingress: Value) -> Network:
    block: dict[str, Value] = {"from_port": 443, "to_port": 443, "protocol": "tcp", **ingress}
    return build(
        vpc(),
        res(GROUP, {"vpc_id": ref("aws_vpc.main"), "ingress": [block], "egress": []}),
        res("aws_security_group.other", {"vpc_id": ref("aws_vpc.main")}),
        res(
            "aws_ec2_managed_prefix_list.v6",
            {"address_family": "IPv6", "max_entries": 1, "entry": [{"cidr": "2001:db8::/32"}]},
        ),
    )


def peers(network: Network, address: str = GROUP) -> list[tuple[str, str | None, int | None]]:
    rules: tuple[SgRule, ...] = network.security_groups[address].rules
    return [(r.peer_kind, r.peer, r.family) for r in rules]


def test_inline_rules_take_the_family_of_their_list() -> None:
    network = group(
        cidr_blocks=["203.0.113.0/24", VAR],
        ipv6_cidr_blocks=[VAR, "2001:db8::/48"],
        security_groups=[ref("aws_security_group.other")],
        prefix_list_ids=[ref("aws_ec2_managed_prefix_list.v6")],
        self=True,
    )
    assert peers(network) == [
        ("cidr", "203.0.113.0/24", 4),
        ("unknown", None, 4),
        ("unknown", None, 6),
        ("cidr", "2001:db8::/48", 6),
        ("prefix_list", "aws_ec2_managed_prefix_list.v6", 6),
        ("security_group", "aws_security_group.other", None),
        ("self", GROUP, None),
    ]


def test_a_whole_unknown_cidr_list_keeps_its_family() -> None:
    assert peers(group(cidr_blocks=VAR)) == [("unknown", None, 4)]
    assert peers(group(ipv6_cidr_blocks=VAR)) == [("unknown", None, 6)]


def test_an_external_prefix_list_has_no_known_family() -> None:
    assert peers(group(prefix_list_ids=["pl-0abc"])) == [("prefix_list", "pl-0abc", None)]


def test_candidates_of_an_unknown_cidr_keep_their_own_family() -> None:
    network = build(
        vpc(),
        vpc("peer", "10.1.0.0/16"),
        res(
            GROUP,
            {
                "vpc_id": ref("aws_vpc.main"),
                "ingress": [
                    {
                        "from_port": 22,
                        "to_port": 22,
                        "protocol": "tcp",
                        "cidr_blocks": [
                            Unknown("ambiguous", (Ref("aws_vpc.peer", "cidr_block"),)),
                            Unknown("also ambiguous", (Ref("aws_vpc.peer", "id"),)),
                        ],
                    }
                ],
            },
        ),
    )
    # A candidate CIDR has its own family; a candidate that is no CIDR the attribute's.
    assert peers(network) == [("cidr", "10.1.0.0/16", 4), ("unknown", None, 4)]


def single(attr: str, value: Value) -> Network:
    return build(
        vpc(),
        res("aws_security_group.web", {"vpc_id": ref("aws_vpc.main")}),
        res(
            "aws_vpc_security_group_ingress_rule.r",
            {
                "security_group_id": ref(GROUP),
                "ip_protocol": "tcp",
                "from_port": 22,
                "to_port": 22,
                attr: value,
            },
        ),
    )


def test_single_peer_rules_take_the_family_of_their_attribute() -> None:
    assert peers(single("cidr_ipv4", VAR)) == [("unknown", None, 4)]
    assert peers(single("cidr_ipv6", VAR)) == [("unknown", None, 6)]
    assert peers(single("cidr_ipv4", "0.0.0.0/0")) == [("cidr", "0.0.0.0/0", 4)]
    assert peers(single("referenced_security_group_id", VAR)) == [("unknown", None, None)]


def test_the_default_group_egress_rules_have_their_family() -> None:
    network = build(vpc(assign_generated_ipv6_cidr_block=True))
    found = peers(network, "aws_vpc.main:default_security_group")
    assert found == [
        ("self", "aws_vpc.main:default_security_group", None),
        *[
            ("cidr", "0.0.0.0/0", 4),
            ("cidr", "::/0", 6),
        ],
    ]


def nacl_entries(**entry: Value) -> list[tuple[int, str | None, int | None]]:
    base: dict[str, Value] = {
        "rule_no": 100,
        "action": "allow",
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
    }
    network = build(
        vpc(),
        res("aws_network_acl.a", {"vpc_id": ref("aws_vpc.main"), "ingress": [{**base, **entry}]}),
    )
    return [(r.rule_no, r.cidr, r.family) for r in network.nacls["aws_network_acl.a"].ingress]


def test_nacl_entries_take_the_family_of_their_attribute() -> None:
    star = [(32767, "0.0.0.0/0", 4), (32767, "::/0", 6)]
    assert nacl_entries(cidr_block=VAR) == [(100, None, 4), *star]
    # Plan JSON lists both keys, the unset one as "".
    assert nacl_entries(cidr_block="", ipv6_cidr_block=VAR) == [(100, None, 6), *star]
    assert nacl_entries(ipv6_cidr_block="2001:db8::/32") == [(100, "2001:db8::/32", 6), *star]
    assert nacl_entries(cidr_block="10.0.0.0/8") == [(100, "10.0.0.0/8", 4), *star]
    assert nacl_entries() == [(100, None, None), *star]


def test_separate_nacl_rules_and_the_default_nacl_have_their_family() -> None:
    network = build(
        vpc(ipv6_cidr_block="2001:db8:1::/56"),
        res(
            "aws_network_acl_rule.r",
            {
                "network_acl_id": ref("aws_vpc.main", "default_network_acl_id"),
                "rule_number": 50,
                "egress": True,
                "rule_action": "deny",
                "protocol": "-1",
                "ipv6_cidr_block": VAR,
            },
        ),
    )
    default = network.nacls["aws_vpc.main:default_nacl"]
    assert [(r.rule_no, r.cidr, r.family) for r in default.egress] == [
        (50, None, 6),
        (100, "0.0.0.0/0", 4),
        (101, "::/0", 6),
        (32767, "0.0.0.0/0", 4),
        (32767, "::/0", 6),
    ]
