"""A hand-built report shared by the reporter tests (no loader, builder or analyser needed)."""

from __future__ import annotations

from tfvpc.findings import Finding, Hop, InputSummary, Report, Severity, make_finding
from tfvpc.model import Location

BASTION_PATH = (
    Hop(hop="internet"),
    Hop(hop="aws_internet_gateway.igw"),
    Hop(hop="aws_route_table.public", detail="0.0.0.0/0 -> aws_internet_gateway.igw"),
    Hop(hop="aws_network_acl.public", detail="inbound rule 100 allow"),
    Hop(hop="aws_security_group.ssh", detail="ingress tcp 22 from 0.0.0.0/0"),
    Hop(hop="aws_instance.bastion"),
)

BASTION = make_finding(
    "TFV101",
    resource="aws_instance.bastion",
    message=(
        "aws_instance.bastion accepts tcp 22 from the internet; restrict aws_security_group.ssh"
    ),
    severity=Severity.CRITICAL,
    related=(
        "aws_security_group.ssh",
        "aws_subnet.public",
        "aws_route_table.public",
        "aws_internet_gateway.igw",
    ),
    protocol="tcp",
    ports=((22, 22),),
    sources=("0.0.0.0/0",),
    path=BASTION_PATH,
    location=Location(file="infra/main.tf", line=42),
)

WEB_SOURCES = ("1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/7", "11.0.0.0/8")

WEB = make_finding(
    "TFV101",
    resource="aws_lb.front",
    message=(
        "aws_lb.front may accept tcp 80, 443 from the internet (cidr of var.allowed is unknown)"
    ),
    severity=Severity.LOW,
    certainty="possible",
    protocol="tcp",
    ports=((80, 80), (443, 443)),
    sources=WEB_SOURCES,
    location=Location(file="infra/lb.tf", line=None),
)

BROKEN = make_finding(
    "TFV001",
    resource="infra/broken.tf",
    message="infra/broken.tf:3: unexpected token '}'",
    location=Location(file="infra/broken.tf", line=3),
)

SHADOWED = make_finding(
    "TFV303",
    resource="aws_network_acl.public",
    message="rule 200 of aws_network_acl.public never matches: rule 100 covers it",
    related=("aws_subnet.public",),
    fingerprint_extra="ingress 200",
)


def sample_report(*findings: Finding, notes: tuple[str, ...] = ()) -> Report:
    """Return a report over two inputs holding `findings` (all four samples by default)."""
    return Report(
        version="0.1.0",
        inputs=(
            InputSummary(path="infra", kind="hcl"),
            InputSummary(path="plan.json", kind="plan"),
        ),
        findings=findings or (BASTION, BROKEN, WEB, SHADOWED),
        resources_read=17,
        notes=notes,
        locations={
            "aws_security_group.ssh": Location(file="infra/sg.tf", line=7),
            "aws_subnet.public": Location(file="infra/main.tf", line=12),
        },
    )
