"""TFV101 follow-ups: address family of unknown peers, uncertain more-specific routes and
uncertain edge associations, each reasoned by hand on `model_helpers.public_network()` (an
instance with an auto-assigned public IPv4, 0.0.0.0/0 -> IGW, allow-all NACL, ssh from
anywhere)."""

from __future__ import annotations

import ipaddress

from model_helpers import (
    IGW,
    NACL,
    SG,
    TABLE,
    gateway,
    group,
    instance,
    nacl,
    nacl_rule,
    public_network,
    route,
    sg_rule,
    subnet,
    table,
    vpc,
)

from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import nacl_rule_flows, sg_rule_flows
from tfvpc.findings import Finding
from tfvpc.model import NaclRule, Route, SgRule

DUAL_VPC = vpc(ipv6=("2600:1f18::/56",))
DUAL_SUBNET = subnet(ipv6_cidr="2600:1f18::/64")
DUAL_HOST = instance(ipv6=True)
DUAL_TABLE = table(
    local=("10.0.0.0/16", "2600:1f18::/56"),
    routes=(route("0.0.0.0/0", IGW), route("::/0", IGW)),
)
V4_UNKNOWN = f"cidr_ipv4 of {SG} is unknown until apply"


def unknown_peer(family: int | None) -> SgRule:
    rule = sg_rule(6, (443, 443), None, unknowns=(V4_UNKNOWN,))
    return rule.model_copy(update={"family": family})


def dual_stack(web: object) -> list[Finding]:
    return find_exposures(public_network(DUAL_VPC, DUAL_SUBNET, DUAL_HOST, DUAL_TABLE, web))


# --- 1. address family of unknown peers (R-CIDR-2, R-NACL-5) ------------------------------------


def test_unknown_ipv4_peer_is_a_possible_ipv4_exposure_only() -> None:
    findings = dual_stack(group(rules=(unknown_peer(4),)))
    assert len(findings) == 1, findings
    (finding,) = findings
    assert (finding.certainty, finding.protocol, finding.ports) == (
        "possible",
        "tcp",
        ((443, 443),),
    )
    assert finding.sources == ("0.0.0.0/0",)
    assert V4_UNKNOWN in finding.message


def test_unknown_ipv6_peer_is_a_possible_ipv6_exposure_only() -> None:
    (finding,) = dual_stack(group(rules=(unknown_peer(6),)))
    assert (finding.certainty, finding.sources) == ("possible", ("::/0",))


def test_unknown_peer_of_unknown_family_may_be_either() -> None:
    (finding,) = dual_stack(group(rules=(unknown_peer(None),)))
    assert finding.certainty == "possible"
    assert set(finding.sources) == {"0.0.0.0/0", "::/0"}


def test_sg_rule_flows_widen_to_the_rule_family() -> None:
    network = public_network()
    widened = sg_rule_flows(unknown_peer(4), network, permissive=True)
    assert widened.families() == (4,)
    assert FlowCache(network).sg_rule_flows(unknown_peer(6), permissive=True).families() == (6,)
    assert sg_rule_flows(unknown_peer(4), network, permissive=False).is_empty()


def unknown_nacl_rule(family: int | None) -> NaclRule:
    rule = nacl_rule(100, "allow", -1, None, unknowns=("cidr_block is unknown",))
    return rule.model_copy(update={"family": family})


def test_nacl_entry_of_unknown_cidr_widens_to_its_family() -> None:
    assert nacl_rule_flows(unknown_nacl_rule(6), permissive=True).families() == (6,)
    assert nacl_rule_flows(unknown_nacl_rule(None), permissive=True).families() == (4, 6)


def test_flow_cache_tells_nacls_apart_by_entry_family() -> None:
    v4 = nacl("aws_network_acl.a", ingress=(unknown_nacl_rule(4),))
    v6 = nacl("aws_network_acl.b", ingress=(unknown_nacl_rule(6),))
    cache = FlowCache(public_network(extra=(v4, v6)))
    assert cache.nacl_allowed(v4, False, permissive=True).families() == (4,)
    assert cache.nacl_allowed(v6, False, permissive=True).families() == (6,)


