"""Issue #3 parity: for every fixture with both a Terraform directory and the plan (or state)
printed for it, the two front ends give identical findings — every rule, compared on rule,
resource, protocol, ports, sources, certainty and severity. The only differences allowed are
listed in `golden.ONLY_POSSIBLE_FROM_HCL`, each with its reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import ALL_CASES, ONLY_POSSIBLE_FROM_HCL, Record, canonical, json_input, scanned

from tfvpc.findings import RULES_BY_ID

CASES = [case for case in ALL_CASES if (case / "main.tf").is_file() and json_input(case)]
EVERY_RULE = set(RULES_BY_ID)


def _from_json(case: Path) -> list[Record]:
    path = json_input(case)
    assert path is not None
    return scanned(path, EVERY_RULE)


def _as_possible(records: list[Record]) -> list[Record]:
    return canonical([{**item, "certainty": "possible"} for item in records])


def test_every_twin_is_compared_and_the_comparison_has_teeth() -> None:
    assert len(CASES) >= 14
    assert set(ONLY_POSSIBLE_FROM_HCL) <= {case.name for case in CASES}
    rules = {item["rule_id"] for case in CASES for item in _from_json(case)}
    # Parity is checked on more than exposures: reachability and conflict rules fire too.
    assert {"TFV101", "TFV202", "TFV301", "TFV302"} <= rules


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_directory_and_plan_give_the_same_findings(case: Path) -> None:
    from_json = _from_json(case)
    if case.name in ONLY_POSSIBLE_FROM_HCL:
        from_json = _as_possible(from_json)
    assert scanned(case, EVERY_RULE) == from_json


@pytest.mark.parametrize("case", sorted(ONLY_POSSIBLE_FROM_HCL))
def test_exempt_fixture_really_differs_in_certainty_only(case: str) -> None:
    """The exemption is not a blanket one: the plan must prove what HCL only suspects."""
    fixture = next(item for item in CASES if item.name == case)
    from_json = _from_json(fixture)
    from_hcl = scanned(fixture, EVERY_RULE)
    assert any(item["certainty"] == "definite" for item in from_json)
    assert from_hcl != from_json
    assert from_hcl == _as_possible(from_json)
