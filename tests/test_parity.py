"""Issue #3 acceptance: the two front ends agree. For every fixture that has both an HCL twin
(main.tf) and a plan or state, scanning the directory and scanning the JSON give the same
findings - every rule, not only TFV101 - compared on (rule_id, resource, protocol, ports,
sources, certainty, severity), duplicates included.

The only differences allowed are listed in `ONLY_POSSIBLE_FROM_HCL`, each with its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tfvpc.findings import Finding
from tfvpc.pipeline import ScanSettings, failed_analysers, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
JSON_INPUTS = ("plan.json", "state.json")
CASES = sorted(
    case
    for case in {path.parent for path in FIXTURES.glob("*/main.tf")}
    if any((case / name).is_file() for name in JSON_INPUTS)
)

ONLY_POSSIBLE_FROM_HCL: dict[str, str] = {
    "ipv6_existing": (
        "the VPC's IPv6 block comes from assign_generated_ipv6_cidr_block: Amazon picks it, so "
        "only the plan against the existing VPC knows it; from the directory the subnets' "
        "cidrsubnet() of it is unknown and every exposure resting on it is only 'possible'"
    ),
}
"""Fixtures whose HCL scan finds exactly what the plan finds, except that findings the plan
proves ('definite') the directory can only suspect ('possible'). Nothing else may differ."""

Key = tuple[str, str, str | None, str | None, str | None, str, str]


def _key(finding: Finding) -> Key:
    """Return the compared view of a finding, with order-free parts in a fixed order."""
    ports = json.dumps(sorted(map(list, finding.ports))) if finding.ports is not None else None
    sources = json.dumps(sorted(finding.sources)) if finding.sources is not None else None
    return (
        finding.rule_id,
        finding.resource,
        finding.protocol,
        ports,
        sources,
        finding.certainty,
        finding.severity.value,
    )


def _as_possible(key: Key) -> Key:
    return (*key[:5], "possible", key[6])


def _scan(path: Path) -> Counter[Key]:
    report = scan([path], ScanSettings(environ={}))
    assert failed_analysers(report) == [], f"an analyser crashed on {path}"
    return Counter(_key(finding) for finding in report.findings)


def _json_input(case: Path) -> Path:
    return next(case / name for name in JSON_INPUTS if (case / name).is_file())


def _difference(from_json: Counter[Key], from_hcl: Counter[Key]) -> dict[str, Any]:
    """Return what only one side found, for a readable assertion message."""
    return {
        "only from the plan/state": sorted(from_json - from_hcl),
        "only from the directory": sorted(from_hcl - from_json),
    }


def test_every_twin_is_compared_and_the_comparison_has_teeth() -> None:
    assert len(CASES) >= 14
    assert set(ONLY_POSSIBLE_FROM_HCL) <= {case.name for case in CASES}
    rules = Counter(key[0] for case in CASES for key in _scan(_json_input(case)).elements())
    # Parity is checked on more than exposures: reachability and conflict rules fire too.
    assert rules["TFV101"] >= 10
    assert {"TFV202", "TFV301", "TFV302"} <= set(rules)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_directory_and_plan_give_the_same_findings(case: Path) -> None:
    from_json = _scan(_json_input(case))
    from_hcl = _scan(case)
    if case.name in ONLY_POSSIBLE_FROM_HCL:
        from_json = Counter({_as_possible(key): n for key, n in from_json.items()})
    assert from_hcl == from_json, _difference(from_json, from_hcl)


@pytest.mark.parametrize("case", sorted(ONLY_POSSIBLE_FROM_HCL))
def test_exempt_fixture_really_differs_in_certainty_only(case: str) -> None:
    """The exemption is not a blanket one: the plan must prove what HCL only suspects."""
    from_json = _scan(_json_input(FIXTURES / case))
    from_hcl = _scan(FIXTURES / case)
    assert any(key[5] == "definite" for key in from_json)
    assert from_hcl != from_json
    assert all(key[5] == "possible" for key in from_hcl)
