"""Runtime values of the static evaluator and the conversions HCL applies between them.

A value is JSON-like data, a `Ref` to an attribute of a managed resource (known only after
apply), an `Unknown`, or a `LazyObject` (a namespace such as ``var`` or a resource or module
object whose attributes are evaluated on demand). R-EVAL-2: unknowns propagate; a function
that needs a concrete value and gets a `Ref` or `Unknown` raises `NotKnown`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import TypeAlias

from tfvpc.load.resources import Ref, Unknown
from tfvpc.load.resources import Value as PlainValue


class LazyObject(ABC):
    """An object whose attributes are computed when traversed (namespaces, resources, modules)."""

    @abstractmethod
    def get_attr(self, name: str) -> Val:
        """Return the value of attribute `name`; raises `EvalError` if it does not exist."""

    @abstractmethod
    def describe(self) -> str:
        """Return how the object is referred to in configuration (``aws_vpc.main``, ``var``)."""

    def as_ref(self) -> Ref | None:
        """Return the reference this object stands for as a linked value, if any."""
        return None


Val: TypeAlias = (
    "bool | int | float | str | list[Val] | dict[str, Val] | Ref | Unknown | LazyObject | None"
)


class BlockDict(dict[str, "Val"]):
    """A configured nested block of a resource instance, as another resource reads it.

    An attribute the block does not set is computed by the provider (R-TF-3): reading it gives
    a `Ref` (an `Unknown` for data sources), not the error a plain object would give.
    """

    def __init__(self, address: str, path: str, data: bool, items: dict[str, Val]) -> None:
        super().__init__(items)
        self.address = address
        self.path = path
        self.data = data

    def missing(self, name: str) -> Val:
        """Return the value of attribute `name`, which the configuration does not set."""
        attr = f"{self.path}.{name}"
        if self.data:
            return Unknown(
                f"{self.address}.{attr} is read from the provider", (Ref(self.address, attr),)
            )
        return Ref(self.address, attr)


class EvalError(Exception):
    """An expression that Terraform itself would reject (wrong type, missing key, ...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotKnown(Exception):
    """A concrete value was needed but the input is unknown; carries the resulting `Unknown`."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def ref_reason(ref: Ref) -> str:
    """Return the phrase explaining why a reference has no static value."""
    return f"{ref.address}.{ref.attr} is known only after apply"


def to_unknown(value: Val) -> Unknown:
    """Return `value` (a `Ref`, `Unknown` or `LazyObject`) as an `Unknown` with candidates."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Ref):
        return Unknown(ref_reason(value), (value,))
    if isinstance(value, LazyObject):
        ref = value.as_ref()
        return Unknown(
            f"{value.describe()} is an object, not a single value", (ref,) if ref else ()
        )
    raise TypeError(f"not an unknown value: {value!r}")


def candidate_refs(value: Val) -> list[Ref]:
    """Return the references `value` is or may stand for (none for a known value)."""
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, Unknown):
        return list(value.candidates)
    if isinstance(value, LazyObject):
        ref = value.as_ref()
        return [ref] if ref is not None else []
    return []


def is_opaque(value: Val) -> bool:
    """Return True for values whose content is not statically known (Ref, Unknown, object)."""
    return isinstance(value, Ref | Unknown | LazyObject)


def first_opaque(value: Val) -> Val | None:
    """Return the first `Ref`, `Unknown` or `LazyObject` nested anywhere in `value`, if any."""
    if is_opaque(value):
        return value
    if isinstance(value, list):
        for item in value:
            found = first_opaque(item)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = first_opaque(item)
            if found is not None:
                return found
    return None


def require_known(value: Val) -> None:
    """Raise `NotKnown` if any part of `value` is not statically known."""
    found = first_opaque(value)
    if found is not None:
        raise NotKnown(to_unknown(found))


