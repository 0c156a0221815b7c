"""Where the real `terraform show -json` outputs of ../shared/plans are, for the tests using them.

The repository's parent holds `shared/` (for developers and in CI alike), so the plans are found
relative to this checkout, never by an absolute path.
"""

from __future__ import annotations

from pathlib import Path

SHARED_PLANS = Path(__file__).resolve().parent.parent.parent / "shared" / "plans"
PLAN_FILES = sorted(SHARED_PLANS.glob("*.json"))
