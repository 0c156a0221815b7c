"""The rule pages: docs/rules/<ID>.md, shipped as package data under tfvpc/data/rules."""

from __future__ import annotations

from importlib import resources

from tfvpc.findings import RULES_BY_ID, RULES_BY_SLUG, Rule

PROJECT_URL = "https://github.com/tfvpc/tfvpc"
RULE_DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules/"
"""Where the pages are published; SARIF ``helpUri`` is this plus ``<ID>.md``."""


def find_rule(name: str) -> Rule | None:
    """Return the catalogue rule with id or slug `name` (case-insensitive), or None."""
    key = name.strip()
    return RULES_BY_ID.get(key.upper()) or RULES_BY_SLUG.get(key.lower())


def rule_page(rule_id: str) -> str | None:
    """Return the Markdown page of rule `rule_id`, or None when the package ships none."""
    page = resources.files("tfvpc") / "data" / "rules" / f"{rule_id}.md"
    return page.read_text(encoding="utf-8") if page.is_file() else None


def rule_url(rule_id: str) -> str:
    """Return the URL of rule `rule_id`'s page."""
    return f"{RULE_DOCS_URL}{rule_id}.md"
