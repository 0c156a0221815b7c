"""The neutral syntax tree of Terraform configuration that the evaluator walks.

`adapter.py` builds it from python-hcl2's parse tree and `jsonsyntax.py` from ``*.tf.json``;
nothing below depends on either. Expressions are immutable; bodies keep source lines so
that resources and their nested blocks can be located (R-HCL-8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(frozen=True)
class Literal:
    """A constant: null, bool, number or string."""

    value: bool | int | float | str | None


@dataclass(frozen=True)
class Interp:
    """``${expr}`` inside a template."""

    expr: Expr


@dataclass(frozen=True)
class TemplateIf:
    """``%{ if cond }then%{ else }otherwise%{ endif }``."""

    cond: Expr
    then: tuple[TemplatePart, ...]
    otherwise: tuple[TemplatePart, ...]


@dataclass(frozen=True)
class TemplateFor:
    """``%{ for k, v in coll }body%{ endfor }`` (`key_var` is None with one variable)."""

    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


TemplatePart: TypeAlias = "str | Interp | TemplateIf | TemplateFor"


@dataclass(frozen=True)
class Template:
    """A string template; a lone interpolation yields its value unconverted."""

    parts: tuple[TemplatePart, ...]


@dataclass(frozen=True)
class TupleExpr:
    """``[a, b, ...]``."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ObjectExpr:
    """``{k = v, ...}``; bare-identifier keys are already `Literal` strings."""

    items: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Name:
    """A root identifier: ``var``, ``aws_vpc``, ``count``, a for/iterator variable, ..."""

    name: str


@dataclass(frozen=True)
class GetAttr:
    """``target.name``."""

    target: Expr
    name: str


@dataclass(frozen=True)
class Index:
    """``target[key]`` (also the legacy ``target.0``)."""

    target: Expr
    key: Expr


@dataclass(frozen=True)
class AttrStep:
    """One ``.name`` step after a splat."""

    name: str


@dataclass(frozen=True)
class IndexStep:
    """One ``[key]`` step after a splat."""

    key: Expr


@dataclass(frozen=True)
class Splat:
    """``target[*].steps`` (full) or the legacy ``target.*.steps`` (attribute-only per element)."""

    target: Expr
    steps: tuple[AttrStep | IndexStep, ...]
    legacy: bool = False


@dataclass(frozen=True)
class Call:
    """``name(args...)``; `expand_last` for ``f(list...)``."""

    name: str
    args: tuple[Expr, ...]
    expand_last: bool = False


@dataclass(frozen=True)
class Conditional:
    """``cond ? if_true : if_false``."""

    cond: Expr
    if_true: Expr
    if_false: Expr


@dataclass(frozen=True)
class BinaryOp:
    """``left op right``; `op` is the HCL operator text (``"=="``, ``"&&"``, ``"+"``, ...)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class UnaryOp:
    """``-x`` or ``!x``."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class ForExpr:
    """``[for k, v in coll : value if cond]`` or ``{for ... : key => value... if cond}``."""

    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None
    value: Expr
    cond: Expr | None = None
    grouping: bool = False


Expr: TypeAlias = (
    "Literal | Template | TupleExpr | ObjectExpr | Name | GetAttr | Index | Splat | Call"
    " | Conditional | BinaryOp | UnaryOp | ForExpr"
)


@dataclass(frozen=True)
class Attribute:
    """``name = expr`` at `line`."""

    name: str
    expr: Expr
    line: int | None = None


@dataclass
class Body:
    """The content of a file or block: attributes by name and nested blocks in source order."""

    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    """``type "label" ... { body }`` starting at `line`."""

    type: str
    labels: tuple[str, ...]
    body: Body
    line: int | None = None


class SyntaxProblem(Exception):
    """A file or expression that cannot be parsed; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
