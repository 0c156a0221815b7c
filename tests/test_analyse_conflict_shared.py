"""Conflict analysers judge what many subnets, NACLs and groups share once: these networks check
that what is shared gives each its own answer."""

from __future__ import annotations

from conflict_helpers import ALL, TCP, Net, nacl_rule, sg_rule

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.findings import Finding, Severity
from tfvpc.model import Network

VPC = "aws_vpc.main"
SG = "aws_security_group.app"
OPEN_OUT = nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True)
HTTPS_ONLY = [nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)), OPEN_OUT]


def of_rule(network: Network, rule_id: str) -> list[Finding]:
    return [f for f in find_conflicts(network) if f.rule_id == rule_id]


def two_subnets(rule_peer: str) -> Net:
    """Subnets a (10.0.1.0/24) and b (10.0.2.0/24) behind one https-only NACL, the group with an
    ingress ssh rule from `rule_peer` used in both."""
    net = Net()
    net.vpc()
    for name, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24")):
        net.subnet(f"aws_subnet.{name}", VPC, cidr)
        net.attach(f"aws_instance.{name}", f"aws_subnet.{name}", (SG,))
    net.nacl("aws_network_acl.web", VPC, HTTPS_ONLY, ("aws_subnet.a", "aws_subnet.b"))
    net.sg(SG, VPC, [sg_rule("ingress", TCP, rule_peer, (22, 22))])
    return net


def test_flows_inside_one_of_the_subnets_drop_it_from_the_finding() -> None:
    # Traffic from subnet a to itself is not filtered (R-NACL-12); subnet b drops it.
    (finding,) = of_rule(two_subnets("10.0.1.0/24").build(), "TFV301")
    assert finding.severity == Severity.MEDIUM
    assert [h.hop for h in finding.path[1:]] == ["aws_subnet.b", "aws_network_acl.web"]
    assert finding.sources == ("10.0.1.0/24",)
    assert finding.related == (
        "aws_subnet.b",
        "aws_network_acl.web",
        "aws_instance.b",
    )


def test_flows_reaching_into_every_subnet_show_all_of_them() -> None:
    (finding,) = of_rule(two_subnets("0.0.0.0/0").build(), "TFV301")
    assert finding.severity == Severity.MEDIUM
    hops = ["aws_subnet.a", "aws_network_acl.web", "aws_subnet.b", "aws_network_acl.web"]
    assert [h.hop for h in finding.path[1:]] == hops
    # Each subnet's own addresses are left out, but not those of the other one.
    assert finding.sources == ("0.0.0.0/0",)
    assert "inbound rule * deny all from 0.0.0.0/0" in finding.message


def test_flows_reaching_into_a_subnet_partly_wide() -> None:
    # Within 10.0.0.0/16 only: a and b each drop the other's addresses and the rest.
    (finding,) = of_rule(two_subnets("10.0.0.0/16").build(), "TFV301")
    assert [h.hop for h in finding.path[1:]][::2] == ["aws_subnet.a", "aws_subnet.b"]
    assert finding.sources == ("10.0.0.0/16",)


def test_a_reference_to_the_group_itself_is_told_apart_in_groups_alike() -> None:
    # Both groups hold the same rules; only in b does the group rule name the group itself,
    # so only there does it cover the self rule.
    net = Net()
    net.vpc()
    b = "aws_security_group.b"
    for name in ("a", b.split(".")[1]):
        rules = [
            sg_rule("ingress", ALL, b, kind="security_group"),
            sg_rule("ingress", TCP, None, (22, 22), kind="self"),
        ]
        net.sg(f"aws_security_group.{name}", VPC, rules)
    findings = of_rule(net.build(), "TFV304")
    assert [(f.resource, "from self" in f.message) for f in findings] == [(b, True)]


def test_groups_alike_get_findings_of_their_own() -> None:
    net = Net()
    net.vpc()
    for name in ("a", "b"):
        rules = [
            sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443)),
            sg_rule("ingress", TCP, "10.0.0.0/8", (443, 443)),
        ]
        net.sg(f"aws_security_group.{name}", VPC, rules)
    findings = of_rule(net.build(), "TFV304")
    assert [f.resource for f in findings] == ["aws_security_group.a", "aws_security_group.b"]
    assert all(f"of {f.resource} adds nothing" in f.message for f in findings)


def test_nacls_alike_get_findings_of_their_own() -> None:
    net = Net()
    net.vpc()
    for name in ("a", "b"):
        rules = [
            nacl_rule(100, "allow", ALL, "0.0.0.0/0"),
            nacl_rule(200, "deny", TCP, "10.0.0.0/8", (22, 22)),
        ]
        net.nacl(f"aws_network_acl.{name}", VPC, rules)
    findings = [f for f in of_rule(net.build(), "TFV303") if "deny" in f.message]
    assert [f.resource for f in findings] == ["aws_network_acl.a", "aws_network_acl.b"]
    assert [f.related for f in findings] == [(), ()]
    assert findings[0].fingerprint != findings[1].fingerprint


def test_replies_blocked_for_a_group_that_lets_traffic_out() -> None:
    # Inbound admits no replies: a group with an egress rule opens connections (within the
    # VPC) that fail, one without egress rules opens none (and so has no finding).
    nacl = [nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)), OPEN_OUT]
    for egress, expected in (([sg_rule("egress", TCP, "0.0.0.0/0", (443, 443))], 1), ([], 0)):
        net = Net()
        net.vpc()
        net.subnet("aws_subnet.app", VPC, "10.0.1.0/24")
        net.table("aws_route_table.app", VPC, subnets=("aws_subnet.app",))
        net.nacl("aws_network_acl.app", VPC, nacl, ("aws_subnet.app",))
        net.sg(SG, VPC, egress)
        net.attach("aws_instance.app", "aws_subnet.app", (SG,))
        clients = [f for f in of_rule(net.build(), "TFV302") if "may open" in f.message]
        assert len(clients) == expected
