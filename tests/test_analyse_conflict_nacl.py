"""TFV303 nacl-rule-shadowed and TFV302 nacl-return-traffic-blocked on hand-made networks."""

from __future__ import annotations

from conflict_helpers import ALL, ICMP, TCP, UDP, Net, nacl_rule, route, sg_rule

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.findings import Finding, Severity
from tfvpc.model import NaclRule, Network


def of_rule(network: Network, rule_id: str) -> list[Finding]:
    return [f for f in find_conflicts(network) if f.rule_id == rule_id]


def acl(rules: list[NaclRule]) -> Network:
    net = Net()
    vpc = net.vpc()
    net.nacl("aws_network_acl.n", vpc, rules)
    return net.build()


def shadowed(rules: list[NaclRule]) -> list[Finding]:
    return of_rule(acl(rules), "TFV303")


# --- TFV303 -------------------------------------------------------------------------------------


def test_deny_before_allow_is_not_shadowing() -> None:
    assert (
        shadowed(
            [
                nacl_rule(90, "deny", TCP, "203.0.113.7/32", (22, 22)),
                nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
            ]
        )
        == []
    )


def test_allow_before_deny_shadows_the_deny() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
            nacl_rule(110, "deny", TCP, "203.0.113.7/32", (22, 22)),
        ]
    )
    assert finding.rule == "nacl-rule-shadowed" and finding.severity == Severity.HIGH
    assert finding.resource == "aws_network_acl.n" and finding.certainty == "definite"
    assert "inbound rule 110 deny tcp 22 from 203.0.113.7/32" in finding.message
    assert "rule 100 allow all from 0.0.0.0/0" in finding.message
    assert "the deny never fires" in finding.message
    assert finding.protocol == "tcp" and finding.ports == ((22, 22),)
    assert finding.sources == ("203.0.113.7/32",)
    assert [h.detail for h in finding.path] == [
        "inbound rule 100 allow all from 0.0.0.0/0",
        "inbound rule 110 deny tcp 22 from 203.0.113.7/32: never matches",
    ]


def test_redundant_allow_is_low() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "allow", TCP, "10.0.0.0/8", (0, 65535)),
            nacl_rule(110, "allow", TCP, "10.1.0.0/16", (443, 443)),
        ]
    )
    assert finding.severity == Severity.LOW and "redundant" in finding.message


def test_allow_shadowed_by_deny_is_medium() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "deny", ALL, "0.0.0.0/0"),
            nacl_rule(110, "allow", TCP, "0.0.0.0/0", (443, 443)),
        ]
    )
    assert finding.severity == Severity.MEDIUM and "the allow never fires" in finding.message


def test_shadowed_by_the_union_of_two_rules_names_both() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "allow", TCP, "0.0.0.0/0", (0, 1000)),
            nacl_rule(110, "allow", TCP, "0.0.0.0/0", (1001, 65535)),
            nacl_rule(120, "allow", TCP, "10.0.0.0/8", (443, 2000)),
        ]
    )
    assert "rule 120" in finding.message
    assert [h.detail.split(" ")[2] for h in finding.path[:2]] == ["100", "110"]


def test_partly_covered_rule_is_not_shadowed() -> None:
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(110, "deny", TCP, "10.0.0.0/8", (0, 1024)),
    ]
    assert shadowed(rules) == []


def test_families_never_shadow_each_other() -> None:
    rules = [nacl_rule(100, "allow", ALL, "0.0.0.0/0"), nacl_rule(101, "allow", ALL, "::/0")]
    assert shadowed(rules) == []


def test_unknown_earlier_rule_makes_it_possible() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "allow", ALL, None, unknowns=("cidr_block of rule 100 is unknown",)),
            nacl_rule(110, "deny", TCP, "203.0.113.7/32", (22, 22)),
        ]
    )
    assert finding.certainty == "possible" and finding.severity == Severity.HIGH


