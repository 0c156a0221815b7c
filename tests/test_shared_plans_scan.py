"""Every real `terraform show -json` output in ../shared/plans scans to a complete report.

Issue #2: tfvpc must load every one of them (exit 0 or 1), and no analyser may give up on any.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from shared_plans import PLAN_FILES

from tfvpc.cli import main
from tfvpc.pipeline import ANALYSER_ERROR


@pytest.mark.parametrize("path", PLAN_FILES, ids=[path.name[:60] for path in PLAN_FILES])
def test_real_plan_scans_to_a_complete_json_report(path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    # Notes (such as instances read from prior_state) may go to stderr; failures may not.
    assert ANALYSER_ERROR not in result.stderr
    assert "internal error" not in result.stderr
    report = json.loads(result.stdout)
    assert report["inputs"][0]["kind"] in ("plan", "state")
    assert report["summary"]["findings"] == len(report["findings"])
