"""Golden fixtures of the exposable services (fixtures/<case>/README.md gives the reasoning).

Each case is scanned from its plan and from its Terraform directory; the TFV101 findings of the
scan, together with those of `find_service_exposures` (counted once whether or not the pipeline
registers it), must be exactly the hand-reasoned `expected.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfvpc.analyse.service_exposure import find_service_exposures
from tfvpc.aws import build_network
from tfvpc.findings import Finding
from tfvpc.pipeline import ScanSettings, failed_analysers, load_input, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = (
    "alb_instance_targets",
    "internal_lb",
    "nlb_no_sg",
    "nlb_with_sg",
    "rds_public_private",
    "asg_launch_template",
    "eks_public_endpoint",
)


def _record(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "resource": finding.resource,
        "protocol": finding.protocol,
        "ports": sorted([list(p) for p in finding.ports]) if finding.ports is not None else None,
        "sources": sorted(finding.sources) if finding.sources is not None else None,
        "certainty": finding.certainty,
        "severity": finding.severity.value,
    }


def _key(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)


def _findings(source: Path) -> list[dict[str, Any]]:
    report = scan([source], ScanSettings())
    assert failed_analysers(report) == []
    loaded = load_input(source, ScanSettings())
    network = build_network(loaded.resources, loaded.aws_provider_version)
    found = {f.fingerprint: f for f in report.findings if f.rule_id == "TFV101"}
    for finding in find_service_exposures(network):
        found.setdefault(finding.fingerprint, finding)
    return sorted((_record(f) for f in found.values()), key=_key)


def _expected(case: str) -> list[dict[str, Any]]:
    document = json.loads((FIXTURES / case / "expected.json").read_text())
    assert document["checks"] == ["TFV101"]
    records = []
    for record in document["findings"]:
        record = dict(record)
        record["ports"] = sorted(record["ports"]) if record["ports"] is not None else None
        record["sources"] = sorted(record["sources"]) if record["sources"] is not None else None
        records.append(record)
    return sorted(records, key=_key)


@pytest.mark.parametrize("case", CASES)
def test_plan_gives_the_hand_reasoned_findings(case: str) -> None:
    assert _findings(FIXTURES / case / "plan.json") == _expected(case)


@pytest.mark.parametrize("case", CASES)
def test_terraform_directory_gives_the_same_findings(case: str) -> None:
    assert _findings(FIXTURES / case) == _expected(case)


@pytest.mark.parametrize("case", CASES)
def test_fixture_has_its_four_files(case: str) -> None:
    folder = FIXTURES / case
    assert {p.name for p in folder.iterdir()} == {
        "main.tf",
        "plan.json",
        "expected.json",
        "README.md",
    }
    plan = json.loads((folder / "plan.json").read_text())
    assert (plan["format_version"], plan["terraform_version"]) == ("1.2", "1.9.8")