def test_unknown_rule_is_never_reported_shadowed() -> None:
    rules = [
        nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
        nacl_rule(110, "deny", TCP, None, (22, 22), unknowns=("cidr_block is unknown",)),
    ]
    assert shadowed(rules) == []


DNS_RULE = "aws_network_acl_rule.dns"


def test_outbound_rules_and_separate_rule_resources() -> None:
    (finding,) = shadowed(
        [
            nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
            nacl_rule(
                200,
                "deny",
                UDP,
                "0.0.0.0/0",
                (53, 53),
                egress=True,
                origin="aws_network_acl_rule.dns",
            ),
        ]
    )
    assert finding.resource == DNS_RULE
    assert finding.related == ("aws_network_acl.n",)
    assert "outbound rule 200 deny udp 53 to 0.0.0.0/0" in finding.message


def test_port_zero_rule() -> None:
    (finding,) = shadowed([nacl_rule(100, "allow", TCP, "0.0.0.0/0", (0, 0))])
    assert finding.severity == Severity.LOW and finding.ports == ((0, 0),)
    assert "matches only port 0" in finding.message and "C-7" in finding.message


def test_default_nacl_and_final_denies_are_never_reported() -> None:
    net = Net()
    net.vpc(ipv6=("2600:1f18:aa::/56",))
    assert of_rule(net.build(), "TFV303") == []


def test_shadow_fingerprints_differ_per_rule() -> None:
    found = shadowed(
        [
            nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
            nacl_rule(110, "deny", TCP, "203.0.113.7/32", (22, 22)),
            nacl_rule(120, "deny", TCP, "203.0.113.8/32", (22, 22)),
        ]
    )
    assert len(found) == 2 and found[0].fingerprint != found[1].fingerprint


# --- TFV302 -------------------------------------------------------------------------------------

WEB_SG = "aws_security_group.web"


def web(nacl_rules: list[NaclRule], *, egress_sg: list | None = None, public: bool = True) -> Net:
    """A public subnet with one instance; its SG admits tcp 443 and sends tcp 80 anywhere."""
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.web", vpc, "10.0.1.0/24")
    net.gateway("aws_internet_gateway.igw", "igw", (vpc,))
    net.table(
        "aws_route_table.web",
        vpc,
        [route("0.0.0.0/0", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.web",),
    )
    net.nacl("aws_network_acl.web", vpc, nacl_rules, ("aws_subnet.web",))
    rules = [
        sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443)),
        *(egress_sg if egress_sg is not None else [sg_rule("egress", TCP, "0.0.0.0/0", (80, 80))]),
    ]
    net.sg(WEB_SG, vpc, rules)
    net.attach("aws_instance.web", "aws_subnet.web", (WEB_SG,), public_ipv4=public)
    return net


SERVER_IN = [
    nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
    nacl_rule(110, "allow", TCP, "0.0.0.0/0", (1024, 65535)),
]


def test_healthy_web_nacl_has_no_return_problem() -> None:
    rules = [*SERVER_IN, nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True)]
    assert of_rule(web(rules).build(), "TFV302") == []


def test_server_replies_fully_blocked() -> None:
    rules = [*SERVER_IN, nacl_rule(100, "allow", TCP, "0.0.0.0/0", (80, 80), egress=True)]
    (finding,) = of_rule(web(rules).build(), "TFV302")
    assert finding.rule == "nacl-return-traffic-blocked" and finding.severity == Severity.MEDIUM
    assert finding.resource == "aws_network_acl.web" and finding.certainty == "definite"
    assert finding.protocol == "tcp" and finding.ports == ((443, 443),)
    # Every client outside the subnet itself (R-NACL-12).
    assert "10.0.0.0/24" in finding.sources and "10.0.1.0/24" not in finding.sources
    assert "aws_network_acl.web admits tcp 443 from" in finding.message
    assert "outbound rules drop every reply (rule * deny all to 0.0.0.0/0)" in finding.message
    assert "C-3" in finding.message
    assert finding.related == ("aws_subnet.web", "aws_instance.web")
    assert finding.path[0].detail == "inbound: rule 100 allow tcp 443 from 0.0.0.0/0"


