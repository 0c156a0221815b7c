"""Terraform's JSON configuration syntax (``*.tf.json``) -> `tfvpc.load.hcl.syntax`.

Strings are templates (``"${aws_vpc.main.id}"``), arrays tuples, objects object constructors;
``variable`` defaults and ``type`` are literal values and a type expression. Without provider
schemas, an object (or array of objects) under a resource is read as nested blocks, except
``tags``-like maps; that gives the same values as the native syntax for every networking
resource. JSON carries no line numbers of its own: a resource's line is found by its labels.
"""

from __future__ import annotations

import bisect
import json
import re

from tfvpc.load.hcl.adapter import parse_expression, parse_template
from tfvpc.load.hcl.syntax import (
    Attribute,
    Block,
    Body,
    Expr,
    Literal,
    Name,
    ObjectExpr,
    SyntaxProblem,
    TupleExpr,
)

_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}
_META_SKIPPED = frozenset({"depends_on", "lifecycle", "provisioner", "connection", "//"})
_LITERAL_KEYS = {"module": {"source", "version"}, "variable": {"default", "description"}}


def parse_json_config(text: str) -> Body:
    """Return the syntax tree of a ``*.tf.json`` file; raises `SyntaxProblem`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SyntaxProblem(error.msg, error.lineno) from None
    except RecursionError:
        raise SyntaxProblem("nesting too deep to parse") from None
    if not isinstance(data, dict):
        raise SyntaxProblem("a .tf.json file must contain a JSON object", 1)
    locator = _Locator(text)
    body = Body()
    for block_type, content in data.items():
        count = _LABELS.get(block_type)
        if count is None:
            continue
        for labels, obj in _labelled(content, count, ()):
            line = locator.line_of((block_type, *labels)) if labels else None
            body.blocks.append(Block(block_type, labels, _block_body(block_type, obj), line))
    return body


def _labelled(
    content: object, count: int, labels: tuple[str, ...]
) -> list[tuple[tuple[str, ...], dict[str, object]]]:
    if isinstance(content, list):
        return [found for item in content for found in _labelled(item, count, labels)]
    if not isinstance(content, dict):
        raise SyntaxProblem(f"expected an object for {' '.join(labels) or 'a block'}")
    if count == 0:
        return [(labels, content)]
    found: list[tuple[tuple[str, ...], dict[str, object]]] = []
    for label, inner in content.items():
        if label != "//":
            found.extend(_labelled(inner, count - 1, (*labels, label)))
    return found


def _block_body(block_type: str, obj: dict[str, object]) -> Body:
    if block_type in ("resource", "data"):
        return _nested_body(obj, top=True)
    body = Body()
    literal_keys = _LITERAL_KEYS.get(block_type, set())
    for key, value in obj.items():
        if key == "//":
            continue
        if block_type == "terraform" and key == "required_providers":
            providers = value if isinstance(value, dict) else {}
            inner = Body({k: Attribute(k, _literal(v)) for k, v in providers.items()})
            body.blocks.append(Block("required_providers", (), inner))
        elif block_type == "variable" and key == "type" and isinstance(value, str):
            body.attributes[key] = Attribute(key, parse_expression(value))
        elif key in literal_keys:
            body.attributes[key] = Attribute(key, _literal(value))
        elif isinstance(value, dict | list) and block_type in ("terraform", "variable", "provider"):
            continue  # nested blocks (backend, validation, ...) that tfvpc does not need
        else:
            body.attributes[key] = Attribute(key, _expr(value))
    return body


def _nested_body(obj: dict[str, object], top: bool = False) -> Body:
    body = Body()
    for key, value in obj.items():
        if key == "//" or (top and key in _META_SKIPPED):
            continue
        if key == "dynamic" and isinstance(value, dict):
            body.blocks.extend(_dynamic_blocks(value))
        elif _is_block_value(key, value):
            items = value if isinstance(value, list) else [value]
            body.blocks.extend(
                Block(key, (), _nested_body(item)) for item in items if isinstance(item, dict)
            )
        else:
            body.attributes[key] = Attribute(key, _expr(value))
    return body


def _is_block_value(key: str, value: object) -> bool:
    if key.endswith("tags"):
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def _dynamic_blocks(spec: dict[str, object]) -> list[Block]:
    blocks: list[Block] = []
    for label, content in spec.items():
        for item in content if isinstance(content, list) else [content]:
            if not isinstance(item, dict):
                continue
            body = Body()
            if "for_each" in item:
                body.attributes["for_each"] = Attribute("for_each", _expr(item["for_each"]))
            if isinstance(item.get("iterator"), str):
                body.attributes["iterator"] = Attribute("iterator", Name(str(item["iterator"])))
            content_obj = item.get("content")
            if isinstance(content_obj, dict):
                body.blocks.append(Block("content", (), _nested_body(content_obj)))
            blocks.append(Block("dynamic", (label,), body))
    return blocks


def _expr(value: object) -> Expr:
    if isinstance(value, str):
        return parse_template(value)
    if isinstance(value, list):
        return TupleExpr(tuple(_expr(item) for item in value))
    if isinstance(value, dict):
        return ObjectExpr(tuple((Literal(str(k)), _expr(v)) for k, v in value.items()))
    return _literal(value)


def _literal(value: object) -> Expr:
    if isinstance(value, list):
        return TupleExpr(tuple(_literal(item) for item in value))
    if isinstance(value, dict):
        return ObjectExpr(tuple((Literal(str(k)), _literal(v)) for k, v in value.items()))
    if value is None or isinstance(value, bool | int | float | str):
        return Literal(value)
    raise SyntaxProblem(f"unsupported JSON value {value!r}")


class _Locator:
    """Finds the line where a block's labels appear; blocks are asked for in document order,
    so each search continues where the previous one among its siblings ended."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]
        self._found: dict[tuple[str, ...], int] = {}
        self._cursor: dict[tuple[str, ...], int] = {}

    def line_of(self, labels: tuple[str, ...]) -> int | None:
        position = 0
        for depth in range(1, len(labels) + 1):
            key = labels[:depth]
            if key in self._found:
                position = self._found[key]
                continue
            parent = labels[: depth - 1]
            start = max(position, self._cursor.get(parent, 0))
            pattern = re.compile(re.escape(json.dumps(labels[depth - 1])) + r"\s*:")
            match = pattern.search(self.text, start)
            if match is None:
                return None
            position = self._found[key] = self._cursor[parent] = match.end()
        return bisect.bisect_left(self._newlines, position) + 1
