"""What TFV201 computes once for many subnets: sibling groups, their order per subnet, and the
address helpers it builds on, against their plain definitions."""

from __future__ import annotations

import pytest
from conflict_helpers import ALL, TCP, Net, nacl_rule

from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.peer_space import open_addresses
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.analyse.routing import RoutingIndex, addresses_of, addresses_of_all
from tfvpc.analyse.unreachable_reach import Reach
from tfvpc.findings import Finding
from tfvpc.model import Network
from tfvpc.space import FlowSet


def unreachable(network: Network) -> dict[str, Finding]:
    found = find_reachability_problems(network)
    return {f.resource: f for f in found if f.rule_id == "TFV201"}


def no_replies(address: str, net: Net, subnets: tuple[str, ...]) -> None:
    """Add a NACL that admits everything but lets out only tcp 443: no reply leaves."""
    rules = [
        nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443), egress=True),
    ]
    net.nacl(address, "aws_vpc.main", rules, subnets)


def split_vpc() -> Network:
    """Subnets a and c behind one NACL, b between them behind another written alike."""
    net = Net()
    vpc = net.vpc()
    for i, name in enumerate("abc", start=1):
        net.subnet(f"aws_subnet.{name}", vpc, f"10.0.{i}.0/24")
    no_replies("aws_network_acl.one", net, ("aws_subnet.a", "aws_subnet.c"))
    no_replies("aws_network_acl.two", net, ("aws_subnet.b",))
    return net.build()


def test_group_listed_where_its_first_other_member_is() -> None:
    found = unreachable(split_vpc())
    # For a, its own group is c alone: it comes after b.
    assert [h.hop for h in found["aws_subnet.a"].path[1:]] == [
        "aws_subnet.b (local route)",
        "aws_subnet.c (local route)",
        "internet",
    ]
    assert [h.hop for h in found["aws_subnet.c"].path[1:]] == [
        "aws_subnet.a (local route)",
        "aws_subnet.b (local route)",
        "internet",
    ]
    detail = found["aws_subnet.a"].path[1].detail
    assert detail == "NACL aws_network_acl.one lets no reply out to 10.0.2.0/24"
    detail = found["aws_subnet.a"].path[2].detail
    assert detail == "NACL aws_network_acl.one lets no reply out to 10.0.3.0/24"


def test_siblings_order_and_membership() -> None:
    network = split_vpc()
    reach = Reach(network, RoutingIndex(network), FlowCache(network))
    vpc = network.vpcs["aws_vpc.main"]
    subnets = network.subnets

    def listed(subnet: str) -> list[list[str]]:
        groups = reach.siblings(vpc, subnets[subnet])
        return [[m.address for m in g.members] for g in groups]

    assert listed("aws_subnet.a") == [["aws_subnet.b"], ["aws_subnet.a", "aws_subnet.c"]]
    assert listed("aws_subnet.b") == [["aws_subnet.a", "aws_subnet.c"]]
    assert listed("aws_subnet.c") == [["aws_subnet.a", "aws_subnet.c"], ["aws_subnet.b"]]


def test_group_source_without_the_subnet() -> None:
    net = Net()
    vpc = net.vpc(ipv6=("2001:db8::/56",))
    net.subnet("aws_subnet.a", vpc, "10.0.1.0/24")
    net.subnet("aws_subnet.b", vpc, "10.0.2.0/24", ipv6_cidr="2001:db8::/64")
    net.subnet("aws_subnet.c", vpc, "10.0.3.0/24")
    network = net.build()
    reach = Reach(network, RoutingIndex(network), FlowCache(network))
    main = network.vpcs[vpc]
    for address in ("aws_subnet.a", "aws_subnet.b", "aws_subnet.c"):
        subnet = network.subnets[address]
        side = reach.side_of(subnet, None)
        assert side is not None
        (group,) = reach.siblings(main, subnet)
        source = reach.source_without(group, subnet, side)
        others = [reach.side_of(m, main) for m in group.members if m.address != address]
        known = [s for s in others if s is not None]
        assert source is not None and len(known) == len(others)
        assert source.inbound == FlowSet.union_all(s.inbound for s in known)
        assert source.outbound == FlowSet.union_all(s.outbound for s in known)
        expected = FlowSet.union_all(s.addresses for s in known) - side.addresses
        assert source.addresses - side.addresses == expected


@pytest.mark.parametrize(
    "cidrs",
    [
        (),
        ("10.0.0.0/24",),
        ("10.0.1.0/24", "10.0.0.0/24", "10.0.2.0/23"),
        ("10.0.0.0/16", "10.0.5.0/24", None, "not a cidr"),
        ("10.0.0.0/24", "2001:db8::/64", "2001:db8:0:1::/64", "192.168.0.0/16"),
        ("0.0.0.0/0", "::/0"),
    ],
)
def test_addresses_of_all_is_the_union_of_each(cidrs: tuple[str | None, ...]) -> None:
    each = [addresses_of(c) for c in cidrs]
    assert addresses_of_all(cidrs) == FlowSet.union_all(s for s in each if s is not None)


def test_open_addresses_keeps_protocols_and_ports() -> None:
    flows = (
        FlowSet.of(TCP, "10.0.0.0/24", (80, 80))
        | FlowSet.of(TCP, "10.0.1.0/24", (80, 80))
        | FlowSet.of(17, "2001:db8::/64", (53, 53))
        | FlowSet.of(1, "192.0.2.0/24", (2048, 2303))
    )
    expected = (
        FlowSet.of(TCP, "0.0.0.0/0", (80, 80))
        | FlowSet.of(17, "::/0", (53, 53))
        | FlowSet.of(1, "0.0.0.0/0", (2048, 2303))
    )
    assert open_addresses(flows) == expected
    assert open_addresses(FlowSet.empty()) == FlowSet.empty()
