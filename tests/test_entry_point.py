"""The console script (`tfvpc.__main__.run`): same output and exit codes as the click group,
with the standard streams flushed before the process ends without interpreter teardown.

tests/data/plans/public_ssh.json has one critical definite exposure (see test_cli_e2e.py):
`--fail-on high` exits 1, `--fail-on never` exits 0, and a missing input exits 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import tfvpc.__main__ as entry
from tfvpc.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = Path(__file__).parent / "data" / "plans" / "public_ssh.json"


def python_m_tfvpc(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tfvpc ARGS`` in a fresh interpreter from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "tfvpc", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize(("fail_on", "code"), [("high", 1), ("never", 0)])
def test_console_script_prints_what_the_command_group_prints(fail_on: str, code: int) -> None:
    args = ["scan", str(PLAN), "--format", "json", "--fail-on", fail_on]
    done = python_m_tfvpc(*args)
    in_process = CliRunner().invoke(main, args)
    assert done.returncode == code == in_process.exit_code
    assert done.stdout == in_process.stdout
    assert '"rule_id": "TFV101"' in done.stdout


def test_console_script_reports_a_missing_input_in_one_line_with_exit_2() -> None:
    done = python_m_tfvpc("scan", "no/such/plan.json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("tfvpc: no/such/plan.json: ")


def test_pyproject_installs_run_as_the_tfvpc_script() -> None:
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[project.scripts]")[1]
    assert scripts.split("[", 1)[0].strip() == 'tfvpc = "tfvpc.__main__:run"'


class _Exited(Exception):
    """Stands in for os._exit so that the test process survives."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _ClosedPipe:
    """A stdout whose reader went away: writes are buffered, flushing fails."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False


def _exit(status: int) -> None:
    raise _Exited(status)


def test_unwritable_report_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(entry.os, "_exit", _exit)
    monkeypatch.setattr(sys, "argv", ["tfvpc", "scan", str(PLAN), "--fail-on", "never"])
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    with pytest.raises(_Exited) as exited:
        entry.run()
    assert exited.value.status == 2
    assert capsys.readouterr().err == "tfvpc: stdout: cannot write: Broken pipe\n"


def test_exit_status_of_the_command_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entry.os, "_exit", _exit)
    monkeypatch.setattr(sys, "argv", ["tfvpc", "scan", str(PLAN), "--fail-on", "high"])
    with pytest.raises(_Exited) as exited:
        entry.run()
    assert exited.value.status == 1
