"""SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

from pathlib import Path, PurePath
from urllib.parse import quote

from tfvpc.findings import RULES_BY_ID, Finding, Report, Rule, Severity
from tfvpc.model import Location
from tfvpc.report.common import hop_text, traffic_text
from tfvpc.report.json_text import dumps_indented
from tfvpc.report.rule_docs import PROJECT_URL, rule_page, rule_url

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "tfvpcFingerprint/v1"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub maps security-severity to its labels: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
# 0.1-3.9 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def render(report: Report, *, source_root: Path | None = None, failed: bool = False) -> str:
    """Return the report as a SARIF 2.1.0 log with one run.

    File paths are made relative to `source_root` when they are absolute and under it.
    `failed` marks the run's execution unsuccessful (an analyser raised; see report notes).
    """
    rule_ids = sorted({finding.rule_id for finding in report.findings})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    worst: dict[str, Severity] = {}
    for finding in report.findings:
        known = worst.get(finding.rule_id)
        if known is None or finding.severity.rank > known.rank:
            worst[finding.rule_id] = finding.severity
    run = {
        "tool": {
            "driver": {
                "name": "tfvpc",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": PROJECT_URL,
                "rules": [_rule(RULES_BY_ID[rule_id], worst[rule_id]) for rule_id in rule_ids],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not failed,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": note}} for note in report.notes
                ],
            }
        ],
        "results": [
            _result(finding, index[finding.rule_id], report, source_root)
            for finding in report.findings
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps_indented(log) + "\n"


def _rule(rule: Rule, worst: Severity) -> dict[str, object]:
    """Return the reportingDescriptor of `rule`, rated by its worst finding in this run."""
    descriptor: dict[str, object] = {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.title},
        "helpUri": rule_url(rule.id),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[worst],
            "tags": ["security", "network", "terraform", "aws"],
        },
    }
    page = rule_page(rule.id)
    if page is not None:
        descriptor["help"] = {"text": f"{rule.title}. See {rule_url(rule.id)}", "markdown": page}
    return descriptor


def _result(
    finding: Finding, rule_index: int, report: Report, source_root: Path | None
) -> dict[str, object]:
    """Return the SARIF result of one finding."""
    message = finding.message
    if finding.certainty == "possible":
        message += " (possible: rests on values unknown before apply)"
    properties: dict[str, object] = {
        "severity": finding.severity.value,
        "certainty": finding.certainty,
        "resource": finding.resource,
    }
    traffic = traffic_text(finding, source_limit=None)
    if traffic:
        properties["traffic"] = traffic
    if finding.path:
        properties["path"] = [hop_text(hop) for hop in finding.path]
    result: dict[str, object] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [_location(finding.location, source_root, finding.resource)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }
    related = [
        {
            "id": position,
            **_location(report.locations[address], source_root, address),
            "message": {"text": address},
        }
        for position, address in enumerate(finding.related)
        if address in report.locations
    ]
    if related:
        result["relatedLocations"] = related
    return result


def _location(
    location: Location | None, source_root: Path | None, address: str
) -> dict[str, object]:
    """Return a SARIF location: the file and line, and the Terraform address as logical name."""
    logical = [{"fullyQualifiedName": address, "kind": "resource"}]
    if location is None:
        return {"logicalLocations": logical}
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(location.file, source_root),
            # GitHub code scanning needs region.startLine; an unknown line means the whole file.
            "region": {"startLine": location.line or 1},
        },
        "logicalLocations": logical,
    }


def _artifact(file: str, source_root: Path | None) -> dict[str, str]:
    """Return the artifactLocation of `file`: a relative URI when possible, else a file: URI."""
    path = PurePath(file)
    if path.is_absolute() and source_root is not None:
        try:
            path = Path(path).relative_to(source_root)
        except ValueError:
            return {"uri": Path(path).as_uri()}
    if path.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": "%SRCROOT%"}
