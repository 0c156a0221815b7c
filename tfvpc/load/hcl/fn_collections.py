"""Collection functions (R-EVAL-9) with Terraform's exact semantics.

Functions that only move elements around (concat, element, lookup, flatten, slice, ...) never
look inside them, so `Ref`s survive (R-EVAL-2); functions that compare or convert elements
raise `NotKnown` when they meet one.
"""

from __future__ import annotations

from tfvpc.load.hcl.fn_support import VARIADIC, Function, arity, bounded, graphemes
from tfvpc.load.hcl.values import (
    EvalError,
    NotKnown,
    Val,
    hcl_equal,
    is_opaque,
    need_bool,
    need_int,
    need_list,
    need_map,
    need_number,
    need_string,
    set_sorted,
    sorted_items,
    to_unknown,
)
from tfvpc.load.resources import Ref, Unknown

# Attributes that are never empty once known, so a Ref to one is a non-empty string.
_NON_EMPTY_ATTRS = frozenset({"id", "arn"})


def _length(args: list[Val]) -> Val:
    arity(args, 1)
    value = args[0]
    if isinstance(value, list | dict):
        return len(value)
    if isinstance(value, str):
        return len(graphemes(value))
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError("argument must be a list, map or string")


def _concat(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    result: list[Val] = []
    for arg in args:
        result.extend(need_list(arg, "each argument"))
    return result


def _merge(args: list[Val]) -> Val:
    result: dict[str, Val] = {}
    for arg in args:
        if arg is None:
            continue
        result.update(need_map(arg, "each argument"))
    return result


def _lookup(args: list[Val]) -> Val:
    arity(args, 2, 3)
    mapping = need_map(args[0], "the first argument")
    key = need_string(args[1], "the key")
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise EvalError(f"the map has no key {key!r} and no default was given")


def _element(args: list[Val]) -> Val:
    arity(args, 2)
    items = need_list(args[0], "the first argument")
    position = need_int(args[1], "the index")
    if not items:
        raise EvalError("cannot use element function with an empty list")
    return items[position % len(items)]  # modulo, so negative indexes count from the end


def _keys(args: list[Val]) -> Val:
    arity(args, 1)
    return [key for key, _ in sorted_items(need_map(args[0]))]


def _values(args: list[Val]) -> Val:
    arity(args, 1)
    return [value for _, value in sorted_items(need_map(args[0]))]


def _flatten(args: list[Val]) -> Val:
    arity(args, 1)
    result: list[Val] = []
    _flatten_into(need_list(args[0]), result)
    return result


def _flatten_into(items: list[Val], out: list[Val]) -> None:
    for item in items:
        if isinstance(item, list):
            _flatten_into(item, out)
        elif isinstance(item, Unknown):
            raise NotKnown(item)  # it might be a list that would be flattened
        else:
            out.append(item)


def _distinct(args: list[Val]) -> Val:
    arity(args, 1)
    result: list[Val] = []
    for item in need_list(args[0]):
        if isinstance(item, Unknown):
            raise NotKnown(item)
        if not any(_same_element(item, seen) for seen in result):
            result.append(item)
    return result


def _same_element(left: Val, right: Val) -> bool:
    """Equality for set-like operations: identical Refs are equal, distinct ids are not."""
    if isinstance(left, Ref) or isinstance(right, Ref):
        if left == right:
            return True
        both_ids = (
            isinstance(left, Ref)
            and isinstance(right, Ref)
            and left.attr in _NON_EMPTY_ATTRS
            and right.attr == left.attr
        )
        if both_ids:
            return False  # two different resources never share an id or ARN
        raise NotKnown(to_unknown(left if isinstance(left, Ref) else right))
    return hcl_equal(left, right)


def _is_non_empty_ref(value: Val) -> bool:
    return isinstance(value, Ref) and value.attr in _NON_EMPTY_ATTRS


def _compact(args: list[Val]) -> Val:
    arity(args, 1)
    result: list[Val] = []
    for item in need_list(args[0]):
        if _is_non_empty_ref(item):
            result.append(item)
        elif item is None or need_string(item) == "":
            continue
        else:
            result.append(need_string(item))
    return result


def _coalesce(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    wants_string = any(isinstance(a, str) for a in args)
    for arg in args:
        if _is_non_empty_ref(arg):
            return arg
        if is_opaque(arg):
            raise NotKnown(to_unknown(arg))
        if arg is None or arg == "":
            continue
        # coalesce unifies its arguments: a number among strings comes back as a string.
        if wants_string and isinstance(arg, bool | int | float):
            return need_string(arg)
        return arg
    raise EvalError("no non-null, non-empty-string arguments")


def _coalescelist(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    for arg in args:
        items = need_list(arg, "each argument")
        if items:
            return items
    raise EvalError("no non-null arguments")


def _contains(args: list[Val]) -> Val:
    arity(args, 2)
    items = need_list(args[0], "the first argument")
    undecided = [item for item in items if _compare_or_none(item, args[1]) is None]
    if any(_compare_or_none(item, args[1]) for item in items):
        return True
    if undecided:
        raise NotKnown(to_unknown(undecided[0] if is_opaque(undecided[0]) else args[1]))
    return False


def _compare_or_none(left: Val, right: Val) -> bool | None:
    """Return whether two elements are equal, or None when that is not known."""
    try:
        return _same_element(left, right)
    except NotKnown:
        return None


def _index(args: list[Val]) -> Val:
    arity(args, 2)
    for position, item in enumerate(need_list(args[0], "the first argument")):
        if _same_element(item, args[1]):
            return position
    raise EvalError("item not found")


def _slice(args: list[Val]) -> Val:
    arity(args, 3)
    start = need_int(args[1], "the start index")
    end = need_int(args[2], "the end index")
    if isinstance(args[0], Ref | Unknown):
        if start < 0:
            raise EvalError("start index must not be less than zero")
        if start > end:
            raise EvalError("start index must not be greater than end index")
        return _slice_unknown(args[0], start, end)
    items = need_list(args[0], "the first argument")
    if start < 0:
        raise EvalError("start index must not be less than zero")
    if start > len(items):
        raise EvalError("start index must not be greater than the length of the list")
    if end < 0:
        raise EvalError("end index must not be less than zero")
    if end > len(items):
        raise EvalError("end index must not be greater than the length of the list")
    if start > end:
        raise EvalError("start index must not be greater than end index")
    return items[start:end]


def _slice_unknown(items: Ref | Unknown, start: int, end: int) -> list[Val]:
    """Return ``slice(items, start, end)`` of a list whose elements are not known yet.

    slice() fails unless ``end`` is within the list, so in any configuration that applies the
    result has exactly ``end - start`` elements, each as unknown as the list: the idiom
    ``slice(data.aws_availability_zones.available.names, 0, 3)`` gives three unknown zones.
    """
    bounded(end - start, "the slice")
    if isinstance(items, Ref):
        return [Ref(items.address, f"{items.attr}.{position}") for position in range(start, end)]
    return [items] * (end - start)


def _reverse(args: list[Val]) -> Val:
    arity(args, 1)
    return list(reversed(need_list(args[0])))


def _sort(args: list[Val]) -> Val:
    arity(args, 1)
    strings: list[Val] = [need_string(item, "each element") for item in need_list(args[0])]
    return sorted(strings, key=str)


def _zipmap(args: list[Val]) -> Val:
    arity(args, 2)
    keys = need_list(args[0], "the keys")
    values = need_list(args[1], "the values")
    if len(keys) != len(values):
        raise EvalError(f"number of keys ({len(keys)}) does not match values ({len(values)})")
    return {need_string(k, "each key"): v for k, v in zip(keys, values, strict=True)}


def _one(args: list[Val]) -> Val:
    arity(args, 1)
    items = need_list(args[0])
    if len(items) > 1:
        raise EvalError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


def _all_any(args: list[Val], want: bool) -> Val:
    arity(args, 1)
    pending: NotKnown | None = None
    for item in need_list(args[0]):
        if is_opaque(item):
            pending = pending or NotKnown(to_unknown(item))
            continue
        if need_bool(item, "each element") is not want:
            return not want
    if pending is not None:
        raise pending
    return want


def _alltrue(args: list[Val]) -> Val:
    return _all_any(args, True)


def _anytrue(args: list[Val]) -> Val:
    return _all_any(args, False)


def _chunklist(args: list[Val]) -> Val:
    arity(args, 2)
    items = need_list(args[0])
    size = need_int(args[1], "the size")
    if size < 0:
        raise EvalError("the size argument must be positive")
    if size == 0:
        return [items]
    return [items[i : i + size] for i in range(0, len(items), size)]


def _set_elements(value: Val) -> list[Val]:
    items = need_list(value, "each argument")
    for item in items:
        if is_opaque(item) and not _is_non_empty_ref(item):
            raise NotKnown(to_unknown(item))
    return items


def _setunion(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    merged: list[Val] = []
    for arg in args:
        merged.extend(_set_elements(arg))
    return _as_set(merged)


def _setintersection(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    result = _as_set(_set_elements(args[0]))
    for arg in args[1:]:
        other = _set_elements(arg)
        result = [i for i in result if any(_same_element(i, o) for o in other)]
    return result


def _setsubtract(args: list[Val]) -> Val:
    arity(args, 2)
    other = _set_elements(args[1])
    return [
        i for i in _as_set(_set_elements(args[0])) if not any(_same_element(i, o) for o in other)
    ]


def _setproduct(args: list[Val]) -> Val:
    arity(args, 2, VARIADIC)
    lists = [need_list(arg) for arg in args]
    size = 1
    for items in lists:
        size *= len(items)
    bounded(size, "setproduct() result")
    product: list[list[Val]] = [[]]
    for items in lists:
        product = [[*prefix, item] for prefix in product for item in items]
    return list(product)


def _as_set(items: list[Val]) -> list[Val]:
    unique: list[Val] = []
    for item in items:
        if not any(_same_element(item, seen) for seen in unique):
            unique.append(item)
    return set_sorted(unique) if not any(isinstance(i, Ref) for i in unique) else unique


def _transpose(args: list[Val]) -> Val:
    arity(args, 1)
    result: dict[str, list[Val]] = {}
    for key, values in sorted_items(need_map(args[0])):
        for value in need_list(values):
            result.setdefault(need_string(value), []).append(key)
    transposed: dict[str, Val] = {}
    for key in sorted(result):
        transposed[key] = sorted(result[key], key=str)
    return transposed


def _matchkeys(args: list[Val]) -> Val:
    arity(args, 3)
    values = need_list(args[0])
    keys = need_list(args[1])
    search = need_list(args[2])
    if len(values) != len(keys):
        raise EvalError("length of keys and values should be equal")
    return [v for v, k in zip(values, keys, strict=True) if any(hcl_equal(k, s) for s in search)]


def _range(args: list[Val]) -> Val:
    arity(args, 1, 3)
    numbers = [need_number(a) for a in args]
    start: int | float = 0
    step: int | float = 1
    if len(numbers) == 1:
        limit = numbers[0]
    else:
        start, limit = numbers[0], numbers[1]
        step = numbers[2] if len(numbers) == 3 else (1 if limit >= start else -1)
    if step == 0:
        raise EvalError("step must not be zero")
    if (step > 0 and start > limit) or (step < 0 and start < limit):
        raise EvalError("start and limit are in the wrong order for the step")
    result: list[Val] = []
    current = start
    while (step > 0 and current < limit) or (step < 0 and current > limit):
        if len(result) >= 1024:
            # Terraform caps range() at 1024 elements.
            raise EvalError("more than 1024 values were generated")
        result.append(current)
        current += step
    return result


FUNCTIONS: dict[str, Function] = {
    "length": _length,
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "element": _element,
    "keys": _keys,
    "values": _values,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": _compact,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "contains": _contains,
    "index": _index,
    "slice": _slice,
    "reverse": _reverse,
    "sort": _sort,
    "zipmap": _zipmap,
    "one": _one,
    "alltrue": _alltrue,
    "anytrue": _anytrue,
    "chunklist": _chunklist,
    "setunion": _setunion,
    "setintersection": _setintersection,
    "setsubtract": _setsubtract,
    "setproduct": _setproduct,
    "transpose": _transpose,
    "matchkeys": _matchkeys,
    "range": _range,
}
