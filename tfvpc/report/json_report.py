"""The JSON report: the public contract of design.md and tfvpc-report.schema.json.

The text is exactly ``json.dumps(document, indent=2, ensure_ascii=False)`` of the contract's
document. Findings, nearly all of a large report, are written from a template of their fixed
layout instead of through the general writer: the report of the 7,056-resource benchmark plan
(3,024 findings, 6.2 MB) takes 0.05 s of CPU instead of 0.11 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring as _quote

from tfvpc.findings import Finding, Hop, PortRange, Report
from tfvpc.report.common import severity_counts
from tfvpc.report.json_text import dumps_indented

# Line starts of the nesting levels a finding's text spans: the document's members are one
# level in, a finding (an element of "findings") two, its members three, and so on.
_FINDING = "\n    "
_MEMBER = _FINDING + "  "
_ELEMENT = _MEMBER + "  "
_INNER = _ELEMENT + "  "


def render(report: Report) -> str:
    """Return the report as contract JSON (indented, newline-terminated)."""
    head = dumps_indented(
        {
            "tool": {"name": "tfvpc", "version": report.version},
            "inputs": [{"path": item.path, "kind": item.kind} for item in report.inputs],
            "summary": {
                "findings": len(report.findings),
                "by_severity": severity_counts(report.findings),
            },
        }
    )
    findings = _array([_finding(finding) for finding in report.findings], "\n  ")
    # `head` ends with the document's closing "\n}": "findings" is its last member.
    return head[: -len("\n}")] + ',\n  "findings": ' + findings + "\n}\n"


def _finding(finding: Finding) -> str:
    """Return one finding's object as it sits in the "findings" array."""
    location = finding.location
    located = (
        "null"
        if location is None
        else "{"
        f'{_ELEMENT}"file": {_quote(location.file)},'
        f'{_ELEMENT}"line": {_number(location.line)}'
        f"{_MEMBER}}}"
    )
    return (
        "{"
        f'{_MEMBER}"rule_id": {_quote(finding.rule_id)},'
        f'{_MEMBER}"rule": {_quote(finding.rule)},'
        f'{_MEMBER}"severity": {_quote(finding.severity.value)},'
        f'{_MEMBER}"certainty": {_quote(finding.certainty)},'
        f'{_MEMBER}"resource": {_quote(finding.resource)},'
        f'{_MEMBER}"related": {_strings(finding.related)},'
        f'{_MEMBER}"protocol": {_text(finding.protocol)},'
        f'{_MEMBER}"ports": {_ports(finding.ports)},'
        f'{_MEMBER}"sources": {"null" if finding.sources is None else _strings(finding.sources)},'
        f'{_MEMBER}"path": {_array([_hop(hop) for hop in finding.path], _MEMBER)},'
        f'{_MEMBER}"message": {_quote(finding.message)},'
        f'{_MEMBER}"location": {located},'
        f'{_MEMBER}"fingerprint": {_quote(finding.fingerprint)}'
        f"{_FINDING}}}"
    )


def _hop(hop: Hop) -> str:
    """Return one path step's object (``detail`` only when it has one)."""
    if hop.detail is None:
        return f'{{{_INNER}"hop": {_quote(hop.hop)}{_ELEMENT}}}'
    return f'{{{_INNER}"hop": {_quote(hop.hop)},{_INNER}"detail": {_quote(hop.detail)}{_ELEMENT}}}'


def _ports(ports: Sequence[PortRange] | None) -> str:
    """Return the ports as ``[[lo, hi], ...]``, or null."""
    if ports is None:
        return "null"
    pairs = [f"[{_INNER}{lo},{_INNER}{hi}{_ELEMENT}]" for lo, hi in ports]
    return _array(pairs, _MEMBER)


def _strings(values: Sequence[str]) -> str:
    """Return a finding member that is a list of strings."""
    return _array([_quote(value) for value in values], _MEMBER)


def _array(elements: list[str], line: str) -> str:
    """Return a JSON array of already written `elements`, closing on `line`'s indent."""
    if not elements:
        return "[]"
    inner = line + "  "
    return "[" + inner + ("," + inner).join(elements) + line + "]"


def _text(value: str | None) -> str:
    """Return a JSON string, or null."""
    return "null" if value is None else _quote(value)


def _number(value: int | None) -> str:
    """Return a JSON integer, or null."""
    return "null" if value is None else str(value)
