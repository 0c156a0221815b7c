"""What the user asked to leave out: rule selection (--select/--ignore) and a baseline report.

Selectors are rule ids (``TFV101``), slugs (``internet-exposure``) or id prefixes (``TFV1`` is
every exposure rule, ``TFV`` every rule), case-insensitive. A baseline is a JSON report written
earlier by ``tfvpc scan --format json``: findings whose fingerprint it lists are suppressed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tfvpc.errors import InputError, UsageError
from tfvpc.findings import RULES, Finding


def rules_matching(selector: str) -> frozenset[str]:
    """Return the ids of the catalogue rules that `selector` names; UsageError if none."""
    token = selector.strip()
    by_slug = {rule.id for rule in RULES if rule.slug == token.lower()}
    by_prefix = {rule.id for rule in RULES if token and rule.id.startswith(token.upper())}
    matched = by_slug | by_prefix
    if not matched:
        raise UsageError(
            f"unknown rule selector {selector!r}: use an id (TFV101), a slug (internet-exposure) "
            "or an id prefix (TFV1); `tfvpc rules` lists them"
        )
    return frozenset(matched)


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Return the selectors of repeatable, comma-separated option values, blanks dropped."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class RuleFilter:
    """Which rule ids a run reports: those selected (all when nothing is) minus those ignored."""

    selected: frozenset[str] | None
    ignored: frozenset[str]

    @classmethod
    def parse(cls, select: Sequence[str], ignore: Sequence[str]) -> RuleFilter:
        """Return the filter for the given selectors; UsageError names an unknown one."""
        selected = frozenset().union(*(rules_matching(s) for s in select)) if select else None
        ignored = frozenset().union(*(rules_matching(s) for s in ignore))
        return cls(selected=selected, ignored=ignored)

    def keeps(self, rule_id: str) -> bool:
        """Return True if findings of `rule_id` are reported."""
        if self.selected is not None and rule_id not in self.selected:
            return False
        return rule_id not in self.ignored


def load_baseline(path: Path) -> frozenset[str]:
    """Return the fingerprints listed in the JSON report at `path`; InputError if it is not one."""
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(display, "baseline file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(display, f"cannot read the baseline: {error}") from None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(display, f"the baseline is not JSON: {error}") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(findings, list):
        raise InputError(
            display,
            "the baseline is not a tfvpc JSON report (no 'findings' list); "
            "write one with `tfvpc scan --format json -o FILE`",
        )
    fingerprints = [f.get("fingerprint") if isinstance(f, dict) else None for f in findings]
    if not all(isinstance(fp, str) and fp for fp in fingerprints):
        raise InputError(display, "a finding in the baseline has no fingerprint")
    return frozenset(str(fp) for fp in fingerprints)


def without_baseline(
    findings: Iterable[Finding], baseline: frozenset[str]
) -> tuple[list[Finding], int]:
    """Return the findings whose fingerprint is not in `baseline`, and how many were dropped."""
    listed = list(findings)
    kept = [finding for finding in listed if finding.fingerprint not in baseline]
    return kept, len(listed) - len(kept)
