"""The AWS provider's major version, for defaults that changed between majors (R-EVAL-12).

The front ends hand over the version constraint as written (``"~> 5.0"``, ``">= 4.0, < 6.0"``)
or an exact version from the lock file (``"5.31.0"``). Only the range of majors it allows
matters here.
"""

from __future__ import annotations

import re

_PART = re.compile(r"^\s*(~>|>=|<=|!=|>|<|=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][\w.]*)?\s*$")

_NO_LIMIT = 10_000


def major_range(constraint: str | None) -> tuple[int, int] | None:
    """Return the lowest and highest major version `constraint` allows, or None when it is
    absent or unreadable (every part must parse)."""
    if not constraint:
        return None
    low, high = 0, _NO_LIMIT
    for part in constraint.split(","):
        match = _PART.match(part)
        if match is None:
            return None
        operator, major_text, minor, patch = match.groups()
        major = int(major_text)
        if operator in (None, "="):
            low, high = max(low, major), min(high, major)
        elif operator == "~>":
            # "~> 5.2" and "~> 5.2.1" stay within 5.x; "~> 5" only means ">= 5".
            low = max(low, major)
            high = min(high, major) if minor is not None else high
        elif operator in (">=", ">"):
            # "> 5" still allows 5.0.1.
            low = max(low, major)
        elif operator == "<":
            upper = major if (minor or "0") != "0" or (patch or "0") != "0" else major - 1
            high = min(high, upper)
        elif operator == "<=":
            high = min(high, major)
    return (low, high) if low <= high else None


def default_by_major(constraint: str | None, last_major_true: int) -> bool | None:
    """Return a default that is true up to major `last_major_true` and false after it, for
    the provider versions `constraint` allows; None when they straddle the change or the
    version is unknown."""
    found = major_range(constraint)
    if found is None:
        return None
    low, high = found
    if high <= last_major_true:
        return True
    if low > last_major_true:
        return False
    return None
