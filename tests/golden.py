"""Golden fixtures: fixtures/<case>/ holds a realistic network and the findings reasoned out by
hand for it (README.md says why), stored in expected.json.

expected.json = {"checks": [rule ids verified exhaustively], "findings": [...]}: the findings of
the listed rules must be exactly the expected ones; findings of other rules are not checked by it.
A case has a Terraform directory (main.tf), a plan or state (plan.json / state.json), or both;
tests/test_golden.py scans the JSON, tests/test_hcl_fixtures.py the directory.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

from tfvpc.findings import RULES_BY_ID, Finding, Severity
from tfvpc.pipeline import ScanSettings, failed_analysers, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_CASES = sorted(path.parent for path in FIXTURES.glob("*/expected.json"))
INPUT_NAMES = ("plan.json", "state.json")
KEYS = ("rule_id", "resource", "protocol", "ports", "sources", "certainty", "severity")

Record = dict[str, Any]

ONLY_POSSIBLE_FROM_HCL: dict[str, str] = {
    "ipv6_existing": (
        "the VPC's IPv6 block comes from assign_generated_ipv6_cidr_block: Amazon picks it, so "
        "only the plan against the existing VPC knows it; from the directory the subnets' "
        "cidrsubnet() of it is unknown and every exposure resting on it is only 'possible'"
    ),
}
"""Fixtures whose directory scan finds exactly what the plan finds, except that findings the plan
proves ('definite') the directory can only suspect ('possible'). Nothing else may differ."""


def json_input(case: Path) -> Path | None:
    """Return the case's plan.json or state.json, None when it has neither (HCL only)."""
    found = [case / name for name in INPUT_NAMES if (case / name).is_file()]
    assert len(found) <= 1, f"{case.name}: both a plan and a state"
    return found[0] if found else None


def load_expected(case: Path) -> dict[str, Any]:
    """Return the parsed expected.json of a case."""
    document: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return document


def record(finding: Finding) -> Record:
    """Return the golden-file view of a finding: the KEYS only, JSON types."""
    return {
        "rule_id": finding.rule_id,
        "resource": finding.resource,
        "protocol": finding.protocol,
        "ports": [list(pair) for pair in finding.ports] if finding.ports is not None else None,
        "sources": list(finding.sources) if finding.sources is not None else None,
        "certainty": finding.certainty,
        "severity": finding.severity.value,
    }


def _cidr_key(cidr: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(cidr)
    return (network.version, int(network.network_address), network.prefixlen)


def canonical(records: list[Record]) -> list[Record]:
    """Return the records with order-free parts (port ranges, sources) and themselves sorted."""
    out = []
    for item in records:
        fixed = dict(item)
        if fixed["ports"] is not None:
            fixed["ports"] = sorted([list(pair) for pair in fixed["ports"]])
        if fixed["sources"] is not None:
            fixed["sources"] = sorted(fixed["sources"], key=_cidr_key)
        out.append(fixed)
    return sorted(out, key=lambda item: [json.dumps(item[key]) for key in KEYS])


def scanned(path: Path, checks: set[str], settings: ScanSettings | None = None) -> list[Record]:
    """Return the canonical records of the `checks` rules from scanning `path`."""
    report = scan([path], settings or ScanSettings(environ={}))
    assert failed_analysers(report) == [], "an analyser crashed; its findings are missing"
    return canonical([record(f) for f in report.findings if f.rule_id in checks])


def assert_well_formed(expected: dict[str, Any]) -> None:
    """Fail unless an expected.json document follows the format, with minimal CIDR lists."""
    assert set(expected) == {"checks", "findings"}
    assert expected["checks"] and all(rule in RULES_BY_ID for rule in expected["checks"])
    severities = {severity.value for severity in Severity}
    for item in expected["findings"]:
        assert tuple(sorted(item)) == tuple(sorted(KEYS))
        assert item["rule_id"] in expected["checks"]
        assert item["severity"] in severities
        assert item["certainty"] in ("definite", "possible")
        for low, high in item["ports"] or []:
            assert 0 <= low <= high <= 65535
        networks = [ipaddress.ip_network(cidr, strict=True) for cidr in item["sources"] or []]
        for version in (4, 6):
            same = [network for network in networks if network.version == version]
            assert sorted(same) == sorted(ipaddress.collapse_addresses(same)), same
