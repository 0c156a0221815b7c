"""SubnetSpace equals the plain set algebra, and the locality it relies on holds: what a NACL and
return traffic make of a flow depends on the flow's own client address only (R-NACL-1/11)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import nacl, nacl_rule, subnet

from tfvpc.analyse.flows import nacl_allowed, needed_replies, return_split
from tfvpc.analyse.routing import family_window, subnet_addresses
from tfvpc.analyse.subnet_space import SubnetSpace
from tfvpc.model import NaclAction, NaclRule, Subnet
from tfvpc.space import FlowSet

# Flows of a few protocols over 10.0.0.0/22 (the subnet below is 10.0.1.0/24) and ::/0.
PROTOCOLS = st.sampled_from((-1, 1, 6, 17, 58))
V4_CIDRS = st.sampled_from(
    ("10.0.0.0/22", "10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/24", "10.0.2.0/23", "0.0.0.0/0")
)
PORTS = st.tuples(st.integers(0, 65), st.integers(0, 65)).map(lambda t: (min(t), max(t)))


@st.composite
def flow_sets(draw: st.DrawFn) -> FlowSet:
    """Return a union of a few flows, mostly IPv4 around the subnet, sometimes IPv6."""
    out = FlowSet.empty()
    for _ in range(draw(st.integers(0, 4))):
        cidr = draw(st.one_of(V4_CIDRS, st.just("::/0")))
        ports = draw(PORTS)
        out = out | FlowSet.of(draw(PROTOCOLS), cidr, (ports[0] * 1000, ports[1] * 1000))
    return out


SUBNETS: tuple[Subnet, ...] = (
    subnet(cidr="10.0.1.0/24"),
    subnet(cidr="10.0.1.0/24", ipv6_cidr="2001:db8:0:1::/64"),
    subnet(cidr="10.0.9.0/24"),
    subnet(cidr=None, ipv6_cidr="2001:db8:0:2::/64"),
    subnet(cidr="not-a-cidr"),
)


@settings(deadline=None)
@given(flow_sets(), st.sampled_from(SUBNETS))
def test_crossing_equals_the_window_of_the_subnet(flows: FlowSet, where: Subnet) -> None:
    space = SubnetSpace()
    window = family_window(where) - subnet_addresses(where)
    assert space.crossing(flows, where) == flows & window
    assert space.outside(flows, where) == flows - subnet_addresses(where)
    assert space.in_families(flows, where) == flows & family_window(where)
    assert space.touches(flows, where) is (not flows.isdisjoint(subnet_addresses(where)))


RuleSpec = tuple[NaclAction, int, str, tuple[int, int]]
RULES: st.SearchStrategy[list[RuleSpec]] = st.lists(
    st.tuples(st.sampled_from(("allow", "deny")), PROTOCOLS, V4_CIDRS, PORTS), max_size=4
)


def entries(specs: list[RuleSpec], *, egress: bool) -> list[NaclRule]:
    """Return NACL entries numbered 100, 110, ... from (action, protocol, cidr, ports)."""
    return [
        nacl_rule(100 + 10 * n, action, protocol, cidr, (lo * 1000, hi * 1000), egress=egress)
        for n, (action, protocol, cidr, (lo, hi)) in enumerate(specs)
    ]


@settings(deadline=None)
@given(flow_sets(), RULES, RULES, st.sampled_from(SUBNETS[:3]))
def test_nacl_verdicts_and_replies_commute_with_leaving_out_addresses(
    flows: FlowSet, inbound: list[RuleSpec], outbound: list[RuleSpec], where: Subnet
) -> None:
    acl = nacl(ingress=entries(inbound, egress=False), egress=entries(outbound, egress=True))
    own = subnet_addresses(where)
    allowed = nacl_allowed(acl, False, permissive=True)
    back = nacl_allowed(acl, True, permissive=True)
    passed = flows & allowed
    split = return_split(passed, back)
    narrowed = return_split(passed - own, back)
    assert (flows - own) & allowed == passed - own
    assert needed_replies(passed - own) == needed_replies(passed) - own
    assert narrowed.full == split.full - own
    assert narrowed.partial == split.partial - own
    assert narrowed.none == split.none - own
