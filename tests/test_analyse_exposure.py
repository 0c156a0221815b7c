"""TFV101 internet-exposure on hand-built networks, with hand-reasoned expected findings.

Unless a test says otherwise the network is `model_helpers.public_network()`: an instance in a
public subnet (auto-assigned public IPv4), 0.0.0.0/0 -> IGW, an allow-all NACL, and a group
admitting tcp 22 from 0.0.0.0/0.
"""

from __future__ import annotations

import ipaddress

import pytest
from model_helpers import (
    IGW,
    INSTANCE,
    NACL,
    SG,
    SUBNET,
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

from tfvpc.analyse.exposure import find_exposures, severity_of
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import Listener, Location, Route

INTERNET = Hop(hop="internet")
ROUTE_HOP = Hop(hop=TABLE, detail=f"0.0.0.0/0 -> {IGW}")
NACL_ALL = Hop(
    hop=NACL,
    detail="inbound rule 100 allow all from 0.0.0.0/0; outbound rule 100 allow all to 0.0.0.0/0",
)
AUTO = Hop(hop=SUBNET, detail="auto-assigned: map_public_ip_on_launch")
FIX = f"restrict {SG} ingress"


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def summary(
    findings: list[Finding],
) -> list[tuple[str, str, tuple[tuple[int, int], ...] | None, str]]:
    return [(f.protocol or "", f.certainty, f.ports, f.severity.value) for f in findings]


# --- the way in, step by step -----------------------------------------------------------------


def test_public_instance_via_auto_assign() -> None:
    expected = make_finding(
        "TFV101",
        resource=INSTANCE,
        message=(
            f"{INSTANCE} accepts tcp 22 from the internet (0.0.0.0/0) via {IGW}; "
            f"restrict {SG} ingress"
        ),
        severity=Severity.CRITICAL,
        related=(IGW, TABLE, NACL, SG, SUBNET),
        protocol="tcp",
        ports=((22, 22),),
        sources=("0.0.0.0/0",),
        path=(
            INTERNET,
            Hop(hop=IGW),
            ROUTE_HOP,
            NACL_ALL,
            Hop(hop=SG, detail="ingress tcp 22 from 0.0.0.0/0"),
            AUTO,
            Hop(hop=INSTANCE),
        ),
    )
    assert find_exposures(public_network()) == [expected]


def test_public_instance_via_eip_with_location() -> None:
    eip_instance = instance(via="eip", evidence="aws_eip.bastion", related=("aws_eip.bastion",))
    net = public_network(subnet(map_public=False), eip_instance)
    net.locations[INSTANCE] = Location(file="main.tf", line=42)
    finding = only(find_exposures(net))
    assert finding.path[-2:] == (
        Hop(hop="aws_eip.bastion", detail="public IPv4 from aws_eip.bastion"),
        Hop(hop=INSTANCE),
    )
    assert finding.related == (IGW, TABLE, NACL, SG, "aws_eip.bastion", SUBNET)
    assert finding.location == Location(file="main.tf", line=42)
    assert finding.certainty == "definite"


def test_no_public_address_means_no_exposure() -> None:
    assert find_exposures(public_network(instance(public_ipv4=False))) == []


def test_nat_only_subnet_is_not_exposed() -> None:
    nat = gateway("aws_nat_gateway.nat", "nat", subnet="aws_subnet.other")
    private = table(routes=(route("0.0.0.0/0", nat.address, "nat"),))
    assert find_exposures(public_network(private, extra=(nat,))) == []


def test_igw_of_another_vpc_is_a_blackhole() -> None:
    elsewhere = gateway(vpcs=("aws_vpc.other",))
    assert find_exposures(public_network(elsewhere)) == []


def test_detached_route_target_is_a_blackhole() -> None:
    lost = table(routes=(route("0.0.0.0/0", "aws_internet_gateway.gone"),))
    assert find_exposures(public_network(lost)) == []


def test_custom_nacl_without_rules_blocks_everything() -> None:
    assert find_exposures(public_network(nacl(ingress=(), egress=()))) == []


def test_sg_referencing_sg_is_not_internet_exposure() -> None:
    from_lb = group(rules=(sg_rule(-1, None, "aws_security_group.lb", peer_kind="security_group"),))
    assert find_exposures(public_network(from_lb)) == []


def test_private_sources_are_not_the_internet() -> None:
    office = group(
        rules=(sg_rule(6, (22, 22), "10.0.0.0/8"), sg_rule(6, (22, 22), "100.64.0.0/10"))
    )
    assert find_exposures(public_network(office)) == []


# --- IPv6 ---------------------------------------------------------------------------------------

V6_VPC = vpc(ipv6=("2600:1f18::/56",))
V6_SUBNET = subnet(ipv6_cidr="2600:1f18::/64", map_public=False)
V6_HOST = instance(public_ipv4=False, ipv6=True)
HTTPS_V6 = group(rules=(sg_rule(6, (443, 443), "::/0"),))


def v6_table(target: str, kind: str) -> object:
    return table(local=("10.0.0.0/16", "2600:1f18::/56"), routes=(route("::/0", target, kind),))


def test_ipv6_through_the_internet_gateway() -> None:
    net = public_network(V6_VPC, V6_SUBNET, V6_HOST, HTTPS_V6, v6_table(IGW, "igw"))
    finding = only(find_exposures(net))
    assert (finding.protocol, finding.ports, finding.sources) == ("tcp", ((443, 443),), ("::/0",))
    assert finding.severity is Severity.LOW
    assert finding.path == (
        INTERNET,
        Hop(hop=IGW),
        Hop(hop=TABLE, detail=f"::/0 -> {IGW}"),
        Hop(
            hop=NACL,
            detail="inbound rule 101 allow all from ::/0; outbound rule 101 allow all to ::/0",
        ),
        Hop(hop=SG, detail="ingress tcp 443 from ::/0"),
        Hop(hop=SUBNET, detail="IPv6 address from 2600:1f18::/64"),
        Hop(hop=INSTANCE),
    )


def test_ipv6_through_an_egress_only_gateway_is_not_exposed() -> None:
    # R-IP-5: the egress-only gateway drops connections the internet initiates.
    eigw = gateway("aws_egress_only_internet_gateway.eigw", "eigw")
    net = public_network(
        V6_VPC, V6_SUBNET, V6_HOST, HTTPS_V6, v6_table(eigw.address, "eigw"), extra=(eigw,)
    )
    assert find_exposures(net) == []


def test_ipv4_rules_never_admit_ipv6_clients() -> None:
    net = public_network(V6_VPC, V6_SUBNET, V6_HOST, v6_table(IGW, "igw"))
    assert find_exposures(net) == []


# --- NACLs, both directions ---------------------------------------------------------------------


def test_nacl_deny_before_allow_carves_a_port_out() -> None:
    acl = nacl(
        ingress=(nacl_rule(90, "deny", 6, "0.0.0.0/0", (8005, 8005)), nacl_rule(100, "allow", -1))
    )
    apps = group(rules=(sg_rule(6, (8000, 8010)),))
    finding = only(find_exposures(public_network(acl, apps)))
    assert finding.ports == ((8000, 8004), (8006, 8010))
    assert finding.severity is Severity.HIGH
    assert finding.message.startswith(
        f"{INSTANCE} accepts tcp 8000-8004, 8006-8010 from the internet"
    )


def test_nacl_without_return_rule_drops_tcp_but_not_udp() -> None:
    # R-NACL-11: outbound allows only tcp 443, so no reply reaches an ephemeral port.
    acl = nacl(egress=(nacl_rule(100, "allow", 6, "0.0.0.0/0", (443, 443), egress=True),))
    ssh_dns = group(rules=(sg_rule(6, (22, 22)), sg_rule(17, (53, 53))))
    finding = only(find_exposures(public_network(acl, ssh_dns)))
    assert (finding.protocol, finding.ports, finding.severity) == (
        "udp",
        ((53, 53),),
        Severity.HIGH,
    )
    assert finding.message == (
        f"{INSTANCE} accepts udp 53 from the internet (0.0.0.0/0) via {IGW} (packets are delivered "
        f"but {NACL} outbound drops every reply); {FIX}"
    )
    assert Hop(hop=NACL, detail="inbound rule 100 allow all from 0.0.0.0/0") in finding.path


def test_partial_return_range_depends_on_the_client() -> None:
    acl = nacl(egress=(nacl_rule(100, "allow", 6, "0.0.0.0/0", (32768, 65535), egress=True),))
    finding = only(find_exposures(public_network(acl)))
    assert finding.ports == ((22, 22),)
    assert finding.message == (
        f"{INSTANCE} accepts tcp 22 from the internet (0.0.0.0/0) via {IGW} (replies depend on the "
        f"client OS ephemeral range: {NACL} outbound allows only part of 1024-65535); {FIX}"
    )
    assert (
        Hop(
            hop=NACL,
            detail="inbound rule 100 allow all from 0.0.0.0/0; "
            "outbound rule 100 allow tcp 32768-65535 to 0.0.0.0/0",
        )
        in finding.path
    )


def test_nacl_inbound_limited_to_some_clients() -> None:
    acl = nacl(ingress=(nacl_rule(100, "allow", 6, "198.100.0.0/16", (22, 22)),))
    finding = only(find_exposures(public_network(acl)))
    assert finding.sources == ("198.100.0.0/16",)


# --- routing --------------------------------------------------------------------------------------


def test_more_specific_route_carves_sources_out() -> None:
    nat = gateway("aws_nat_gateway.nat", "nat", subnet="aws_subnet.other")
    routes = table(routes=(route("0.0.0.0/0", IGW), route("8.8.8.0/24", nat.address, "nat")))
    finding = only(find_exposures(public_network(routes, extra=(nat,))))
    rest = ipaddress.ip_network("0.0.0.0/0").address_exclude(ipaddress.ip_network("8.8.8.0/24"))
    assert finding.sources == tuple(str(n) for n in sorted(rest))
    assert ROUTE_HOP in finding.path


def test_prefix_list_route_counts_with_each_entry() -> None:
    from tfvpc.model import PrefixList

    partners = PrefixList(
        address="aws_ec2_managed_prefix_list.p", family="ipv4", cidrs=("5.5.0.0/16",)
    )
    routes = table(routes=(route(None, IGW, prefix_list=partners.address),))
    finding = only(find_exposures(public_network(routes, extra=(partners,))))
    assert finding.sources == ("5.5.0.0/16",)
    assert Hop(hop=TABLE, detail=f"{partners.address} -> {IGW}") in finding.path


def test_edge_table_to_an_appliance_is_reported_via_appliance() -> None:
    firewall = gateway("aws_network_interface.fw", "eni", subnet="aws_subnet.fw")
    edge = table(
        "aws_route_table.edge",
        (route("10.0.1.0/24", firewall.address, "eni"),),
        edge_gateways=(IGW,),
    )
    expected = make_finding(
        "TFV101",
        resource=INSTANCE,
        message=(
            f"{INSTANCE} may receive internet traffic (0.0.0.0/0) via {IGW} only through "
            f"{firewall.address}, where {edge.address} (edge-associated with {IGW}) sends it; "
            "tfvpc does not evaluate past an appliance: check its policy and the NACL and "
            f"security groups of {INSTANCE}"
        ),
        severity=Severity.MEDIUM,
        certainty="possible",
        related=(IGW, edge.address, firewall.address, SUBNET),
        protocol="all",
        sources=("0.0.0.0/0",),
        path=(
            INTERNET,
            Hop(hop=IGW),
            Hop(hop=edge.address, detail=f"edge association: 10.0.1.0/24 -> {firewall.address}"),
            Hop(hop=firewall.address, detail="appliance, not evaluated"),
            Hop(hop=INSTANCE),
        ),
        fingerprint_extra=f"via {edge.address}",
    )
    assert find_exposures(public_network(extra=(firewall, edge))) == [expected]


def test_edge_table_for_another_subnet_changes_nothing() -> None:
    firewall = gateway("aws_network_interface.fw", "eni")
    edge = table(
        "aws_route_table.edge",
        (route("10.0.9.0/24", firewall.address, "eni"),),
        edge_gateways=(IGW,),
    )
    finding = only(find_exposures(public_network(extra=(firewall, edge))))
    assert finding.certainty == "definite"


# --- unknowns: possible, naming what the finding rests on ---------------------------------------


def test_unknown_cidr_is_possible_and_named() -> None:
    reason = f"cidr_blocks of {SG} is unknown until apply"
    web = group(rules=(sg_rule(6, (443, 443), None, unknowns=(reason,)),))
    finding = only(find_exposures(public_network(web)))
    assert (finding.certainty, finding.protocol, finding.ports) == (
        "possible",
        "tcp",
        ((443, 443),),
    )
    assert finding.sources == ("0.0.0.0/0",)
    assert finding.message == (
        f"{INSTANCE} may accept tcp 443 from the internet (0.0.0.0/0) via {IGW}, resting on "
        f"unknowns: {reason}; {FIX}"
    )
    assert Hop(hop=SG, detail="ingress tcp 443 from an unknown CIDR") in finding.path


def test_definite_and_possible_parts_are_separate_findings() -> None:
    reason = "cidr_blocks of aws_security_group_rule.rdp is unknown until apply"
    mixed = group(
        rules=(
            sg_rule(6, (22, 22)),
            sg_rule(
                6, (3389, 3389), None, unknowns=(reason,), origin="aws_security_group_rule.rdp"
            ),
        )
    )
    definite, possible = find_exposures(public_network(mixed))
    assert (definite.certainty, definite.ports) == ("definite", ((22, 22),))
    assert "unknown" not in definite.message
    assert (possible.certainty, possible.ports) == ("possible", ((3389, 3389),))
    assert possible.message.endswith(f"resting on unknowns: {reason}; {FIX}")
    assert "aws_security_group_rule.rdp" in possible.related
    assert definite.fingerprint != possible.fingerprint


def test_unknown_public_ip_is_possible() -> None:
    finding = only(find_exposures(public_network(instance(public_ipv4=None, evidence=SUBNET))))
    assert finding.certainty == "possible"
    assert f"public IPv4 address of {INSTANCE} is unknown" in finding.message
    assert Hop(hop=SUBNET, detail="public IPv4 address unknown until apply") in finding.path


def test_ambiguous_subnet_evaluates_every_candidate_as_possible() -> None:
    other = subnet("aws_subnet.other", "10.0.2.0/24")
    host = instance(subnets=(SUBNET, other.address))
    finding = only(find_exposures(public_network(host, extra=(other,))))
    assert finding.certainty == "possible"
    assert f"subnet of {INSTANCE} is ambiguous ({SUBNET}, aws_subnet.other)" in finding.message
    assert {SUBNET, "aws_subnet.other"} <= set(finding.related)


def test_unknown_route_destination_could_steal_every_client() -> None:
    nat = gateway("aws_nat_gateway.nat", "nat")
    reason = "destination_cidr_block of aws_route.x is unknown until apply"
    odd = Route(
        destination=None,
        target_kind="nat",
        target=nat.address,
        origin="aws_route.x",
        unknowns=(reason,),
    )
    routes = table(routes=(route("0.0.0.0/0", IGW), odd))
    finding = only(find_exposures(public_network(routes, extra=(nat,))))
    assert finding.certainty == "possible"
    assert reason in finding.message


def test_igw_with_unknown_attachment_is_possible() -> None:
    reason = f"vpc_id of {IGW} is unknown until apply"
    finding = only(find_exposures(public_network(gateway(vpcs=(), unknowns=(reason,)))))
    assert finding.certainty == "possible"
    assert reason in finding.message


def test_object_with_unknowns_on_the_path_makes_it_possible() -> None:
    reason = "subnet_ids of aws_network_acl.public are unknown until apply"
    finding = only(find_exposures(public_network(nacl(unknowns=(reason,)))))
    assert finding.certainty == "possible"
    assert reason in finding.message


def test_unknown_nacl_association_is_possible() -> None:
    loose = subnet(nacls=())
    finding = only(find_exposures(public_network(loose)))
    assert finding.certainty == "possible"
    assert f"network ACL of {SUBNET} is unknown" in finding.message


def test_unknown_deny_rule_in_the_nacl_is_possible() -> None:
    reason = "cidr_block of aws_network_acl_rule.block is unknown until apply"
    acl = nacl(
        ingress=(
            nacl_rule(50, "deny", 6, None, (22, 22), unknowns=(reason,)),
            nacl_rule(100, "allow", -1),
        )
    )
    finding = only(find_exposures(public_network(acl)))
    assert finding.certainty == "possible"
    assert reason in finding.message


# --- protocols and severity ----------------------------------------------------------------------


def test_every_protocol_is_one_finding() -> None:
    wide_open = group(rules=(sg_rule(-1, None),))
    finding = only(find_exposures(public_network(wide_open)))
    assert (finding.protocol, finding.ports, finding.severity) == ("all", None, Severity.CRITICAL)
    assert finding.message.startswith(
        f"{INSTANCE} accepts every protocol from the internet (0.0.0.0/0)"
    )


def test_every_protocol_but_tcp_when_no_reply_can_leave() -> None:
    acl = nacl(egress=(nacl_rule(100, "allow", 6, "0.0.0.0/0", (443, 443), egress=True),))
    wide_open = group(rules=(sg_rule(-1, None),))
    finding = only(find_exposures(public_network(acl, wide_open)))
    assert (finding.protocol, finding.ports) == ("all", None)
    assert finding.message.startswith(
        f"{INSTANCE} accepts every protocol except tcp from the internet"
    )
    assert "drops every reply" in finding.message


def test_icmp_echo_reports_types() -> None:
    ping = group(rules=(sg_rule(1, (8, -1)),))
    finding = only(find_exposures(public_network(ping)))
    assert (finding.protocol, finding.ports, finding.severity) == ("icmp", ((8, 8),), Severity.HIGH)
    assert finding.message.startswith(f"{INSTANCE} accepts icmp type 8 from the internet")


def test_one_finding_per_protocol_in_order() -> None:
    many = group(
        rules=(
            sg_rule(17, (500, 500)),
            sg_rule(6, (443, 443)),
            sg_rule(6, (80, 80)),
            sg_rule(50, None),
        )
    )
    assert summary(find_exposures(public_network(many))) == [
        ("tcp", "definite", ((80, 80), (443, 443)), "low"),
        ("udp", "definite", ((500, 500),), "high"),
        ("50", "definite", None, "high"),
    ]


@pytest.mark.parametrize(
    ("label", "ports", "severity"),
    [
        ("all", None, Severity.CRITICAL),
        ("tcp", ((0, 65535),), Severity.CRITICAL),
        ("udp", ((0, 65535),), Severity.CRITICAL),
        ("tcp", ((22, 22),), Severity.CRITICAL),
        ("tcp", ((3000, 3400),), Severity.CRITICAL),
        ("udp", ((11211, 11211),), Severity.CRITICAL),
        ("tcp", ((80, 80), (443, 443)), Severity.LOW),
        ("tcp", ((443, 443),), Severity.LOW),
        ("udp", ((443, 443),), Severity.HIGH),
        ("tcp", ((8080, 8080),), Severity.HIGH),
        ("tcp", ((80, 81),), Severity.HIGH),
        ("icmp", ((0, 255),), Severity.HIGH),
        ("47", None, Severity.HIGH),
    ],
)
def test_severity_tiers(
    label: str, ports: tuple[tuple[int, int], ...] | None, severity: Severity
) -> None:
    assert severity_of(label, ports) is severity


# --- services: listeners, several nodes of one resource ------------------------------------------


def test_load_balancer_nodes_merge_and_listeners_restrict() -> None:
    second = subnet("aws_subnet.b", "10.0.2.0/24")
    https = Listener(protocol=6, from_port=443, to_port=443, origin="aws_lb_listener.https")
    nodes = [
        instance(
            f"aws_lb.front@{where}",
            subnets=(where,),
            groups=(),
            via="lb",
            evidence=None,
            resource="aws_lb.front",
            kind="aws_lb",
            listeners=(https,),
        )
        for where in (SUBNET, second.address)
    ]
    net = public_network(extra=(second, *nodes))
    bastion, lb = find_exposures(net)
    assert (lb.resource, lb.protocol, lb.ports, lb.severity) == (
        "aws_lb.front",
        "tcp",
        ((443, 443),),
        Severity.LOW,
    )
    assert lb.path == (
        INTERNET,
        Hop(hop=IGW),
        ROUTE_HOP,
        NACL_ALL,
        Hop(
            hop="aws_lb.front",
            detail="public IPv4: internet-facing load balancer node; listener tcp 443",
        ),
    )
    # Nodes are walked in address order: aws_lb.front@aws_subnet.b comes first.
    assert lb.related == (IGW, TABLE, NACL, second.address, SUBNET)
    assert lb.message.endswith("; attach security groups to aws_lb.front or narrow its listeners")
    assert bastion.resource == INSTANCE


def test_output_is_deterministic() -> None:
    net = public_network(group(rules=(sg_rule(-1, None, "1.2.3.0/24"), sg_rule(6, (22, 22)))))
    assert find_exposures(net) == find_exposures(net.model_copy(deep=True))
    assert summary(find_exposures(net)) == [
        ("all", "definite", None, "critical"),
        ("tcp", "definite", ((0, 65535),), "critical"),
    ]
