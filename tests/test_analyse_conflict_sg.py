"""TFV301 sg-rule-blocked-by-nacl and TFV304 sg-rule-redundant on hand-made networks."""

from __future__ import annotations

from conflict_helpers import ALL, TCP, Net, nacl_rule, sg_rule

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.findings import Finding, Severity
from tfvpc.model import NaclRule, Network, SgRule

VPC = "aws_vpc.main"
SG = "aws_security_group.app"
OPEN_OUT = nacl_rule(100, "allow", ALL, "0.0.0.0/0", egress=True)


def of_rule(network: Network, rule_id: str) -> list[Finding]:
    return [f for f in find_conflicts(network) if f.rule_id == rule_id]


def app(rules: list[SgRule], nacl: list[NaclRule], *, attached: bool = True) -> Net:
    """Subnet app (10.0.1.0/24) with NACL `nacl`, group app with `rules`, one instance."""
    net = Net()
    net.vpc()
    net.subnet("aws_subnet.app", VPC, "10.0.1.0/24")
    net.nacl("aws_network_acl.app", VPC, nacl, ("aws_subnet.app",))
    net.sg(SG, VPC, rules)
    if attached:
        net.attach("aws_instance.app", "aws_subnet.app", (SG,))
    return net


HTTPS_ONLY = [nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)), OPEN_OUT]


# --- TFV301 -------------------------------------------------------------------------------------


def test_rule_dead_inbound() -> None:
    net = app([sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))], HTTPS_ONLY)
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.rule == "sg-rule-blocked-by-nacl" and finding.severity == Severity.MEDIUM
    assert finding.certainty == "definite" and finding.resource == SG
    assert "ingress tcp 22 from 10.0.0.0/8 of aws_security_group.app is dead" in finding.message
    assert "inbound rule * deny all from 0.0.0.0/0" in finding.message
    assert finding.protocol == "tcp" and finding.ports == ((22, 22),)
    # The subnet's own addresses are not filtered by its NACL (R-NACL-12).
    assert "10.0.1.0/24" not in finding.sources and "10.0.0.0/24" in finding.sources
    assert finding.related == (
        "aws_subnet.app",
        "aws_network_acl.app",
        "aws_instance.app",
    )
    assert [h.hop for h in finding.path] == [SG, "aws_subnet.app", "aws_network_acl.app"]


def test_rule_partly_dead() -> None:
    net = app([sg_rule("ingress", TCP, "0.0.0.0/0", (0, 65535))], HTTPS_ONLY)
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.severity == Severity.LOW and "partly dead" in finding.message
    assert finding.ports == ((0, 442), (444, 65535))


def test_rule_dead_because_replies_cannot_leave() -> None:
    nacl = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (80, 80), egress=True),
    ]
    net = app([sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443))], nacl)
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.severity == Severity.MEDIUM
    assert "(outbound rule * deny all to 0.0.0.0/0 (every reply))" in finding.message


def test_group_without_attachment_has_no_conflict() -> None:
    net = app([sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))], HTTPS_ONLY, attached=False)
    assert of_rule(net.build(), "TFV301") == []


def test_nacl_allowing_more_than_the_group_is_not_a_finding() -> None:
    nacl = [nacl_rule(100, "allow", ALL, "0.0.0.0/0"), OPEN_OUT]
    net = app([sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443))], nacl)
    assert of_rule(net.build(), "TFV301") == []


def test_dead_in_one_subnet_alive_in_another_is_partly_dead() -> None:
    net = app([sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))], HTTPS_ONLY)
    net.subnet("aws_subnet.other", VPC, "10.0.2.0/24")
    net.attach("aws_instance.other", "aws_subnet.other", (SG,))
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.severity == Severity.LOW and finding.certainty == "definite"
    assert [h.hop for h in finding.path[1:]] == ["aws_subnet.app", "aws_network_acl.app"]


