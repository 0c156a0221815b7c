"""Input detection: which front end reads a path, and the one-line errors when none can."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tfvpc.errors import InputError
from tfvpc.load import detect
from tfvpc.load.resources import LoadedInput
from tfvpc.pipeline import ScanSettings


@pytest.fixture
def plan_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str | None]]:
    """Stand-in plan loader recording what it was asked to read."""
    calls: list[tuple[Path, str | None]] = []

    def load_plan_file(path: Path, display_path: str | None = None) -> LoadedInput:
        calls.append((path, display_path))
        return LoadedInput(path=display_path or str(path), kind="plan")

    monkeypatch.setattr(detect, "load_plan_file", load_plan_file)
    return calls


@pytest.mark.parametrize(
    "head",
    [b'{"format_version": "1.2"}', b'\xef\xbb\xbf  \n{"values": {}}', b"[]", b"PK\x03\x04\x14\x00"],
    ids=["json", "bom-and-blanks", "json-array", "zip"],
)
def test_json_and_zip_files_go_to_the_plan_loader(
    tmp_path: Path, plan_calls: list[tuple[Path, str | None]], head: bytes
) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(head)
    loaded = detect.load_input(path, ScanSettings())
    assert plan_calls == [(path, str(path))]
    assert loaded.kind == "plan"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("main.tf", b'resource "aws_vpc" "a" {}', "pass the directory containing it"),
        ("main.tf.json", b"{}", "pass the directory containing it"),
        ("prod.tfvars", b'region = "x"', "pass it with --var-file"),
        ("notes.txt", b"hello", "not a directory of .tf files nor JSON"),
        ("empty.json", b"", "not a directory of .tf files nor JSON"),
    ],
)
def test_files_no_front_end_reads_are_input_errors(
    tmp_path: Path,
    plan_calls: list[tuple[Path, str | None]],
    name: str,
    content: bytes,
    problem: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as caught:
        detect.load_input(path, ScanSettings())
    assert caught.value.path == str(path)
    assert plan_calls == []


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        detect.load_input(tmp_path / "absent.json", ScanSettings())


def test_a_directory_goes_to_the_hcl_loader_with_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def load_directory(path: Path, **options: Any) -> LoadedInput:
        calls.append({"path": path, **options})
        return LoadedInput(path=str(path), kind="hcl")

    fake = types.ModuleType("tfvpc.load.hcl")
    fake.load_directory = load_directory  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tfvpc.load.hcl", fake)
    settings = ScanSettings(
        var_files=(Path("prod.tfvars"),), variables={"env": "prod"}, environ={"TF_VAR_x": "1"}
    )
    assert detect.load_input(tmp_path, settings).kind == "hcl"
    assert calls == [
        {
            "path": tmp_path,
            "var_files": (Path("prod.tfvars"),),
            "variables": {"env": "prod"},
            "environ": {"TF_VAR_x": "1"},
            "display_path": str(tmp_path),
        }
    ]


def test_a_directory_without_the_hcl_front_end_is_a_clear_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tfvpc.load.hcl", None)
    with pytest.raises(InputError, match="cannot read Terraform directories") as caught:
        detect.load_input(tmp_path, ScanSettings())
    assert caught.value.path == str(tmp_path)
