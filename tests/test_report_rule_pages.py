"""Rule pages: one per catalogue rule, one copy (docs/rules), shipped in the package, one format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tfvpc.findings import RULES, RULES_BY_ID
from tfvpc.report.rule_docs import find_rule, rule_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"
HEADINGS = [
    "## What it finds",
    "## Why it matters",
    "## Example",
    "## Fix",
    "## Suppress",
    "## References",
]
PAGES = sorted(path for path in DOCS.glob("TFV*.md"))


def test_the_package_data_is_the_docs_folder_itself() -> None:
    packaged = ROOT / "tfvpc" / "data" / "rules"
    assert packaged.is_symlink()
    assert packaged.resolve() == DOCS.resolve()


@pytest.mark.parametrize("rule_id", [rule.id for rule in RULES])
def test_every_catalogue_rule_has_a_page(rule_id: str) -> None:
    assert (DOCS / f"{rule_id}.md").is_file(), f"docs/rules/{rule_id}.md is missing"
    assert rule_page(rule_id) == (DOCS / f"{rule_id}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_every_page_follows_the_format(page: Path) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    rule = RULES_BY_ID.get(page.stem)
    assert rule is not None, f"{page.name} names no catalogue rule"
    assert lines[0] == f"# {rule.id} {rule.slug}"
    assert [line for line in lines if re.match(r"##\s", line)] == HEADINGS


def test_pages_are_found_by_id_or_slug_in_any_case() -> None:
    assert find_rule("tfv101") == find_rule("TFV101") == find_rule("internet-exposure")
    assert find_rule("TFV999") is None
    assert find_rule("internet") is None
    assert rule_page("TFV999") is None