def db_behind(admit: str) -> Net:
    """db subnet whose NACL admits tcp 5432 from `admit` only; app instances sit in 10.0.2.0/24."""
    net = Net()
    net.vpc()
    net.subnet("aws_subnet.db", VPC, "10.0.1.0/24")
    net.subnet("aws_subnet.app", VPC, "10.0.2.0/24")
    nacl = [nacl_rule(100, "allow", TCP, admit, (5432, 5432)), OPEN_OUT]
    net.nacl("aws_network_acl.db", VPC, nacl, ("aws_subnet.db",))
    net.sg("aws_security_group.app", VPC, [])
    db_rule = sg_rule("ingress", TCP, "aws_security_group.app", (5432, 5432), kind="security_group")
    net.sg("aws_security_group.db", VPC, [db_rule])
    net.attach("aws_instance.app", "aws_subnet.app", ("aws_security_group.app",))
    net.attach("aws_db_instance.db", "aws_subnet.db", ("aws_security_group.db",))
    return net


def test_group_peer_blocked_for_the_whole_peer_subnet() -> None:
    (finding,) = of_rule(db_behind("10.0.3.0/24").build(), "TFV301")
    assert finding.severity == Severity.MEDIUM and finding.sources == ("10.0.2.0/24",)
    assert "security group aws_security_group.app" in finding.message


def test_group_peer_blocked_for_part_of_the_peer_subnet_is_silent() -> None:
    # The app instance may hold an address in 10.0.2.0/25, which the NACL admits.
    assert of_rule(db_behind("10.0.2.0/25").build(), "TFV301") == []
    assert of_rule(db_behind("10.0.2.0/24").build(), "TFV301") == []


def test_self_rule_inside_one_subnet_is_not_filtered() -> None:
    rules = [sg_rule("ingress", ALL, None, kind="self")]
    net = app(rules, [OPEN_OUT])
    net.attach("aws_instance.app2", "aws_subnet.app", (SG,))
    assert of_rule(net.build(), "TFV301") == []


def test_egress_rule_dead_outbound() -> None:
    nacl = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (1024, 65535)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (80, 80), egress=True),
    ]
    net = app([sg_rule("egress", TCP, "0.0.0.0/0", (443, 443))], nacl)
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.severity == Severity.MEDIUM
    assert "egress tcp 443 to 0.0.0.0/0" in finding.message
    assert "outbound rule * deny all to 0.0.0.0/0" in finding.message


def test_unknown_nacl_entry_makes_the_drop_possible() -> None:
    nacl = [
        nacl_rule(100, "allow", ALL, None, unknowns=("cidr_block of rule 100 is unknown",)),
        OPEN_OUT,
    ]
    net = app([sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))], nacl)
    (finding,) = of_rule(net.build(), "TFV301")
    assert finding.certainty == "possible"


# --- TFV304 -------------------------------------------------------------------------------------


def redundant(rules: list[SgRule]) -> list[Finding]:
    return of_rule(app(rules, [OPEN_OUT], attached=False).build(), "TFV304")


def test_narrower_rule_is_redundant_whatever_the_order() -> None:
    wide = sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443))
    narrow = sg_rule("ingress", TCP, "10.0.0.0/8", (443, 443))
    for rules in ([wide, narrow], [narrow, wide]):
        (finding,) = redundant(rules)
        assert finding.rule == "sg-rule-redundant" and finding.severity == Severity.INFO
        assert "ingress tcp 443 from 10.0.0.0/8 of aws_security_group.app adds nothing" in (
            finding.message
        )
        assert finding.sources == ("10.0.0.0/8",) and finding.ports == ((443, 443),)


def test_rule_covered_by_two_halves_is_reported_once() -> None:
    whole = sg_rule("ingress", ALL, "10.0.0.0/8")
    low = sg_rule("ingress", ALL, "10.0.0.0/9")
    high = sg_rule("ingress", ALL, "10.128.0.0/9")
    (finding,) = redundant([whole, low, high])
    # The first rule is covered by the two halves; once it is dropped the halves are needed.
    assert "from 10.0.0.0/8" in finding.message
    assert [h.hop for h in finding.path] == [SG, SG, SG]


