"""Golden tests of the plan/state front end: each fixture's plan.json or state.json gives exactly
the hand-reasoned findings of its expected.json (see tests/golden.py for the format)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden import (
    ALL_CASES,
    assert_well_formed,
    canonical,
    json_input,
    load_expected,
    scanned,
)

from tfvpc.load.plan import detect_json_kind

CASES = [case for case in ALL_CASES if json_input(case) is not None]


def _input(case: Path) -> Path:
    found = json_input(case)
    assert found is not None
    return found


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_findings_match_the_hand_reasoned_expectation(case: Path, update_golden: bool) -> None:
    expected = load_expected(case)
    actual = scanned(_input(case), set(expected["checks"]))
    if update_golden:
        expected["findings"] = actual
        (case / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
        pytest.skip(f"rewrote {case.name}/expected.json: review the diff before committing")
    assert actual == canonical(expected["findings"])


def test_there_are_enough_fixtures_of_each_input_kind() -> None:
    documents = [json.loads(_input(case).read_text()) for case in CASES]
    kinds = [detect_json_kind(document) for document in documents]
    assert len(CASES) >= 14
    assert "state" in kinds
    assert any(
        kind == "plan" and "prior_state" in document
        for kind, document in zip(kinds, documents, strict=True)
    ), "one plan must be made against existing infrastructure"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fixture_is_complete(case: Path) -> None:
    assert (case / "main.tf").is_file()
    assert (case / "README.md").is_file()
    document = json.loads(_input(case).read_text())
    assert detect_json_kind(document) == _input(case).stem
    assert document["terraform_version"] == "1.9.8"


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.name for case in ALL_CASES])
def test_expected_findings_are_well_formed(case: Path) -> None:
    assert_well_formed(load_expected(case))