def test_server_replies_partly_blocked() -> None:
    rules = [*SERVER_IN, nacl_rule(100, "allow", TCP, "0.0.0.0/0", (32768, 65535), egress=True)]
    # Outbound tcp 80 is not allowed, so the instance opens nothing: only the server side counts.
    (finding,) = of_rule(web(rules).build(), "TFV302")
    assert finding.severity == Severity.LOW and "part of the replies" in finding.message
    assert "admits tcp 443" in finding.message and "C-3" in finding.message


def test_client_replies_blocked() -> None:
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
    ]
    (finding,) = of_rule(web(rules).build(), "TFV302")
    assert finding.severity == Severity.MEDIUM and "C-4" in finding.message
    assert "aws_instance.web in aws_subnet.web may open tcp 80" in finding.message
    assert finding.ports == ((80, 80),)


def test_private_client_only_reaches_the_vpc() -> None:
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
    ]
    (finding,) = of_rule(web(rules, public=False).build(), "TFV302")
    # Without a public address the internet route carries nothing: only the VPC remains.
    assert finding.sources == (
        "10.0.0.0/24",
        "10.0.2.0/23",
        "10.0.4.0/22",
        "10.0.8.0/21",
        "10.0.16.0/20",
        "10.0.32.0/19",
        "10.0.64.0/18",
        "10.0.128.0/17",
    )


def test_unused_subnet_has_no_return_findings() -> None:
    net = web([nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443))])
    net.attachments.clear()
    assert of_rule(net.build(), "TFV302") == []


def test_nat_gateway_is_a_client_of_the_internet() -> None:
    net = web([nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True)], egress_sg=[])
    net.attachments.clear()
    net.gateway(
        "aws_nat_gateway.nat", "nat", ("aws_vpc.main",), subnet="aws_subnet.web", public=True
    )
    found = of_rule(net.build(), "TFV302")
    assert sorted(f.protocol or "" for f in found) == ["tcp", "udp"]
    assert all("aws_nat_gateway.nat in aws_subnet.web may open" in f.message for f in found)
    assert all("10.0.0.0/16" not in ",".join(f.sources or ()) for f in found)


def test_traffic_from_inside_the_subnet_is_left_out() -> None:
    net = web([nacl_rule(100, "allow", ALL, "0.0.0.0/0")], egress_sg=[])
    net.sg(WEB_SG, "aws_vpc.main", [sg_rule("ingress", TCP, "10.0.1.0/24", (443, 443))])
    assert of_rule(net.build(), "TFV302") == []


def test_server_side_icmp_echo_without_echo_reply() -> None:
    rules = [
        nacl_rule(100, "allow", ICMP, "0.0.0.0/0", icmp=(8, -1)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (1024, 65535), egress=True),
    ]
    net = web(rules, egress_sg=[])
    net.sg(WEB_SG, "aws_vpc.main", [sg_rule("ingress", ICMP, "0.0.0.0/0", (8, -1))])
    (finding,) = of_rule(net.build(), "TFV302")
    assert finding.protocol == "icmp" and finding.ports == ((8, 8),)
    assert "drop every reply" in finding.message


def test_client_side_ignores_icmp_and_other_protocols() -> None:
    # Everything may leave; only tcp/udp replies come back in: ping and GRE are not checked.
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (1024, 65535)),
        nacl_rule(110, "allow", UDP, "0.0.0.0/0", (1024, 65535)),
        nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True),
    ]
    net = web(rules, egress_sg=[sg_rule("egress", ALL, "0.0.0.0/0")])
    net.sg(WEB_SG, "aws_vpc.main", [sg_rule("egress", ALL, "0.0.0.0/0")])
    assert of_rule(net.build(), "TFV302") == []