def test_identical_duplicate() -> None:
    inline = sg_rule("ingress", TCP, "0.0.0.0/0", (22, 22))
    separate = sg_rule("ingress", TCP, "0.0.0.0/0", (22, 22), origin="aws_security_group_rule.ssh")
    # Whatever the order, the separate rule resource is the copy to remove.
    for rules in ([inline, separate], [separate, inline]):
        (finding,) = redundant(rules)
        assert finding.resource == "aws_security_group_rule.ssh"
        assert finding.severity == Severity.LOW and "R-SG-12" in finding.message
        assert finding.ports == ((22, 22),) and finding.sources == ("0.0.0.0/0",)


def test_group_peers_compare_symbolically() -> None:
    peer = "aws_security_group.web"
    pg = sg_rule("ingress", TCP, peer, (5432, 5432), kind="security_group")
    everything = sg_rule("ingress", TCP, "0.0.0.0/0", (0, 65535))
    assert redundant([pg, everything]) == []
    all_from_peer = sg_rule("ingress", ALL, peer, kind="security_group")
    (finding,) = redundant([pg, all_from_peer])
    assert finding.sources == (peer,) and "tcp 5432" in finding.message


def test_self_equals_a_reference_to_the_group_itself() -> None:
    own = sg_rule("ingress", ALL, SG, kind="security_group")
    itself = sg_rule("ingress", TCP, None, (22, 22), kind="self")
    (finding,) = redundant([own, itself])
    assert "from self" in finding.message


def test_ipv4_rule_does_not_cover_ipv6() -> None:
    rules = [sg_rule("ingress", ALL, "0.0.0.0/0"), sg_rule("ingress", TCP, "::/0", (443, 443))]
    assert redundant(rules) == []


def test_directions_are_separate() -> None:
    rules = [sg_rule("ingress", ALL, "0.0.0.0/0"), sg_rule("egress", TCP, "0.0.0.0/0", (443, 443))]
    assert redundant(rules) == []


def test_unknown_rules() -> None:
    unknown = sg_rule("ingress", ALL, None, unknowns=("cidr_blocks of the rule are unknown",))
    known = sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))
    # An unknown rule covers nothing, and is never itself reported.
    assert redundant([unknown, known]) == []
    assert redundant([sg_rule("ingress", ALL, "0.0.0.0/0"), unknown]) == []


def test_ambiguous_placement_makes_the_drop_possible() -> None:
    net = app([sg_rule("ingress", TCP, "10.0.0.0/8", (22, 22))], HTTPS_ONLY, attached=False)
    net.subnet("aws_subnet.other", VPC, "10.0.2.0/24")
    net.attach("aws_instance.app", "aws_subnet.app", (SG,))
    ambiguous = net.attachments["aws_instance.app"].model_copy(
        update={"subnets": ("aws_subnet.app", "aws_subnet.other")}
    )
    net.attachments["aws_instance.app"] = ambiguous
    (finding,) = of_rule(net.build(), "TFV301")
    # Dropped where the instance may sit (app), allowed in the other candidate subnet.
    assert finding.certainty == "possible" and finding.severity == Severity.LOW


def test_ipv6_rule_in_an_ipv4_only_subnet_is_not_dead() -> None:
    # The default-style "::/0" rule: the subnet has no IPv6, so no such traffic exists.
    net = app([sg_rule("ingress", TCP, "::/0", (443, 443))], HTTPS_ONLY)
    assert of_rule(net.build(), "TFV301") == []


def test_egress_rule_narrowed_by_the_nacl_is_defense_in_depth() -> None:
    nacl = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (1024, 65535)),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443), egress=True),
    ]
    net = app([sg_rule("egress", ALL, "0.0.0.0/0")], nacl)
    assert of_rule(net.build(), "TFV301") == []
