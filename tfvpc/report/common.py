"""Wording shared by the reporters: counts, traffic, path hops, locations, the summary line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tfvpc.findings import Finding, Hop, PortRange, Report, Severity
from tfvpc.model import Location
from tfvpc.space import describe_cidrs


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Return the number of findings per severity, every severity present, worst first."""
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def ports_text(ports: Sequence[PortRange]) -> str:
    """Return ``22`` / ``8000-8080`` / ``22, 80-90`` for inclusive ranges."""
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports)


def traffic_text(finding: Finding, source_limit: int | None = 3) -> str:
    """Return ``tcp 22 from 0.0.0.0/0`` (or ``""`` for a finding not about traffic)."""
    if finding.protocol is None:
        return ""
    words = ["all traffic" if finding.protocol == "all" else finding.protocol]
    if finding.ports:
        # ICMP findings carry type ranges in `ports` (design.md, output contract).
        prefix = "type " if finding.protocol in ("icmp", "icmpv6") else ""
        words.append(prefix + ports_text(finding.ports))
    if finding.sources:
        words.append(f"from {describe_cidrs(finding.sources, source_limit)}")
    return " ".join(words)


def hop_text(hop: Hop) -> str:
    """Return ``aws_route_table.public (0.0.0.0/0 -> igw)`` for one path hop."""
    return f"{hop.hop} ({hop.detail})" if hop.detail else hop.hop


def location_text(location: Location | None) -> str:
    """Return ``main.tf:42``, ``main.tf`` without a line, ``""`` without a location."""
    if location is None:
        return ""
    return f"{location.file}:{location.line}" if location.line is not None else location.file


def summary_line(report: Report) -> str:
    """Return the one-line summary: totals per severity, certainty, inputs and resources."""
    counts = severity_counts(report.findings)
    possible = sum(1 for finding in report.findings if finding.certainty == "possible")
    per_severity = ", ".join(f"{n} {severity}" for severity, n in counts.items())
    certainty = f" ({possible} possible)" if possible else ""
    total = len(report.findings)
    noun = "finding" if total == 1 else "findings"
    inputs = len(report.inputs)
    resources = report.resources_read
    return (
        f"{total} {noun}: {per_severity}{certainty}; "
        f"{inputs} input{'' if inputs == 1 else 's'}, "
        f"{resources} resource{'' if resources == 1 else 's'} read"
    )
