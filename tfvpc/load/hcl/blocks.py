"""Nested blocks of a resource: static blocks and ``dynamic`` blocks (R-EVAL-7, R-HCL-6).

Blocks of one type become a list of dicts in source order, dynamic ones expanded in place
(nested ``dynamic`` and ``iterator`` included). A dynamic block whose ``for_each`` is unknown
yields one block with unknown iterator values and an uncertainty note. Each block's line is
recorded under its path (``ingress.0``, ``default_action.0.forward.0``); generated blocks get
the line of their ``dynamic`` block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.load.hcl.evaluate import Env, evaluate_unit
from tfvpc.load.hcl.syntax import Block, Body, Name
from tfvpc.load.hcl.values import Val, is_opaque, sorted_items, to_unknown
from tfvpc.load.resources import Unknown


@dataclass
class BlockList:
    """The evaluated blocks of one type, their lines by relative path, and uncertainties."""

    items: list[dict[str, Val]] = field(default_factory=list)
    lines: dict[str, int | None] = field(default_factory=dict)
    uncertain: list[str] = field(default_factory=list)


def block_types(body: Body, skip: frozenset[str] = frozenset()) -> list[str]:
    """Return the nested block types of `body` in order of first appearance (dynamic included)."""
    seen: dict[str, None] = {}
    for block in body.blocks:
        kind = _kind(block)
        if kind is not None and kind not in skip:
            seen.setdefault(kind, None)
    return list(seen)


def _kind(block: Block) -> str | None:
    if block.type == "dynamic":
        return block.labels[0] if len(block.labels) == 1 else None
    return block.type


def evaluate_blocks(body: Body, block_type: str, env: Env, line: int | None = None) -> BlockList:
    """Return all blocks of `block_type` in `body`; `line` overrides lines inside a dynamic."""
    result = BlockList()
    for block in body.blocks:
        if block.type == block_type:
            _append(result, block.body, env, line if line is not None else block.line)
        elif block.type == "dynamic" and block.labels == (block_type,):
            _expand_dynamic(result, block, env, line if line is not None else block.line)
    return result


def _append(result: BlockList, body: Body, env: Env, line: int | None) -> None:
    position = str(len(result.items))
    values, lines, uncertain = evaluate_body(body, env, line)
    result.items.append(values)
    result.lines[position] = line
    result.lines.update({f"{position}.{path}": at for path, at in lines.items()})
    result.uncertain.extend(uncertain)


def evaluate_body(
    body: Body, env: Env, line: int | None = None
) -> tuple[dict[str, Val], dict[str, int | None], list[str]]:
    """Return (attribute values without nulls, nested block lines, uncertainties) of a block."""
    values: dict[str, Val] = {}
    for name, attr in body.attributes.items():
        value = evaluate_unit(attr.expr, env)
        if value is not None:
            values[name] = value
    lines: dict[str, int | None] = {}
    uncertain: list[str] = []
    for kind in block_types(body):
        nested = evaluate_blocks(body, kind, env, line)
        values[kind] = list(nested.items)
        lines.update({f"{kind}.{path}": at for path, at in nested.lines.items()})
        uncertain.extend(nested.uncertain)
    return values, lines, uncertain


def _expand_dynamic(result: BlockList, block: Block, env: Env, line: int | None) -> None:
    label = block.labels[0]
    iterator = label
    iterator_attr = block.body.attributes.get("iterator")
    if iterator_attr is not None and isinstance(iterator_attr.expr, Name):
        iterator = iterator_attr.expr.name
    contents = [b.body for b in block.body.blocks if b.type == "content"]
    content = contents[0] if contents else Body()
    for_each = block.body.attributes.get("for_each")
    collection = evaluate_unit(for_each.expr, env) if for_each else Unknown("for_each is missing")
    if is_opaque(collection) or not isinstance(collection, list | dict):
        reason = (
            to_unknown(collection).reason if is_opaque(collection) else "it is not a collection"
        )
        result.uncertain.append(
            f'dynamic "{label}" for_each is unknown ({reason}); one block stands for any number'
        )
        unknown = Unknown(f'the iterator of dynamic "{label}" is unknown ({reason})')
        _append(result, content, env.bind({iterator: {"key": unknown, "value": unknown}}), line)
        return
    pairs: list[tuple[Val, Val]] = (
        list(enumerate(collection))
        if isinstance(collection, list)
        else list(sorted_items(collection))
    )
    for key, value in pairs:
        _append(result, content, env.bind({iterator: {"key": key, "value": value}}), line)
