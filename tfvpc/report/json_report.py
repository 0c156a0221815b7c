"""The JSON report: the public contract of design.md and tfvpc-report.schema.json."""

from __future__ import annotations

from tfvpc.findings import Finding, Report
from tfvpc.report.common import severity_counts
from tfvpc.report.json_text import dumps_indented


def render(report: Report) -> str:
    """Return the report as contract JSON (indented, newline-terminated)."""
    document = {
        "tool": {"name": "tfvpc", "version": report.version},
        "inputs": [{"path": item.path, "kind": item.kind} for item in report.inputs],
        "summary": {
            "findings": len(report.findings),
            "by_severity": severity_counts(report.findings),
        },
        "findings": [finding_document(finding) for finding in report.findings],
    }
    return dumps_indented(document) + "\n"


def finding_document(finding: Finding) -> dict[str, object]:
    """Return one finding as the contract's JSON object (``ports`` as ``[[lo, hi], ...]``)."""
    location = finding.location
    return {
        "rule_id": finding.rule_id,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "certainty": finding.certainty,
        "resource": finding.resource,
        "related": list(finding.related),
        "protocol": finding.protocol,
        "ports": [[lo, hi] for lo, hi in finding.ports] if finding.ports is not None else None,
        "sources": list(finding.sources) if finding.sources is not None else None,
        "path": [
            {"hop": hop.hop, "detail": hop.detail} if hop.detail is not None else {"hop": hop.hop}
            for hop in finding.path
        ],
        "message": finding.message,
        "location": {"file": location.file, "line": location.line} if location else None,
        "fingerprint": finding.fingerprint,
    }
