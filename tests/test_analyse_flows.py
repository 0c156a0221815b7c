"""Rules as flow sets, NACL first match, security-group unions and return traffic."""

from __future__ import annotations

import ipaddress

import pytest
from model_helpers import group, nacl, nacl_rule, network, sg_rule

from tfvpc.analyse.flows import (
    ReturnStatus,
    missing_group_rule,
    nacl_allowed,
    nacl_decisions,
    nacl_rule_flows,
    needed_replies,
    open_ports,
    return_split,
    return_status,
    sg_allowed,
    sg_allowed_union,
    sg_rule_flows,
)
from tfvpc.model import PrefixList, SgRule
from tfvpc.space import FlowSet, icmp_code_range

EMPTY = FlowSet.empty()
V4 = FlowSet.universe(4)
V6 = FlowSet.universe(6)


def ip(text: str) -> int:
    return int(ipaddress.ip_address(text))


# --- security-group rules (R-SG-5/6/7/8) -------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(sg_rule(6, (22, 22)), FlowSet.of(6, "0.0.0.0/0", (22, 22)), id="tcp 22"),
        pytest.param(sg_rule(17, (53, 53), "::/0"), FlowSet.of(17, "::/0", (53, 53)), id="udp v6"),
        pytest.param(sg_rule(-1, (0, 0)), V4, id="all protocols ignore the 0-0 ports"),
        pytest.param(sg_rule(-1, None, "1.2.3.0/24"), FlowSet.of(-1, "1.2.3.0/24"), id="all"),
        pytest.param(
            sg_rule(1, (8, -1)), FlowSet.of(1, "0.0.0.0/0", (2048, 2303)), id="icmp echo any code"
        ),
        pytest.param(sg_rule(1, (-1, -1)), FlowSet.of(1, "0.0.0.0/0"), id="icmp every type"),
        pytest.param(
            sg_rule(58, (128, 0), "::/0"), FlowSet.of(58, "::/0", (32768, 32768)), id="icmpv6"
        ),
        pytest.param(sg_rule(50, (0, 0)), FlowSet.of(50, "0.0.0.0/0"), id="esp: whole protocol"),
        pytest.param(sg_rule(6, (100, 50)), EMPTY, id="inverted range matches nothing"),
        pytest.param(sg_rule(6, None), FlowSet.of(6, "0.0.0.0/0"), id="no ports = every port"),
    ],
)
def test_sg_rule_flows_protocols_and_ports(rule: SgRule, expected: FlowSet) -> None:
    net = network()
    assert sg_rule_flows(rule, net, permissive=False) == expected
    assert sg_rule_flows(rule, net, permissive=True) == expected


@pytest.mark.parametrize("kind", ["security_group", "self"])
def test_sg_references_never_match_addresses(kind: str) -> None:
    # R-SG-5: group references match private addresses of ENIs only, never internet sources.
    rule = sg_rule(-1, None, "aws_security_group.lb", peer_kind=kind)
    assert sg_rule_flows(rule, network(), permissive=True) == EMPTY


def test_prefix_list_peer_uses_its_entries() -> None:
    rule = sg_rule(
        6, (443, 443), "pl-1", peer_kind="prefix_list", prefix_list_cidrs=("1.0.0.0/8", "2.0.0.0/8")
    )
    expected = FlowSet.of(6, "1.0.0.0/8", (443, 443)) | FlowSet.of(6, "2.0.0.0/8", (443, 443))
    assert sg_rule_flows(rule, network(), permissive=False) == expected


def test_prefix_list_entries_from_the_model() -> None:
    listed = PrefixList(
        address="aws_ec2_managed_prefix_list.office", family="ipv4", cidrs=("9.9.9.0/24",)
    )
    rule = sg_rule(6, (22, 22), listed.address, peer_kind="prefix_list")
    assert sg_rule_flows(rule, network(listed), permissive=False) == FlowSet.of(
        6, "9.9.9.0/24", (22, 22)
    )


