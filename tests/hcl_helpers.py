"""Small helpers shared by the tests of the HCL front end (tests/test_hcl_*.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tfvpc.load.hcl import load_directory
from tfvpc.load.hcl.adapter import parse_expression
from tfvpc.load.hcl.evaluate import Env, evaluate
from tfvpc.load.hcl.syntax import Expr
from tfvpc.load.hcl.values import Val
from tfvpc.load.resources import LoadedInput, ResourceInstance

DATA = Path(__file__).parent / "data" / "hcl"


def ev(text: str, **names: Val) -> Val:
    """Return the value of one expression (given as text) with `names` bound."""
    return evaluate(parse_expression(text), Env(None, names))


def ev_expr(expr: Expr, **names: Val) -> Val:
    """Return the value of an already parsed expression with `names` bound."""
    return evaluate(expr, Env(None, names))


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `files` (relative path -> text or bytes) under `root`."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def load(
    root: Path,
    *,
    var_files: Sequence[Path] = (),
    variables: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LoadedInput:
    """Load `root` as display path ``cfg``, with an empty environment unless one is given."""
    return load_directory(
        root,
        var_files=var_files,
        variables=variables or {},
        environ=environ or {},
        display_path="cfg",
    )


def by_address(loaded: LoadedInput) -> dict[str, ResourceInstance]:
    """Return the loaded instances indexed by address."""
    return {r.address: r for r in loaded.resources}
