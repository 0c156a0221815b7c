"""Choose the front end for one input path: a directory of .tf files, or a plan/state JSON."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tfvpc.errors import InputError
from tfvpc.load.plan import load_plan_file
from tfvpc.load.resources import LoadedInput

if TYPE_CHECKING:
    from tfvpc.pipeline import ScanSettings

_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 64


def load_input(path: Path, settings: ScanSettings) -> LoadedInput:
    """Return what the right front end reads from `path`; InputError if nothing can read it."""
    display = str(path)
    if path.is_dir():
        return _load_directory(path, settings)
    if not path.exists():
        raise InputError(display, "no such file or directory")
    if path.name.endswith((".tf", ".tf.json")):
        parent = str(path.parent)
        raise InputError(
            display,
            f"this is one Terraform file; pass the directory containing it ({parent}) "
            "so that its variables, locals and modules are read too",
        )
    if path.name.endswith((".tfvars", ".tfvars.json")):
        raise InputError(display, "this is a variables file; pass it with --var-file")
    head = _read_head(path)
    # A binary plan is a zip archive; the plan loader owns the message that says what to run.
    if head.startswith(_ZIP_MAGIC) or head.removeprefix(_UTF8_BOM).lstrip()[:1] in (b"{", b"["):
        return load_plan_file(path, display_path=display)
    raise InputError(
        display,
        "not a directory of .tf files nor JSON from `terraform show -json`; "
        "run `terraform show -json plan.out > plan.json` and scan plan.json",
    )


def _read_head(path: Path) -> bytes:
    """Return the first bytes of `path`; InputError if it cannot be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None


def _load_directory(path: Path, settings: ScanSettings) -> LoadedInput:
    """Return the HCL front end's reading of directory `path`."""
    loader = _hcl_loader(str(path))
    environ = os.environ if settings.environ is None else settings.environ
    return loader(
        path,
        var_files=settings.var_files,
        variables=settings.variables,
        environ=environ,
        display_path=str(path),
    )


def _hcl_loader(display: str) -> Callable[..., LoadedInput]:
    """Return `tfvpc.load.hcl.load_directory`; InputError when this build has no HCL front end."""
    try:
        module = importlib.import_module("tfvpc.load.hcl")
    except ModuleNotFoundError as error:
        if error.name != "tfvpc.load.hcl":
            raise
        raise InputError(
            display,
            "this build of tfvpc cannot read Terraform directories yet; "
            "scan the output of `terraform show -json` instead",
        ) from None
    loader: Callable[..., LoadedInput] = module.load_directory
    return loader