def test_unknown_prefix_list_widens_to_its_family_only_when_permissive() -> None:
    listed = PrefixList(address="aws_ec2_managed_prefix_list.x", family="ipv6", cidrs=None)
    rule = sg_rule(6, (443, 443), listed.address, peer_kind="prefix_list")
    net = network(listed)
    assert sg_rule_flows(rule, net, permissive=True) == FlowSet.of(6, "::/0", (443, 443))
    assert sg_rule_flows(rule, net, permissive=False) == EMPTY


def test_unknown_cidr_widens_to_both_families_or_nothing() -> None:
    rule = sg_rule(6, (22, 22), None, unknowns=("cidr_blocks unknown",))
    both = FlowSet.of(6, "0.0.0.0/0", (22, 22)) | FlowSet.of(6, "::/0", (22, 22))
    assert sg_rule_flows(rule, network(), permissive=True) == both
    assert sg_rule_flows(rule, network(), permissive=False) == EMPTY


def test_rule_with_unknowns_matches_nothing_strictly() -> None:
    rule = sg_rule(
        6, (22, 22), "1.2.3.4/32", unknowns=("count of aws_security_group_rule.x unknown",)
    )
    assert sg_rule_flows(rule, network(), permissive=True) == FlowSet.of(6, "1.2.3.4/32", (22, 22))
    assert sg_rule_flows(rule, network(), permissive=False) == EMPTY


def test_sg_allowed_lists_rules_in_group_order_once_per_group() -> None:
    web = group(
        "aws_security_group.web", (sg_rule(6, (443, 443)), sg_rule(-1, None, direction="egress"))
    )
    ssh = group("aws_security_group.ssh", (sg_rule(6, (22, 22), "1.2.3.4/32"),))
    net = network(web, ssh)
    pairs = sg_allowed([web.address, ssh.address, web.address], "ingress", net, permissive=False)
    assert [rule for rule, _ in pairs] == [web.rules[0], ssh.rules[0]]
    union = sg_allowed_union([web.address, ssh.address], "ingress", net, permissive=False)
    assert union == FlowSet.of(6, "0.0.0.0/0", (443, 443)) | FlowSet.of(6, "1.2.3.4/32", (22, 22))
    assert sg_allowed_union([web.address], "egress", net, permissive=False) == V4


def test_group_missing_from_the_model_is_unknown() -> None:
    pairs = sg_allowed(["sg-0abc"], "ingress", network(), permissive=True)
    assert pairs == [(missing_group_rule("sg-0abc", "ingress"), FlowSet.universe())]
    assert "sg-0abc" in pairs[0][0].unknowns[0]
    assert sg_allowed_union(["sg-0abc"], "ingress", network(), permissive=False) == EMPTY


# --- NACL entries (R-NACL-5/6/7) ---------------------------------------------------------------


def test_nacl_tcp_zero_zero_is_port_zero_only() -> None:
    flows = nacl_rule_flows(nacl_rule(100, "allow", 6, "0.0.0.0/0", (0, 0)), permissive=False)
    assert flows == FlowSet.of(6, "0.0.0.0/0", (0, 0))
    assert not flows.contains(4, 6, ip("8.8.8.8"), 22)


def test_nacl_icmp_type_and_code() -> None:
    echo_reply = nacl_rule(100, "allow", 1, "0.0.0.0/0", icmp=(0, 0))
    any_unreachable = nacl_rule(110, "allow", 1, "0.0.0.0/0", icmp=(3, -1))
    assert nacl_rule_flows(echo_reply, permissive=False) == FlowSet.of(1, "0.0.0.0/0", (0, 0))
    assert nacl_rule_flows(any_unreachable, permissive=False) == FlowSet.of(
        1, "0.0.0.0/0", icmp_code_range(3, -1)
    )


def test_nacl_protocol_58_with_ipv4_cidr_matches_every_type() -> None:
    v4 = nacl_rule(100, "allow", 58, "0.0.0.0/0", icmp=(128, 0))
    v6 = nacl_rule(101, "allow", 58, "::/0", icmp=(128, 0))
    assert nacl_rule_flows(v4, permissive=False) == FlowSet.of(58, "0.0.0.0/0")
    assert nacl_rule_flows(v6, permissive=False) == FlowSet.of(58, "::/0", (32768, 32768))


