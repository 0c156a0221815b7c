"""String templates: nesting ``%{if}``/``%{for}`` directives and scanning raw template text.

Quoted strings arrive from the parser as a flat sequence of literal text, interpolations and
directive markers; heredoc bodies (R-HCL-7), ``*.tf.json`` strings and ``templatefile()``
contents arrive as raw text. Both end up here and become one `Template`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from tfvpc.load.hcl.syntax import (
    Expr,
    Interp,
    SyntaxProblem,
    Template,
    TemplateFor,
    TemplateIf,
    TemplatePart,
)


@dataclass(frozen=True)
class FlatInterp:
    """``${expr}`` with its ``~`` strip markers."""

    expr: Expr
    strip_left: bool = False
    strip_right: bool = False


@dataclass(frozen=True)
class Directive:
    """One ``%{...}`` marker before nesting."""

    kind: Literal["if", "else", "endif", "for", "endfor"]
    strip_left: bool = False
    strip_right: bool = False
    expr: Expr | None = None
    key_var: str | None = None
    value_var: str | None = None


FlatPart = str | FlatInterp | Directive


def assemble(parts: Sequence[FlatPart]) -> Template:
    """Return the `Template` for a flat part sequence, applying ``~`` whitespace stripping.

    Raises `SyntaxProblem` when ``if``/``for`` directives are not properly nested.
    """
    stripped = _apply_strip_markers(parts)
    root: list[TemplatePart] = []
    # Each frame: (directive opening it, parts of the then/for body, parts after else or None).
    stack: list[tuple[Directive, list[TemplatePart], list[TemplatePart] | None]] = []

    def current() -> list[TemplatePart]:
        if not stack:
            return root
        _, body, otherwise = stack[-1]
        return body if otherwise is None else otherwise

    for part in stripped:
        if isinstance(part, str):
            if part:
                _append_text(current(), part)
        elif isinstance(part, FlatInterp):
            current().append(Interp(part.expr))
        elif part.kind in ("if", "for"):
            stack.append((part, [], None))
        elif part.kind == "else":
            if not stack or stack[-1][0].kind != "if" or stack[-1][2] is not None:
                raise SyntaxProblem("%{else} without a matching %{if}")
            stack[-1] = (stack[-1][0], stack[-1][1], [])
        else:
            closed = _close(stack, part.kind)
            current().append(closed)
    if stack:
        raise SyntaxProblem(f"%{{{stack[-1][0].kind}}} is never closed")
    return Template(tuple(root))


def _close(
    stack: list[tuple[Directive, list[TemplatePart], list[TemplatePart] | None]], kind: str
) -> TemplateIf | TemplateFor:
    opener_kind = "if" if kind == "endif" else "for"
    if not stack or stack[-1][0].kind != opener_kind:
        raise SyntaxProblem(f"%{{{kind}}} without a matching %{{{opener_kind}}}")
    opener, body, otherwise = stack.pop()
    assert opener.expr is not None
    if opener.kind == "if":
        return TemplateIf(opener.expr, tuple(body), tuple(otherwise or ()))
    assert opener.value_var is not None
    return TemplateFor(opener.key_var, opener.value_var, opener.expr, tuple(body))


def _append_text(parts: list[TemplatePart], text: str) -> None:
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1] + text
    else:
        parts.append(text)


def _apply_strip_markers(parts: Sequence[FlatPart]) -> list[FlatPart]:
    out: list[FlatPart] = list(parts)
    for i, part in enumerate(out):
        if isinstance(part, str):
            continue
        if part.strip_left and i > 0 and isinstance(out[i - 1], str):
            out[i - 1] = str(out[i - 1]).rstrip()
        if part.strip_right and i + 1 < len(out) and isinstance(out[i + 1], str):
            out[i + 1] = str(out[i + 1]).lstrip()
    return out


_FOR_HEADER = re.compile(
    r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)", re.DOTALL
)
_IF_HEADER = re.compile(r"if\s+(.+)", re.DOTALL)
_SIMPLE_DIRECTIVES: dict[str, Literal["else", "endif", "endfor"]] = {
    "else": "else",
    "endif": "endif",
    "endfor": "endfor",
}


def parse_template_source(text: str, parse_expr: Callable[[str], Expr]) -> Template:
    """Return the `Template` for raw template text (heredoc body, JSON string, template file).

    `parse_expr` parses the text of one ``${...}`` or directive expression. ``$${`` and
    ``%%{`` are the escapes for a literal ``${`` and ``%{``. Raises `SyntaxProblem`.
    """
    parts: list[FlatPart] = []
    literal: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            literal.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            end = _find_close(text, i + 2)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_sequence(text[i], text[i + 2 : end], parse_expr))
            i = end + 1
            continue
        literal.append(text[i])
        i += 1
    if literal:
        parts.append("".join(literal))
    return assemble(parts)


def _sequence(kind: str, inner: str, parse_expr: Callable[[str], Expr]) -> FlatPart:
    strip_left = inner.startswith("~")
    if strip_left:
        inner = inner[1:]
    strip_right = inner.endswith("~")
    if strip_right:
        inner = inner[:-1]
    inner = inner.strip()
    if kind == "$":
        return FlatInterp(parse_expr(inner), strip_left, strip_right)
    if inner in _SIMPLE_DIRECTIVES:
        return Directive(_SIMPLE_DIRECTIVES[inner], strip_left, strip_right)
    match = _FOR_HEADER.fullmatch(inner)
    if match:
        first, second, coll = match.groups()
        key_var, value_var = (first, second) if second else (None, first)
        return Directive(
            "for", strip_left, strip_right, parse_expr(coll), key_var=key_var, value_var=value_var
        )
    match = _IF_HEADER.fullmatch(inner)
    if match:
        return Directive("if", strip_left, strip_right, parse_expr(match.group(1)))
    raise SyntaxProblem(f"invalid template directive %{{{inner}}}")


def _find_close(text: str, start: int) -> int:
    """Return the index of the ``}`` closing the sequence whose body starts at `start`."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _skip_quoted(text, i + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise SyntaxProblem("unterminated template sequence (missing '}')")


def _skip_quoted(text: str, i: int) -> int:
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == '"':
            return i + 1
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _find_close(text, i + 2) + 1
            continue
        i += 1
    raise SyntaxProblem("unterminated string inside a template sequence")
