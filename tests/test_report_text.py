"""The text reporter: grouped by resource, path as a chain, possible marked, summary line."""

from __future__ import annotations

import click
from report_helpers import BASTION, BROKEN, SHADOWED, WEB, sample_report

from tfvpc.findings import Hop, make_finding
from tfvpc.model import Location
from tfvpc.report import text

EXPECTED = """\
aws_instance.bastion  infra/main.tf:42
  CRITICAL  TFV101 internet-exposure: tcp 22 from 0.0.0.0/0
      aws_instance.bastion accepts tcp 22 from the internet; restrict aws_security_group.ssh
      path: internet → aws_internet_gateway.igw → aws_route_table.public (0.0.0.0/0 -> aws_internet_gateway.igw) → aws_network_acl.public (inbound rule 100 allow) → aws_security_group.ssh (ingress tcp 22 from 0.0.0.0/0) → aws_instance.bastion

infra/broken.tf  infra/broken.tf:3
  MEDIUM    TFV001 input-not-analysed
      infra/broken.tf:3: unexpected token '}'

aws_lb.front  infra/lb.tf
  LOW       TFV101 internet-exposure: tcp 80, 443 from 1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6 and 2 more  POSSIBLE
      aws_lb.front may accept tcp 80, 443 from the internet (cidr of var.allowed is unknown)

aws_network_acl.public
  LOW       TFV303 nacl-rule-shadowed
      rule 200 of aws_network_acl.public never matches: rule 100 covers it

POSSIBLE: such a finding rests on values unknown before apply; its message names them.
4 findings: 1 critical, 0 high, 1 medium, 2 low, 0 info (1 possible); 2 inputs, 17 resources read
"""  # noqa: E501


def test_plain_output_for_people() -> None:
    assert text.render(sample_report()) == EXPECTED


def test_colour_only_adds_styles() -> None:
    coloured = text.render(sample_report(), color=True)
    assert coloured != EXPECTED
    assert click.style("CRITICAL", fg="red", bold=True) in coloured
    assert click.unstyle(coloured) == EXPECTED


def test_findings_of_one_resource_are_grouped_under_one_header() -> None:
    udp = make_finding(
        "TFV101",
        resource="aws_instance.bastion",
        message="aws_instance.bastion accepts udp 1194 from the internet (no replies)",
        protocol="udp",
        ports=((1194, 1194),),
        sources=("0.0.0.0/0",),
        path=(Hop(hop="internet"), Hop(hop="aws_instance.bastion")),
        location=Location(file="infra/other.tf", line=5),
    )
    output = text.render(sample_report(BASTION, udp))
    assert output.count("aws_instance.bastion  infra/main.tf:42") == 1
    assert "TFV101 internet-exposure: udp 1194 from 0.0.0.0/0" in output
    # A finding located elsewhere than its group's header says where.
    assert "      at infra/other.tf:5\n" in output


def test_icmp_ports_are_types_and_all_traffic_is_named() -> None:
    icmp = make_finding(
        "TFV101",
        resource="aws_instance.a",
        message="m",
        protocol="icmp",
        ports=((8, 8),),
        sources=("0.0.0.0/0",),
    )
    everything = make_finding(
        "TFV101", resource="aws_instance.b", message="m", protocol="all", sources=("::/0",)
    )
    output = text.render(sample_report(icmp, everything))
    assert "internet-exposure: icmp type 8 from 0.0.0.0/0" in output
    assert "internet-exposure: all traffic from ::/0" in output


def test_no_findings() -> None:
    report = sample_report().model_copy(update={"findings": ()})
    assert text.render(report) == (
        "No findings.\n0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info; "
        "2 inputs, 17 resources read\n"
    )


def test_definite_findings_carry_no_possible_marker() -> None:
    output = text.render(sample_report(BASTION, BROKEN, SHADOWED))
    assert "POSSIBLE" not in output
    assert "POSSIBLE" in text.render(sample_report(WEB))


def test_the_summary_line_counts_in_the_singular_too() -> None:
    report = sample_report(WEB).model_copy(
        update={"inputs": sample_report().inputs[:1], "resources_read": 1}
    )
    assert text.render(report).splitlines()[-1] == (
        "1 finding: 0 critical, 0 high, 0 medium, 1 low, 0 info (1 possible); "
        "1 input, 1 resource read"
    )
