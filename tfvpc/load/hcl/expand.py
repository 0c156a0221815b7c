"""``count`` and ``for_each`` on resources and module calls (R-EVAL-5), and instance addresses.

A known count gives indexes ``0..n-1``; a known for_each gives one instance per map key or
set element, in Terraform's (sorted) order. An unknown or invalid multiplicity gives exactly
one instance flagged uncertain, whose ``count.index``/``each.*`` are unknown - never zero.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from tfvpc.load.hcl.evaluate import Env, evaluate_unit
from tfvpc.load.hcl.syntax import Body
from tfvpc.load.hcl.values import EvalError, NotKnown, Val, is_opaque, need_int, to_unknown
from tfvpc.load.resources import Unknown

MAX_INSTANCES = 100_000
UNKNOWN_KEY = "<unknown>"


class ExpansionTooLarge(Exception):
    """A count or for_each asks for more instances than tfvpc will expand."""


@dataclass(frozen=True)
class InstanceKey:
    """One instance: its index (None without count/for_each) and the names it binds."""

    index: int | str | None
    bindings: Mapping[str, Val] = field(default_factory=dict)


@dataclass(frozen=True)
class Expansion:
    """The instances of one resource or module call."""

    mode: Literal["single", "count", "for_each"]
    keys: tuple[InstanceKey, ...]
    uncertain: str | None = None


SINGLE = Expansion("single", (InstanceKey(None),))


def index_suffix(index: int | str | None) -> str:
    """Return the address suffix for an instance index: ``[0]``, ``["a"]`` or nothing."""
    if index is None:
        return ""
    if isinstance(index, int):
        return f"[{index}]"
    return f"[{json.dumps(index, ensure_ascii=False)}]"


def expand(body: Body, env: Env, what: str) -> Expansion:
    """Return the instances declared by the ``count``/``for_each`` of `body` (`what` names it).

    Raises `ExpansionTooLarge` above `MAX_INSTANCES`.
    """
    if "count" in body.attributes:
        return _count(evaluate_unit(body.attributes["count"].expr, env), what)
    if "for_each" in body.attributes:
        return _for_each(evaluate_unit(body.attributes["for_each"].expr, env), what)
    return SINGLE


def _uncertain_count(what: str, reason: str) -> Expansion:
    index = Unknown(f"count.index of {what} is unknown because its count is unknown")
    return Expansion(
        "count", (InstanceKey(0, {"count": {"index": index}}),), f"count of {what} is {reason}"
    )


def _count(value: Val, what: str) -> Expansion:
    if is_opaque(value):
        return _uncertain_count(what, f"unknown ({to_unknown(value).reason})")
    try:
        if value is None:
            raise EvalError("null")
        number = need_int(value, "count")
    except (EvalError, NotKnown) as error:
        return _uncertain_count(what, f"invalid ({error})")
    if number < 0:
        return _uncertain_count(what, f"invalid ({number} is negative)")
    if number > MAX_INSTANCES:
        raise ExpansionTooLarge(f"count of {what} is {number}; at most {MAX_INSTANCES} expanded")
    return Expansion("count", tuple(InstanceKey(i, {"count": {"index": i}}) for i in range(number)))


def _uncertain_each(what: str, reason: str) -> Expansion:
    unknown = Unknown(f"each.key/each.value of {what} are unknown because its for_each is")
    bindings: dict[str, Val] = {"each": {"key": unknown, "value": unknown}}
    return Expansion(
        "for_each", (InstanceKey(UNKNOWN_KEY, bindings),), f"for_each of {what} is {reason}"
    )


def _for_each(value: Val, what: str) -> Expansion:
    if is_opaque(value):
        return _uncertain_each(what, f"unknown ({to_unknown(value).reason})")
    pairs: list[tuple[str, Val]]
    if isinstance(value, dict):
        pairs = sorted(value.items())
    elif isinstance(value, list):
        opaque = next((item for item in value if is_opaque(item)), None)
        if opaque is not None:
            return _uncertain_each(what, f"unknown ({to_unknown(opaque).reason})")
        if not all(isinstance(item, str) for item in value):
            return _uncertain_each(what, "invalid (it must be a map or a set of strings)")
        pairs = [(str(item), item) for item in sorted({str(item) for item in value})]
    else:
        return _uncertain_each(what, "invalid (it must be a map or a set of strings)")
    if len(pairs) > MAX_INSTANCES:
        raise ExpansionTooLarge(
            f"for_each of {what} has {len(pairs)} elements; at most {MAX_INSTANCES} expanded"
        )
    return Expansion(
        "for_each",
        tuple(InstanceKey(key, {"each": {"key": key, "value": item}}) for key, item in pairs),
    )
