"""Values of the root module's input variables from every source Terraform reads (R-EVAL-3).

Lowest to highest precedence: ``TF_VAR_<name>`` environment variables, ``terraform.tfvars``,
``terraform.tfvars.json``, ``*.auto.tfvars`` and ``*.auto.tfvars.json`` in lexical order, then
``--var-file`` files and ``--var`` values in the order given. Declared defaults sit below all
of them and are applied with the type conversion when the variable is read. A variable file
that cannot be parsed makes every variable it could have set unknown, never its default.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tfvpc.load.hcl.adapter import parse_config, parse_expression
from tfvpc.load.hcl.config import VariableDecl
from tfvpc.load.hcl.evaluate import Env, evaluate, evaluate_unit
from tfvpc.load.hcl.files import FileProblem, display_join, read_source
from tfvpc.load.hcl.fn_encode import from_json
from tfvpc.load.hcl.syntax import SyntaxProblem
from tfvpc.load.hcl.typeconv import is_primitive, parse_type
from tfvpc.load.hcl.values import EvalError, Val, first_opaque
from tfvpc.load.resources import InputProblem, SourceLocation, Unknown

_CONSTANT = Env(None)


@dataclass
class RootValues:
    """The root variable values that were set, plus problems and notes about them."""

    values: dict[str, Val] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def root_values(
    declared: Mapping[str, VariableDecl],
    root: Path,
    display_root: str,
    var_files: Sequence[Path],
    cli: Mapping[str, str],
    environ: Mapping[str, str],
) -> RootValues:
    """Return the values set for the root module's variables, highest precedence winning."""
    result = RootValues()
    for key, raw in sorted(environ.items()):
        name = key.removeprefix("TF_VAR_")
        if key.startswith("TF_VAR_") and name in declared:
            result.values[name] = _raw_value(raw, declared[name])
    for path, display in _automatic_files(root, display_root):
        _apply_file(result, declared, path, display)
    for path in var_files:
        _apply_file(result, declared, path, str(path))
    for name, raw in cli.items():
        if name not in declared:
            result.notes.append(f"--var {name}: no variable {name!r} is declared; ignored")
            continue
        result.values[name] = _raw_value(raw, declared[name])
    return result


def _automatic_files(root: Path, display_root: str) -> list[tuple[Path, str]]:
    found: list[Path] = [root / "terraform.tfvars", root / "terraform.tfvars.json"]
    try:
        auto = sorted(
            p.name for p in root.iterdir() if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
        )
    except OSError:
        auto = []
    found.extend(root / name for name in auto)
    return [(p, display_join(display_root, p.name)) for p in found if p.exists() or p.is_symlink()]


def _apply_file(
    result: RootValues, declared: Mapping[str, VariableDecl], path: Path, display: str
) -> None:
    try:
        values = _read_file(path, display)
    except FileProblem as problem:
        location = SourceLocation(display, problem.line)
        result.problems.append(InputProblem("TFV001", display, problem.message, location))
        for name in declared:
            result.values[name] = Unknown(
                f"{display} could not be read; var.{name} may be set there"
            )
        return
    for name, value in values.items():
        if name in declared:
            result.values[name] = value
        else:
            result.notes.append(f"{display}: no variable {name!r} is declared; value ignored")


def _read_file(path: Path, display: str) -> dict[str, Val]:
    text = read_source(path, display)
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise FileProblem(f"{display}:{error.lineno}: {error.msg}", error.lineno) from None
        if not isinstance(data, dict):
            raise FileProblem(f"{display}:1: a JSON variable file must contain an object")
        try:
            return {str(k): from_json(v) for k, v in data.items()}
        except EvalError as error:
            raise FileProblem(f"{display}: {error.message}") from None
    try:
        body = parse_config(text)
    except SyntaxProblem as problem:
        where = f"{display}:{problem.line}" if problem.line else display
        raise FileProblem(f"{where}: {problem.message}", problem.line) from None
    return {name: evaluate_unit(attr.expr, _CONSTANT) for name, attr in body.attributes.items()}


def _raw_value(raw: str, decl: VariableDecl) -> Val:
    """A ``--var``/``TF_VAR_`` string: literal for untyped or primitive variables, else HCL."""
    if decl.type_expr is None:
        return raw
    try:
        spec = parse_type(decl.type_expr)
    except EvalError:
        return raw
    if is_primitive(spec):
        return raw
    try:
        value = evaluate(parse_expression(raw), _CONSTANT)
    except (SyntaxProblem, EvalError):
        return raw
    return raw if first_opaque(value) is not None else value