def test_nacl_rule_matches_its_family_only() -> None:
    flows = nacl_rule_flows(nacl_rule(100, "allow", -1, "0.0.0.0/0"), permissive=False)
    assert flows == V4
    assert not flows & V6


def test_nacl_unknown_cidr() -> None:
    rule = nacl_rule(100, "allow", 6, None, (443, 443), unknowns=("cidr_block unknown",))
    both = FlowSet.of(6, "0.0.0.0/0", (443, 443)) | FlowSet.of(6, "::/0", (443, 443))
    assert nacl_rule_flows(rule, permissive=True) == both
    assert nacl_rule_flows(rule, permissive=False) == EMPTY


# --- NACL first match (R-NACL-2/3) -------------------------------------------------------------


def test_deny_before_allow_carves_the_port_out() -> None:
    acl = nacl(
        ingress=(nacl_rule(90, "deny", 6, "0.0.0.0/0", (22, 22)), nacl_rule(100, "allow", -1))
    )
    decisions = nacl_decisions(acl, False, permissive=False)
    tcp22 = FlowSet.of(6, "0.0.0.0/0", (22, 22))
    assert [(rule.rule_no, flows) for rule, flows in decisions] == [
        (90, tcp22),
        (100, V4 - tcp22),
        (32767, EMPTY),  # every IPv4 flow is decided already
        (32767, V6),
    ]
    assert nacl_allowed(acl, False, permissive=False) == V4 - tcp22


def test_entries_are_evaluated_by_rule_number_not_listing_order() -> None:
    acl = nacl(
        ingress=(nacl_rule(200, "allow", -1), nacl_rule(100, "deny", 6, "0.0.0.0/0", (22, 22)))
    )
    assert nacl_allowed(acl, False, permissive=False) == V4 - FlowSet.of(6, "0.0.0.0/0", (22, 22))


def test_allow_before_deny_shadows_the_deny() -> None:
    acl = nacl(
        ingress=(nacl_rule(100, "allow", -1), nacl_rule(200, "deny", 6, "0.0.0.0/0", (22, 22)))
    )
    decisions = {
        rule.rule_no: flows
        for rule, flows in nacl_decisions(acl, False, permissive=False)
        if not rule.is_default_deny
    }
    assert decisions == {100: V4, 200: EMPTY}


def test_egress_direction_is_separate() -> None:
    acl = nacl(
        ingress=(), egress=(nacl_rule(100, "allow", 6, "0.0.0.0/0", (443, 443), egress=True),)
    )
    assert nacl_allowed(acl, False, permissive=True) == EMPTY
    assert nacl_allowed(acl, True, permissive=False) == FlowSet.of(6, "0.0.0.0/0", (443, 443))


def test_unknown_allow_widens_only_when_permissive() -> None:
    acl = nacl(
        ingress=(
            nacl_rule(50, "allow", 6, None, (443, 443), unknowns=("cidr_block unknown",)),
            nacl_rule(100, "allow", 6, "0.0.0.0/0", (80, 80)),
        )
    )
    web = FlowSet.of(6, "0.0.0.0/0", (80, 80))
    https = FlowSet.of(6, "0.0.0.0/0", (443, 443)) | FlowSet.of(6, "::/0", (443, 443))
    assert nacl_allowed(acl, False, permissive=True) == web | https
    assert nacl_allowed(acl, False, permissive=False) == web


def test_unknown_deny_narrows_when_permissive_and_widens_when_strict() -> None:
    acl = nacl(
        ingress=(
            nacl_rule(50, "deny", 6, None, (22, 22), unknowns=("cidr_block unknown",)),
            nacl_rule(100, "allow", -1),
        )
    )
    assert nacl_allowed(acl, False, permissive=True) == V4
    assert nacl_allowed(acl, False, permissive=False) == V4 - FlowSet.of(6, "0.0.0.0/0", (22, 22))


