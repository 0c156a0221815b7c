"""Wording of exposure evidence, and the split of exposed flows into protocol findings."""

from __future__ import annotations

import pytest
from model_helpers import nacl_rule, sg_rule

from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_names,
    describe_sg_rule,
    describe_traffic,
    protocol_label,
)
from tfvpc.model import NaclRule
from tfvpc.space import FlowSet, describe_cidrs, icmp_code_range


def test_protocol_labels() -> None:
    assert [protocol_label(p) for p in (-1, 1, 6, 17, 58, 50)] == [
        "all",
        "icmp",
        "tcp",
        "udp",
        "icmpv6",
        "50",
    ]


def test_describe_sg_rules() -> None:
    sg = "aws_security_group.web"
    assert describe_sg_rule(sg_rule(6, (22, 22), origin=sg), sg) == "ingress tcp 22 from 0.0.0.0/0"
    assert (
        describe_sg_rule(
            sg_rule(-1, None, "::/0", origin="aws_vpc_security_group_ingress_rule.a"), sg
        )
        == "ingress all from ::/0 (aws_vpc_security_group_ingress_rule.a)"
    )
    assert (
        describe_sg_rule(sg_rule(1, (8, -1), origin=sg), sg) == "ingress icmp type 8 from 0.0.0.0/0"
    )
    assert (
        describe_sg_rule(sg_rule(1, (3, 4), origin=sg), sg)
        == "ingress icmp type 3 code 4 from 0.0.0.0/0"
    )
    peer = sg_rule(6, (0, 65535), "pl-9", peer_kind="prefix_list", origin=sg)
    assert describe_sg_rule(peer, sg) == "ingress tcp 0-65535 from prefix list pl-9"
    unknown = sg_rule(6, (443, 443), None, direction="egress", origin=sg)
    assert describe_sg_rule(unknown, sg) == "egress tcp 443 to an unknown CIDR"


def test_describe_nacl_rules() -> None:
    assert describe_nacl_rule(
        nacl_rule(100, "allow", 6, "0.0.0.0/0", (1024, 65535), egress=True)
    ) == ("rule 100 allow tcp 1024-65535 to 0.0.0.0/0")
    assert describe_nacl_rule(nacl_rule(90, "deny", 1, "10.0.0.0/8", icmp=(-1, -1))) == (
        "rule 90 deny icmp all types from 10.0.0.0/8"
    )
    star = NaclRule(
        rule_no=32767,
        egress=False,
        action="deny",
        protocol=-1,
        cidr="::/0",
        origin="x",
        is_default_deny=True,
    )
    assert describe_nacl_rule(star) == "rule * deny all from ::/0"


@pytest.mark.parametrize(
    ("label", "ports", "excluded", "text"),
    [
        ("tcp", ((22, 22),), (), "tcp 22"),
        ("tcp", ((80, 80), (443, 443)), (), "tcp 80, 443"),
        ("udp", ((0, 65535),), (), "udp on every port"),
        ("icmp", ((8, 8),), (), "icmp type 8"),
        ("icmp", ((0, 0), (8, 8)), (), "icmp types 0, 8"),
        ("icmpv6", ((0, 255),), (), "icmpv6 of every type"),
        ("all", None, (), "every protocol"),
        ("all", None, (6, 17), "every protocol except tcp, udp"),
        ("47", None, (), "protocol 47"),
        ("tcp", tuple((p, p) for p in range(1, 9)), (), "tcp 1, 2, 3, 4, 5, 6 and 2 more"),
    ],
)
def test_describe_traffic(
    label: str, ports: tuple[tuple[int, int], ...] | None, excluded: tuple[int, ...], text: str
) -> None:
    assert describe_traffic(label, ports, excluded) == text


def test_describe_sources_and_names() -> None:
    assert describe_cidrs(["1.0.0.0/8"]) == "1.0.0.0/8"
    five = ["1.0.0.0/8", "3.0.0.0/8", "5.0.0.0/8", "7.0.0.0/8", "9.0.0.0/8"]
    assert describe_cidrs(five) == "1.0.0.0/8, 3.0.0.0/8, 5.0.0.0/8 and 2 more"
    # The rest of the space is shorter to name than the 24 blocks left when one /24 is cut out.
    everything_but_one = (FlowSet.universe(4) - FlowSet.of(-1, "10.80.0.0/24")).cidrs(4)
    assert describe_cidrs(everything_but_one) == "0.0.0.0/0 except 10.80.0.0/24"
    assert describe_cidrs(["192.0.2.0/24", "::/0"]) == "192.0.2.0/24, ::/0"
    assert describe_names(["a"]) == "a"
    assert describe_names(["a", "b", "c"]) == "a, b and c"


# --- protocol groups ------------------------------------------------------------------------------


def test_named_protocols_split_one_per_protocol() -> None:
    flows = FlowSet.of(6, "0.0.0.0/0", (22, 22)) | FlowSet.of(17, "0.0.0.0/0", (53, 53))
    flows |= FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, -1))
    groups = protocol_groups(flows)
    assert [(g.label, g.ports()) for g in groups] == [
        ("icmp", ((8, 8),)),
        ("tcp", ((22, 22),)),
        ("udp", ((53, 53),)),
    ]
    assert groups[1].flows == FlowSet.of(6, "0.0.0.0/0", (22, 22))


def test_every_protocol_is_one_group() -> None:
    everything = FlowSet.of(-1, "0.0.0.0/0") | FlowSet.of(-1, "::/0")
    groups = protocol_groups(everything)
    assert [(g.label, g.excluded, g.ports()) for g in groups] == [("all", (), None)]
    assert groups[0].flows == everything


def test_bulk_group_names_what_it_leaves_out() -> None:
    # Every protocol from 1.0.0.0/8, plus tcp 22 from anywhere: tcp differs from the rest.
    flows = FlowSet.of(-1, "1.0.0.0/8") | FlowSet.of(6, "0.0.0.0/0", (22, 22))
    groups = protocol_groups(flows)
    assert [(g.label, g.excluded) for g in groups] == [("all", (6,)), ("tcp", ())]
    assert groups[0].flows == FlowSet.of(-1, "1.0.0.0/8") - FlowSet.of(6, "1.0.0.0/8")
    assert groups[1].flows == FlowSet.of(6, "1.0.0.0/8") | FlowSet.of(6, "0.0.0.0/0", (22, 22))


def test_no_groups_for_nothing() -> None:
    assert protocol_groups(FlowSet.empty()) == []
