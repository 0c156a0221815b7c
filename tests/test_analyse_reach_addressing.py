"""TFV204 cidr-conflict on hand-made networks (R-CIDR-4, U-6, R-PEER-2)."""

from __future__ import annotations

from conflict_helpers import Net

from tfvpc.analyse.addressing import find_cidr_conflicts
from tfvpc.findings import Finding


def _by_resource(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for finding in findings:
        out.setdefault(finding.resource, []).append(finding)
    return out


def test_subnets_inside_primary_or_associated_cidr_are_fine() -> None:
    net = Net()
    vpc = net.vpc(cidrs=("10.0.0.0/16", "100.64.0.0/20"))
    net.subnet("aws_subnet.a", vpc, "10.0.1.0/24")
    net.subnet("aws_subnet.b", vpc, "100.64.1.0/28")
    whole = net.vpc("aws_vpc.whole", ("10.8.0.0/16",))
    net.subnet("aws_subnet.c", whole, "10.8.0.0/16")
    assert find_cidr_conflicts(net.build()) == []


def test_subnet_outside_every_vpc_cidr() -> None:
    net = Net()
    vpc = net.vpc(cidrs=("10.0.0.0/16", "10.1.0.0/16"))
    # 10.0.0.0/15 spans both blocks but sits inside neither: AWS rejects it.
    net.subnet("aws_subnet.out", vpc, "10.2.0.0/24")
    net.subnet("aws_subnet.span", vpc, "10.0.0.0/15")
    found = _by_resource(find_cidr_conflicts(net.build()))
    assert sorted(found) == ["aws_subnet.out", "aws_subnet.span"]
    (out,) = found["aws_subnet.out"]
    assert out.rule == "cidr-conflict" and out.severity.value == "high"
    assert out.certainty == "definite"
    assert "10.2.0.0/24" in out.message and "10.0.0.0/16, 10.1.0.0/16" in out.message
    assert out.related == ("aws_vpc.main",)
    assert out.location is not None and out.location.file == "main.tf"
    # /15 is also too big for a subnet: a second finding with its own fingerprint.
    span = found["aws_subnet.span"]
    assert len(span) == 2 and span[0].fingerprint != span[1].fingerprint
    assert any("/15" in f.message and "/16 to /28" in f.message for f in span)


def test_unknown_vpc_cidr_makes_outside_possible() -> None:
    net = Net()
    vpc = net.vpc(unknowns=("cidr_block of aws_vpc_ipv4_cidr_block_association.x is unknown",))
    net.subnet("aws_subnet.a", vpc, "10.9.0.0/24")
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.certainty == "possible"
    assert "aws_vpc_ipv4_cidr_block_association.x" in finding.message


def test_subnet_sizes() -> None:
    net = Net()
    vpc = net.vpc(cidrs=("10.0.0.0/8",))
    net.subnet("aws_subnet.s16", vpc, "10.1.0.0/16")
    net.subnet("aws_subnet.s28", vpc, "10.2.0.0/28")
    net.subnet("aws_subnet.s29", vpc, "10.3.0.0/29")
    net.subnet("aws_subnet.s15", vpc, "10.4.0.0/15")
    found = find_cidr_conflicts(net.build())
    assert sorted(f.resource for f in found) == ["aws_subnet.s15", "aws_subnet.s29"]


def test_overlapping_subnets_of_one_vpc_reported_once_per_pair() -> None:
    net = Net()
    vpc = net.vpc()
    other = net.vpc("aws_vpc.other")
    net.subnet("aws_subnet.a", vpc, "10.0.0.0/24")
    net.subnet("aws_subnet.b", vpc, "10.0.0.128/25")  # inside a
    net.subnet("aws_subnet.c", vpc, "10.0.1.0/24")  # adjacent to a: no overlap
    net.subnet("aws_subnet.d", other, "10.0.0.0/24")  # same CIDR, other VPC: fine
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.resource == "aws_subnet.b"
    assert finding.related == ("aws_subnet.a", "aws_vpc.main")
    assert "overlaps aws_subnet.a (10.0.0.0/24)" in finding.message
    assert [h.hop for h in finding.path] == ["aws_subnet.b", "aws_subnet.a"]


def test_three_way_overlap_gives_three_pairs() -> None:
    net = Net()
    vpc = net.vpc()
    for name in ("x", "y", "z"):
        net.subnet(f"aws_subnet.{name}", vpc, "10.0.5.0/24")
    found = find_cidr_conflicts(net.build())
    pairs = sorted((f.resource, f.related[0]) for f in found)
    assert pairs == [
        ("aws_subnet.y", "aws_subnet.x"),
        ("aws_subnet.z", "aws_subnet.x"),
        ("aws_subnet.z", "aws_subnet.y"),
    ]
    assert len({f.fingerprint for f in found}) == 3


def test_ipv6_subnet_in_ipv4_only_vpc() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.v6", vpc, "10.0.0.0/24", ipv6_cidr="2600:1f18::/64")
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.resource == "aws_subnet.v6"
    assert "has no IPv6 CIDR" in finding.message and finding.certainty == "definite"


def test_ipv6_subnet_when_vpc_block_unknown_is_silent() -> None:
    net = Net()
    vpc = net.vpc(unknowns=("ipv6_cidr_block of aws_vpc.main is unknown until apply",))
    net.subnet("aws_subnet.v6", vpc, "10.0.0.0/24", ipv6_cidr="2600:1f18::/64")
    assert find_cidr_conflicts(net.build()) == []


def test_ipv6_subnet_inside_and_outside_vpc_block() -> None:
    net = Net()
    vpc = net.vpc(ipv6=("2600:1f18:aa::/56",))
    net.subnet("aws_subnet.in", vpc, "10.0.0.0/24", ipv6_cidr="2600:1f18:aa:1::/64")
    net.subnet("aws_subnet.out", vpc, "10.0.1.0/24", ipv6_cidr="2600:1f18:bb:1::/64")
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.resource == "aws_subnet.out" and "IPv6" in finding.message


def test_unknown_subnet_cidr_is_skipped() -> None:
    net = Net()
    vpc = net.vpc()
    net.subnet("aws_subnet.a", vpc, None, unknowns=("cidr_block is unknown",))
    net.subnet("aws_subnet.b", vpc, "10.0.0.0/24")
    assert find_cidr_conflicts(net.build()) == []


def test_overlapping_peered_vpcs() -> None:
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.0.128.0/17", "172.16.0.0/16"))
    c = net.vpc("aws_vpc.c", ("10.1.0.0/16",))
    net.gateway("aws_vpc_peering_connection.ab", "pcx", (a, b), accepted=True)
    net.gateway("aws_vpc_peering_connection.ac", "pcx", (a, c), accepted=True)
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.resource == "aws_vpc_peering_connection.ab"
    assert "10.0.0.0/16 / 10.0.128.0/17" in finding.message
    assert finding.related == ("aws_vpc.a", "aws_vpc.b")


def test_overlapping_vpcs_on_one_transit_gateway() -> None:
    net = Net()
    a = net.vpc("aws_vpc.a", ("10.0.0.0/16",))
    b = net.vpc("aws_vpc.b", ("10.0.0.0/16",))
    c = net.vpc("aws_vpc.c", ("10.2.0.0/16",))
    net.gateway("aws_ec2_transit_gateway.hub", "tgw", (a, b, c))
    (finding,) = find_cidr_conflicts(net.build())
    assert finding.resource == "aws_ec2_transit_gateway.hub"
    assert "aws_vpc.a and aws_vpc.b" in finding.message and "transit gateway" in finding.message
