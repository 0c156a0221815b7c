"""The terminal report: findings grouped by resource, each with its path and location."""

from __future__ import annotations

import click

from tfvpc.findings import Finding, Report, Severity
from tfvpc.report.common import hop_text, location_text, summary_line, traffic_text

_COLOURS = {
    Severity.CRITICAL: "red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "blue",
}
_POSSIBLE = "such a finding rests on values unknown before apply; its message names them."
_LABEL_WIDTH = max(len(severity.value) for severity in Severity)


def render(report: Report, *, color: bool = False) -> str:
    """Return the report for people: one block per resource, worst first, then a summary."""
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.resource, []).append(finding)
    lines: list[str] = []
    for resource, findings in groups.items():
        where = location_text(findings[0].location)
        header = click.style(resource, bold=True) if color else resource
        lines.append(f"{header}  {where}" if where else header)
        for finding in findings:
            lines.extend(_finding_lines(finding, findings[0], color))
        lines.append("")
    if not report.findings:
        lines.append("No findings.")
    if any(finding.certainty == "possible" for finding in report.findings):
        lines.append(f"POSSIBLE: {_POSSIBLE}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, first: Finding, color: bool) -> list[str]:
    """Return the lines of one finding; `first` is its group's first (for the location)."""
    label = finding.severity.value.upper().ljust(_LABEL_WIDTH)
    if color:
        severity = finding.severity
        label = click.style(label, fg=_COLOURS[severity], bold=severity is Severity.CRITICAL)
    head = f"  {label}  {finding.rule_id} {finding.rule}"
    traffic = traffic_text(finding)
    if traffic:
        head += f": {traffic}"
    if finding.certainty == "possible":
        head += "  " + (click.style("POSSIBLE", fg="magenta", bold=True) if color else "POSSIBLE")
    lines = [head, f"      {finding.message}"]
    if finding.path:
        lines.append("      path: " + " → ".join(hop_text(hop) for hop in finding.path))
    if finding is not first and finding.location != first.location:
        lines.append(f"      at {location_text(finding.location)}")
    return lines