def test_callers_cannot_spoil_the_decisions() -> None:
    # Caching is per analysis (tfvpc.analyse.flow_cache), never across calls.
    acl = nacl()
    first = nacl_decisions(acl, False, permissive=True)
    first.clear()
    again = nacl_decisions(nacl(), False, permissive=True)
    assert len(again) == 4


# --- return traffic (R-NACL-11) ----------------------------------------------------------------

SSH = FlowSet.of(6, "0.0.0.0/0", (22, 22))


def test_needed_replies_go_to_ephemeral_ports_of_the_client() -> None:
    assert needed_replies(FlowSet.of(6, "1.2.3.4/32", (22, 22))) == FlowSet.of(
        6, "1.2.3.4/32", (1024, 65535)
    )
    echo = FlowSet.of(1, "1.2.3.4/32", (2048, 2048))
    assert needed_replies(echo) == FlowSet.of(1, "1.2.3.4/32", (0, 0))
    assert needed_replies(FlowSet.of(58, "::/0", (32768, 32768))) == FlowSet.of(
        58, "::/0", (33024, 33024)
    )
    assert needed_replies(FlowSet.of(1, "1.2.3.4/32", icmp_code_range(3, -1))) == EMPTY
    assert needed_replies(FlowSet.of(47, "1.2.3.4/32")) == FlowSet.of(47, "1.2.3.4/32")


def test_return_full_none_partial() -> None:
    full = return_split(SSH, V4)
    assert (full.full, full.partial, full.none) == (SSH, EMPTY, EMPTY)
    assert full.status() is ReturnStatus.FULL
    only_https = FlowSet.of(6, "0.0.0.0/0", (443, 443))
    assert return_status(SSH, only_https) is ReturnStatus.NONE
    linux = FlowSet.of(6, "0.0.0.0/0", (32768, 61000))
    split = return_split(SSH, linux)
    assert (split.full, split.partial, split.none) == (EMPTY, SSH, EMPTY)
    assert split.status() is ReturnStatus.PARTIAL


def test_return_split_is_per_client_address() -> None:
    back = FlowSet.of(6, "1.0.0.0/8", (1024, 65535)) | FlowSet.of(6, "2.0.0.0/8", (32768, 65535))
    split = return_split(SSH, back)
    assert split.full == FlowSet.of(6, "1.0.0.0/8", (22, 22))
    assert split.partial == FlowSet.of(6, "2.0.0.0/8", (22, 22))
    assert split.none == SSH - split.full - split.partial
    assert split.status() is ReturnStatus.PARTIAL


def test_return_split_for_udp_icmp_and_other_protocols() -> None:
    dns = FlowSet.of(17, "0.0.0.0/0", (53, 53))
    echo = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, -1))
    unreachable = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(3, -1))
    gre = FlowSet.of(47, "0.0.0.0/0")
    requests = dns | echo | unreachable | gre
    only_tcp = FlowSet.of(6, "0.0.0.0/0")
    split = return_split(requests, only_tcp)
    # An ICMP type with no reply expected never loses its reply.
    assert (split.full, split.partial, split.none) == (unreachable, EMPTY, dns | echo | gre)
    echo_reply = FlowSet.of(1, "0.0.0.0/0", (0, 0))
    assert return_split(echo | unreachable, echo_reply).full == echo | unreachable


def test_return_split_icmpv6_echo() -> None:
    ping6 = FlowSet.of(58, "::/0", icmp_code_range(128, 0))
    assert (
        return_status(ping6, FlowSet.of(58, "::/0", icmp_code_range(129, 0))) is ReturnStatus.FULL
    )
    assert return_status(ping6, FlowSet.of(58, "::/0", icmp_code_range(0, 0))) is ReturnStatus.NONE


def test_open_ports_keeps_protocol_and_address() -> None:
    flows = FlowSet.of(6, "1.2.3.0/24", (22, 22)) | FlowSet.of(17, "::/0", (53, 53))
    assert open_ports(flows) == FlowSet.of(6, "1.2.3.0/24") | FlowSet.of(17, "::/0")