def type_name(value: Val) -> str:
    """Return the HCL type name of `value` for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "unknown value"


def normalize_number(value: int | float) -> int | float:
    """Return an integral float as int (plan JSON prints whole numbers without a fraction)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def number_to_string(value: int | float) -> str:
    """Return the decimal text Terraform uses for a number (no exponent, no trailing zeros)."""
    value = normalize_number(value)
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise EvalError("cannot convert a non-finite number to a string")
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_number(text: str) -> int | float | None:
    """Return the number a string converts to under Terraform's rules, or None."""
    if not _NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    if abs(value.adjusted()) < 400 and value == value.to_integral_value():
        return int(value)
    return float(value)


def need_string(value: Val, what: str = "value") -> str:
    """Return `value` converted to a string (numbers and bools convert, as in Terraform)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError(f"{what} must be a string, not {type_name(value)}")


def need_number(value: Val, what: str = "value") -> int | float:
    """Return `value` as a number (numeric strings convert, as in Terraform)."""
    if isinstance(value, bool):
        raise EvalError(f"{what} must be a number, not bool")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise EvalError(f"{what} must be a number, not {value!r}")
        return number
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError(f"{what} must be a number, not {type_name(value)}")


def need_int(value: Val, what: str = "value") -> int:
    """Return `value` as a whole number."""
    number = need_number(value, what)
    if isinstance(number, float):
        if not number.is_integer():
            raise EvalError(f"{what} must be a whole number, not {number_to_string(number)}")
        return int(number)
    return number


def need_bool(value: Val, what: str = "value") -> bool:
    """Return `value` as a bool (``"true"``/``"false"``/``"1"``/``"0"`` convert)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise EvalError(f"{what} must be a bool, not {value!r}")
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError(f"{what} must be a bool, not {type_name(value)}")


def need_list(value: Val, what: str = "value") -> list[Val]:
    """Return `value` as a list (tuples, lists and sets are all Python lists here)."""
    if isinstance(value, list):
        return value
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError(f"{what} must be a list, not {type_name(value)}")


def need_map(value: Val, what: str = "value") -> dict[str, Val]:
    """Return `value` as a map/object."""
    if isinstance(value, dict):
        return value
    if is_opaque(value):
        raise NotKnown(to_unknown(value))
    raise EvalError(f"{what} must be a map or object, not {type_name(value)}")


def hcl_equal(left: Val, right: Val) -> bool:
    """Return HCL ``==``: same type and value, deeply. Raises `NotKnown` on unknown parts."""
    if isinstance(left, Ref) and left == right:
        return True
    if is_opaque(left):
        raise NotKnown(to_unknown(left))
    if is_opaque(right):
        raise NotKnown(to_unknown(right))
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            hcl_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(hcl_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def set_sorted(items: list[Val]) -> list[Val]:
    """Return the elements of a set in Terraform's order: deduplicated, strings/numbers sorted."""
    unique: list[Val] = []
    for item in items:
        if not any(_same(item, seen) for seen in unique):
            unique.append(item)
    ordered: list[Val] = []
    strings = [i for i in unique if isinstance(i, str)]
    numbers = [i for i in unique if isinstance(i, int | float) and not isinstance(i, bool)]
    if len(strings) == len(unique):
        ordered.extend(sorted(strings))
    elif len(numbers) == len(unique):
        ordered.extend(sorted(numbers))
    else:
        ordered.extend(unique)
    return ordered


def _same(left: Val, right: Val) -> bool:
    try:
        return hcl_equal(left, right)
    except NotKnown:
        return False


def sorted_items(mapping: dict[str, Val]) -> list[tuple[str, Val]]:
    """Return map entries in key order, the order Terraform iterates maps and objects in."""
    return sorted(mapping.items())


def finalize(value: Val) -> PlainValue:
    """Return `value` as front-end output: objects resolved, whole numbers as int."""
    if isinstance(value, LazyObject):
        return to_unknown(value)
    if isinstance(value, float):
        return normalize_number(value)
    if isinstance(value, list):
        return [finalize(item) for item in value]
    if isinstance(value, dict):
        return {key: finalize(item) for key, item in value.items()}
    return value