def test_unknown_ipv4_nacl_entry_does_not_open_ipv6() -> None:
    acl = nacl(ingress=(unknown_nacl_rule(4),))
    web = group(rules=(sg_rule(6, (443, 443), "0.0.0.0/0"), sg_rule(6, (443, 443), "::/0")))
    net = public_network(DUAL_VPC, DUAL_SUBNET, DUAL_HOST, DUAL_TABLE, web, acl)
    (finding,) = find_exposures(net)
    assert (finding.certainty, finding.sources) == ("possible", ("0.0.0.0/0",))


# --- 2. uncertain more-specific routes (R-RT-5, R-MODEL-1) -------------------------------------

COUNT_UNKNOWN = "count of aws_route.partner is unknown until apply"


def test_uncertain_more_specific_route_carves_clients_out_only_possibly() -> None:
    nat = gateway("aws_nat_gateway.nat", "nat", subnet="aws_subnet.other")
    partner = Route(
        destination="8.8.8.0/24",
        target_kind="nat",
        target=nat.address,
        origin="aws_route.partner",
        unknowns=(COUNT_UNKNOWN,),
    )
    routes = table(routes=(route("0.0.0.0/0", IGW), partner))
    definite, possible = find_exposures(public_network(routes, extra=(nat,)))
    rest = ipaddress.ip_network("0.0.0.0/0").address_exclude(ipaddress.ip_network("8.8.8.0/24"))
    assert definite.certainty == "definite"
    assert definite.sources == tuple(str(n) for n in sorted(rest))
    assert COUNT_UNKNOWN not in definite.message
    assert (possible.certainty, possible.ports, possible.sources) == (
        "possible",
        ((22, 22),),
        ("8.8.8.0/24",),
    )
    assert COUNT_UNKNOWN in possible.message


def test_certain_more_specific_route_still_carves_clients_out() -> None:
    nat = gateway("aws_nat_gateway.nat", "nat", subnet="aws_subnet.other")
    routes = table(routes=(route("0.0.0.0/0", IGW), route("8.8.8.0/24", nat.address, "nat")))
    findings = find_exposures(public_network(routes, extra=(nat,)))
    assert [f.certainty for f in findings] == ["definite"]
    assert "8.8.8.0/24" not in findings[0].sources


# --- 3. uncertain edge associations (R-RT-3, R-MODEL-1) ----------------------------------------

FIREWALL = gateway("aws_network_interface.fw", "eni", subnet="aws_subnet.fw")
EDGE_UNKNOWN = "gateway_id of aws_route_table_association.edge is unknown until apply"


def edge(*, unknowns: tuple[str, ...] = (), route_unknowns: tuple[str, ...] = ()) -> object:
    redirect = route("10.0.1.0/24", FIREWALL.address, "eni", unknowns=route_unknowns)
    return table(
        "aws_route_table.edge",
        (redirect.model_copy(update={"origin": "aws_route_table.edge"}),),
        edge_gateways=(IGW,),
        unknowns=unknowns,
    )


def test_certain_edge_association_hides_the_normal_path() -> None:
    (finding,) = find_exposures(public_network(extra=(FIREWALL, edge())))
    assert finding.certainty == "possible"
    assert "only through aws_network_interface.fw" in finding.message
    assert finding.path[-2].detail == "appliance, not evaluated"


def test_uncertain_edge_association_makes_both_paths_possible() -> None:
    findings = find_exposures(public_network(extra=(FIREWALL, edge(unknowns=(EDGE_UNKNOWN,)))))
    direct = [f for f in findings if "appliance" not in f.message]
    through = [f for f in findings if "appliance" in f.message]
    assert len(direct) == 1 and len(through) == 1, findings
    assert (direct[0].certainty, direct[0].ports, direct[0].sources) == (
        "possible",
        ((22, 22),),
        ("0.0.0.0/0",),
    )
    assert EDGE_UNKNOWN in direct[0].message
    assert through[0].certainty == "possible"
    assert FIREWALL.address in through[0].related


def test_uncertain_redirecting_route_makes_the_normal_path_possible() -> None:
    reason = "count of aws_route.to_firewall is unknown until apply"
    findings = find_exposures(public_network(extra=(FIREWALL, edge(route_unknowns=(reason,)))))
    direct = [f for f in findings if "appliance" not in f.message]
    assert [f.certainty for f in direct] == ["possible"]
    assert reason in direct[0].message
    assert [h.hop for h in direct[0].path][2:4] == [TABLE, NACL]
