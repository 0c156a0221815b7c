"""The README's Quick start and sample output must stay true to what tfvpc does."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfvpc.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    """Return the command lines of the fenced block under the "Quick start" heading."""
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Quick start section has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_install_and_scan_then_test() -> None:
    first, second = quick_start_commands()
    assert first.startswith("pip install . && tfvpc scan ")
    assert second.startswith("pip install -e '.[dev]' && pytest")


def test_quick_start_scan_succeeds_on_the_bundled_example(monkeypatch: pytest.MonkeyPatch) -> None:
    scan_args = shlex.split(quick_start_commands()[0].split("&& tfvpc ", 1)[1])
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, scan_args)
    assert result.exit_code == 0, result.output
    assert "TFV101 internet-exposure" in result.output


def test_sample_output_is_what_tfvpc_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = re.search(r"```\n\$ tfvpc (scan [^\n]+)\n(.*?)```", README, re.DOTALL)
    assert sample is not None, "the README lost its sample output"
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*shlex.split(sample.group(1)), "--no-color"])
    assert result.output == sample.group(2)
