"""Issue #3 acceptance: scanning a fixture's .tf directory gives its hand-reasoned findings —
for twins of a plan the same ones the plan gives, and for the HCL-only fixtures (hcl_*) what
only the static evaluator can decide (see tests/golden.py for the format)."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden import (
    ALL_CASES,
    ONLY_POSSIBLE_FROM_HCL,
    canonical,
    json_input,
    load_expected,
    scanned,
)

CASES = [case for case in ALL_CASES if (case / "main.tf").is_file()]


def test_there_are_twins_and_hcl_only_fixtures() -> None:
    names = {case.name for case in CASES}
    assert len([case for case in CASES if json_input(case) is not None]) >= 10
    assert {
        "hcl_tfvars_precedence",
        "hcl_module_count",
        "hcl_dynamic_blocks",
        "hcl_unknown_data",
    } <= names
    for case in CASES:
        assert (case / "README.md").is_file()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_directory_scan_gives_the_expected_findings(case: Path) -> None:
    expected = load_expected(case)
    wanted = expected["findings"]
    if case.name in ONLY_POSSIBLE_FROM_HCL:
        wanted = [{**item, "certainty": "possible"} for item in wanted]
    assert scanned(case, set(expected["checks"])) == canonical(wanted)
