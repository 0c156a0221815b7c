"""Markdown for pull-request comments: a summary table, then one collapsible block per finding."""

from __future__ import annotations

from html import escape

from tfvpc.findings import Finding, Report
from tfvpc.report.common import (
    hop_text,
    location_text,
    severity_counts,
    summary_line,
    traffic_text,
)
from tfvpc.report.rule_docs import rule_url


def render(report: Report) -> str:
    """Return the report as GitHub-flavoured Markdown."""
    total = len(report.findings)
    lines = [f"### tfvpc: {total} finding{'' if total == 1 else 's'}", ""]
    lines += ["| Severity | Findings |", "|---|---:|"]
    lines += [f"| {severity} | {n} |" for severity, n in severity_counts(report.findings).items()]
    lines.append("")
    if report.findings:
        lines += [
            "| Severity | Rule | Resource | Traffic | Location |",
            "|---|---|---|---|---|",
        ]
        lines += [_row(finding) for finding in report.findings]
        lines.append("")
        for finding in report.findings:
            lines += _details(finding)
    else:
        lines += ["No findings.", ""]
    if report.notes:
        lines += ["**Notes**", ""]
        lines += [f"- {_cell(note)}" for note in report.notes]
        lines.append("")
    lines.append(f"<sub>{escape(summary_line(report))} · tfvpc {escape(report.version)}</sub>")
    return "\n".join(lines) + "\n"


def _row(finding: Finding) -> str:
    """Return the summary-table row of one finding."""
    severity = finding.severity.value
    if finding.certainty == "possible":
        severity += " (possible)"
    where = location_text(finding.location)
    cells = (
        severity,
        f"[{finding.rule_id}]({rule_url(finding.rule_id)}) {finding.rule}",
        f"`{finding.resource}`",
        traffic_text(finding),
        f"`{where}`" if where else "",
    )
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _details(finding: Finding) -> list[str]:
    """Return the collapsible block with the message and path of one finding."""
    traffic = traffic_text(finding)
    title = f"<b>{finding.rule_id}</b> <code>{escape(finding.resource)}</code>"
    if traffic:
        title += f": {escape(traffic, quote=False)}"
    message = escape(finding.message, quote=False)
    lines = ["<details>", f"<summary>{title}</summary>", "", message, ""]
    if finding.certainty == "possible":
        lines += ["*Possible*: this rests on values unknown before apply, named above.", ""]
    if finding.path:
        lines += [f"{number}. `{hop_text(hop)}`" for number, hop in enumerate(finding.path, 1)]
        lines.append("")
    if finding.sources and len(finding.sources) > 3:
        lines += ["Sources: " + ", ".join(f"`{source}`" for source in finding.sources), ""]
    lines += ["</details>", ""]
    return lines


def _cell(text: str) -> str:
    """Return `text` safe inside a Markdown table cell or list item (GFM: even in code spans)."""
    return text.replace("|", "\\|").replace("\n", " ")
