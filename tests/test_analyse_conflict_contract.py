"""Every reachability and conflict rule on one network: JSON contract, order, fingerprints."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
from conflict_helpers import ALL, TCP, Net, nacl_rule, route, sg_rule

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.findings import Report
from tfvpc.model import Network
from tfvpc.report.json_report import render


def everything() -> Network:
    """One VPC with one mistake per rule (each reasoned in a comment)."""
    net = Net()
    vpc = net.vpc()
    other = net.vpc("aws_vpc.other", ("10.9.0.0/16",))
    net.gateway("aws_internet_gateway.igw", "igw", (vpc,))
    net.gateway("aws_internet_gateway.other", "igw", (other,))
    net.subnet("aws_subnet.web", vpc, "10.0.1.0/24")
    net.subnet("aws_subnet.app", vpc, "10.0.2.0/24")
    # TFV201: a custom NACL without rules; TFV204: overlaps aws_subnet.web.
    net.subnet("aws_subnet.dead", vpc, "10.0.1.128/25")
    net.nacl("aws_network_acl.dead", vpc, [], ("aws_subnet.dead",))
    # TFV202: public addresses, routed to the internet gateway of another VPC (TFV203).
    net.subnet("aws_subnet.lost", vpc, "10.0.3.0/24", map_public_ip_on_launch=True)
    net.table(
        "aws_route_table.lost",
        vpc,
        [route("0.0.0.0/0", "igw", "aws_internet_gateway.other")],
        ("aws_subnet.lost",),
    )
    net.table(
        "aws_route_table.web",
        vpc,
        [route("0.0.0.0/0", "igw", "aws_internet_gateway.igw")],
        ("aws_subnet.web",),
    )
    # TFV303: the deny at 110 is shadowed by the allow at 100. TFV302: no reply rule outbound,
    # so tcp 443 admitted inbound gets no reply; TFV301: the same makes the SG rule dead.
    rules = [
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443)),
        nacl_rule(110, "deny", TCP, "198.51.100.0/24", (443, 443)),
        nacl_rule(120, "allow", ALL, "10.0.0.0/16"),
        nacl_rule(100, "allow", TCP, "0.0.0.0/0", (443, 443), egress=True),
        nacl_rule(110, "allow", ALL, "10.0.0.0/16", egress=True),
    ]
    net.nacl("aws_network_acl.web", vpc, rules, ("aws_subnet.web",))
    # TFV304: the second rule is inside the first.
    sg = [
        sg_rule("ingress", TCP, "0.0.0.0/0", (443, 443)),
        sg_rule("ingress", TCP, "198.51.100.0/24", (443, 443)),
    ]
    net.sg("aws_security_group.web", vpc, sg)
    net.attach("aws_instance.web", "aws_subnet.web", ("aws_security_group.web",), public_ipv4=True)
    return net.build()


def test_every_rule_fires_and_validates_against_the_schema() -> None:
    network = everything()
    findings = [*find_reachability_problems(network), *find_conflicts(network)]
    fired = sorted({f.rule_id for f in findings})
    assert fired == [
        "TFV201",
        "TFV202",
        "TFV203",
        "TFV204",
        "TFV301",
        "TFV302",
        "TFV303",
        "TFV304",
    ]
    schema_text = (resources.files("tfvpc") / "data" / "tfvpc-report.schema.json").read_text()
    validator = jsonschema.Draft202012Validator(json.loads(schema_text))
    document = json.loads(render(Report(version="0", findings=tuple(findings))))
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []
    assert len({f.fingerprint for f in findings}) == len(findings)
    assert all(f.path and f.message for f in findings)
    assert all(f.location is not None for f in findings)


def test_analysers_are_pure_and_deterministic() -> None:
    network = everything()
    before = network.model_dump()
    first = find_reachability_problems(network), find_conflicts(network)
    assert (find_reachability_problems(network), find_conflicts(network)) == first
    assert network.model_dump() == before
