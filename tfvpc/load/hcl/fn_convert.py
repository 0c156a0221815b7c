"""Type conversion functions (R-EVAL-9): tostring, tonumber, tobool, tolist, toset, tomap."""

from __future__ import annotations

from tfvpc.load.hcl.fn_support import Function, arity
from tfvpc.load.hcl.values import (
    EvalError,
    NotKnown,
    Val,
    is_opaque,
    need_bool,
    need_list,
    need_map,
    need_number,
    need_string,
    set_sorted,
    to_unknown,
    type_name,
)
from tfvpc.load.resources import Ref


def unify_primitives(items: list[Val]) -> list[Val]:
    """Return `items` converted to one element type, as cty does for lists, sets and maps.

    A mix of strings with numbers or bools becomes all strings; a mix of numbers and bools
    cannot be unified. Collections are left alone.
    """
    kinds = {type_name(i) for i in items if i is not None and not is_opaque(i)}
    if "string" in kinds and kinds <= {"string", "number", "bool"}:
        return [
            i if i is None or isinstance(i, str) or is_opaque(i) else need_string(i) for i in items
        ]
    if kinds == {"number", "bool"}:
        raise EvalError("cannot unify number and bool elements")
    return items


def _tostring(args: list[Val]) -> Val:
    arity(args, 1)
    value = args[0]
    if value is None or isinstance(value, Ref):
        return value  # a reference to an id is still that (string) id
    if isinstance(value, list | dict):
        raise EvalError(f"cannot convert a {type_name(value)} to a string")
    return need_string(value)


def _tonumber(args: list[Val]) -> Val:
    arity(args, 1)
    return None if args[0] is None else need_number(args[0])


def _tobool(args: list[Val]) -> Val:
    arity(args, 1)
    return None if args[0] is None else need_bool(args[0])


def _tolist(args: list[Val]) -> Val:
    arity(args, 1)
    if args[0] is None:
        return None
    return unify_primitives(list(need_list(args[0])))


def _toset(args: list[Val]) -> Val:
    arity(args, 1)
    if args[0] is None:
        return None
    items = unify_primitives(list(need_list(args[0])))
    for item in items:
        if is_opaque(item) and not isinstance(item, Ref):
            raise NotKnown(to_unknown(item))  # unknown elements may collapse into one
    return set_sorted(items)


def _tomap(args: list[Val]) -> Val:
    arity(args, 1)
    if args[0] is None:
        return None
    mapping = need_map(args[0])
    values = unify_primitives(list(mapping.values()))
    return dict(zip(mapping.keys(), values, strict=True))


FUNCTIONS: dict[str, Function] = {
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": _tolist,
    "toset": _toset,
    "tomap": _tomap,
}
