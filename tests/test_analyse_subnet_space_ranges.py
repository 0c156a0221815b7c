"""SubnetSpace.ranges: a subnet's CIDRs as (family, first, last), unparseable ones left out."""

from __future__ import annotations

from model_helpers import subnet

from tfvpc.analyse.subnet_space import SubnetSpace
from tfvpc.space import FlowSet


def test_dual_stack_subnet_gives_both_ranges_v4_first() -> None:
    where = subnet(cidr="10.0.1.0/24", ipv6_cidr="2001:db8:0:1::/64")
    # 10.0.1.0 = 0x0A000100; the /64 spans the 2**64 addresses after 2001:db8:0:1::.
    v6_first = 0x2001_0DB8_0000_0001 << 64
    assert SubnetSpace().ranges(where) == (
        (4, 0x0A000100, 0x0A0001FF),
        (6, v6_first, v6_first + 2**64 - 1),
    )


def test_unparseable_cidr_is_left_out() -> None:
    where = subnet(cidr="not-a-cidr", ipv6_cidr="2001:db8:0:2::/64")
    ranges = SubnetSpace().ranges(where)
    assert [family for family, _, _ in ranges] == [6]


def test_host_bits_are_ignored_as_aws_does() -> None:
    # R-CIDR-1: 10.0.1.77/24 is 10.0.1.0/24.
    assert SubnetSpace().ranges(subnet(cidr="10.0.1.77/24")) == ((4, 0x0A000100, 0x0A0001FF),)


def test_subnet_without_parseable_cidr_touches_nothing() -> None:
    space = SubnetSpace()
    where = subnet(cidr="not-a-cidr")
    assert space.ranges(where) == ()
    assert not space.touches(FlowSet.of(-1, "0.0.0.0/0"), where)
    assert space.outside(FlowSet.of(-1, "0.0.0.0/0"), where) == FlowSet.of(-1, "0.0.0.0/0")


def test_empty_flows_are_outside_as_they_are() -> None:
    where = subnet(cidr="10.0.1.0/24")
    assert SubnetSpace().outside(FlowSet.empty(), where) == FlowSet.empty()
