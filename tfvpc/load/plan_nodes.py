"""Configuration as seen from a value path, and ``after_unknown`` markers (§3.2, §3.3).

Walking a planned value, each path meets configuration in one of these states: no configuration
at all, an attribute the configuration leaves unset, something below such an attribute, one or
more blocks, or one expression whose references cover everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from tfvpc.load.plan_address import Step
from tfvpc.load.plan_config import all_references, is_expression, references

# Values and markers nested deeper than this are unknown rather than a RecursionError.
MAX_DEPTH = 100
# Stands for "several unknown values share one expression's references".
SHARED = 2


@dataclass(frozen=True)
class NoConfig:
    """The plan records no configuration for this resource."""


@dataclass(frozen=True)
class Absent:
    """The configuration block exists and does not set this attribute."""


@dataclass(frozen=True)
class Unconfigured:
    """Below an attribute the configuration does not set (dynamic blocks are not recorded)."""


class Blocks(NamedTuple):
    """One or more configured blocks; several are merged when their order cannot be matched.

    Named tuples, this and `Expression`: one is made per instance and configured attribute.
    """

    bodies: tuple[dict[str, object], ...]


class Expression(NamedTuple):
    """One expression (or a merge of several) covering the value and everything below it.

    `holes` counts the unknown values it produces. When it produces several, which of its
    references feeds which unknown value is not recorded, so none is pinned to one of them.
    """

    references: tuple[str, ...]
    holes: int = 1


Node = NoConfig | Absent | Unconfigured | Blocks | Expression


def node_of(found: list[object]) -> Node:
    """Return the node for one attribute's configuration, as found in each merged block body.

    Blocks (an object, or a list of objects, per body) stay blocks; anything else is treated
    as one expression holding every reference found.
    """
    if len(found) == 1:
        # The usual case, one attribute set by one expression: its own references.
        own = references(found[0])
        if own is not None:
            return Expression(own)
    bodies: list[dict[str, object]] = []
    for entry in found:
        for item in entry if isinstance(entry, list) else [entry]:
            if not isinstance(item, dict) or is_expression(item):
                return Expression(all_references(found))
            bodies.append(item)
    return Blocks(tuple(bodies))


def child(node: Node, step: Step) -> Node:
    """Return the configuration node for `step` below `node`."""
    if isinstance(node, (NoConfig, Expression)):
        return node
    if isinstance(node, (Absent, Unconfigured)):
        return Unconfigured()
    if isinstance(step, tuple):
        # Block lists are sets or lists whose order in `after` need not match the configuration
        # order; a single block matches, several are merged.
        return node
    bodies = node.bodies
    if len(bodies) == 1:
        # One block, as most resources have: no list building.
        body = bodies[0]
        return node_of([body[step]]) if step in body else Absent()
    found = [body[step] for body in bodies if step in body]
    return node_of(found) if found else Absent()


def is_unknown_anywhere(marker: object, depth: int = 0) -> bool:
    """Return True if an ``after_unknown`` marker is true at or below this point."""
    if marker is True or depth > MAX_DEPTH:
        return True
    if isinstance(marker, dict):
        items: Iterable[object] = marker.values()
    elif isinstance(marker, list):
        items = marker
    else:
        return False
    # A plain loop rather than any(<generator>): markers are mostly flat and short, and this
    # runs for every instance and attribute, so the generator's setup cost dominates.
    for item in items:
        # A falsy marker (false, null, {}, []) is unknown only past the depth guard: no call.
        if item is True or ((item or depth >= MAX_DEPTH) and is_unknown_anywhere(item, depth + 1)):
            return True
    return False


def count_unknown(marker: object, depth: int = 0) -> int:
    """Return how many values an ``after_unknown`` marker marks unknown at or below it."""
    if marker is True:
        return 1
    items: list[object] = []
    if isinstance(marker, dict):
        items = list(marker.values())
    elif isinstance(marker, list):
        items = list(marker)
    if depth > MAX_DEPTH:
        return SHARED
    return sum(count_unknown(item, depth + 1) for item in items)
