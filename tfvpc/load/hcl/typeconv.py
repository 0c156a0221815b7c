"""Variable type constraints and conversion of values to them (R-EVAL-3).

Supports ``string``, ``number``, ``bool``, ``any``, ``list(T)``, ``set(T)``, ``map(T)``,
``tuple([...])``, ``object({...})`` with ``optional(T, default)``, and the legacy quoted forms
(``"string"``, ``"list"``, ``"map"``). Conversion follows cty: numbers and bools convert to
strings, numeric strings to numbers, ``"true"``/``"false"`` to bools, objects to maps; an
optional attribute that is absent or null takes its default.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfvpc.load.hcl.evaluate import Env, evaluate
from tfvpc.load.hcl.fn_convert import unify_primitives
from tfvpc.load.hcl.syntax import Call, Expr, Literal, Name, ObjectExpr, TupleExpr
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
)


@dataclass(frozen=True)
class Primitive:
    """``string``, ``number`` or ``bool``."""

    kind: str


@dataclass(frozen=True)
class AnyType:
    """``any``: the value keeps its own type."""


@dataclass(frozen=True)
class Collection:
    """``list(T)``, ``set(T)`` or ``map(T)``."""

    kind: str
    element: TypeSpec


@dataclass(frozen=True)
class TupleType:
    """``tuple([T1, T2, ...])``."""

    elements: tuple[TypeSpec, ...]


@dataclass(frozen=True, eq=False)
class ObjectAttr:
    """One attribute of an object type; `default` applies when optional and absent or null."""

    type: TypeSpec
    optional: bool = False
    default: Val = None


@dataclass(frozen=True, eq=False)
class ObjectType:
    """``object({name = T, ...})``."""

    attrs: tuple[tuple[str, ObjectAttr], ...]


TypeSpec = Primitive | AnyType | Collection | TupleType | ObjectType

_CONSTANT = Env(None)
_PRIMITIVES = ("string", "number", "bool")


def parse_type(expr: Expr) -> TypeSpec:
    """Return the type constraint written as `expr`; raises `EvalError` if it is not one."""
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return _legacy_type(expr.value)
    if isinstance(expr, Name):
        if expr.name in _PRIMITIVES:
            return Primitive(expr.name)
        if expr.name == "any":
            return AnyType()
        if expr.name in ("list", "set", "map"):
            return Collection(expr.name, AnyType())
        raise EvalError(f"unknown type {expr.name!r}")
    if isinstance(expr, Call) and len(expr.args) == 1:
        argument = expr.args[0]
        if expr.name in ("list", "set", "map"):
            return Collection(expr.name, parse_type(argument))
        if expr.name == "tuple" and isinstance(argument, TupleExpr):
            return TupleType(tuple(parse_type(item) for item in argument.items))
        if expr.name == "object" and isinstance(argument, ObjectExpr):
            return ObjectType(tuple(_object_attr(key, value) for key, value in argument.items))
    raise EvalError("invalid type constraint")


def _legacy_type(name: str) -> TypeSpec:
    if name == "string":
        return Primitive("string")
    if name in ("list", "map"):
        return Collection(name, AnyType())
    raise EvalError(f"invalid legacy type {name!r}")


def _object_attr(key: Expr, value: Expr) -> tuple[str, ObjectAttr]:
    if not isinstance(key, Literal) or not isinstance(key.value, str):
        raise EvalError("object type attribute names must be plain names")
    if isinstance(value, Call) and value.name == "optional" and 1 <= len(value.args) <= 2:
        attr_type = parse_type(value.args[0])
        default = evaluate(value.args[1], _CONSTANT) if len(value.args) == 2 else None
        return key.value, ObjectAttr(attr_type, True, convert(default, attr_type))
    return key.value, ObjectAttr(parse_type(value))


def is_primitive(spec: TypeSpec | None) -> bool:
    """Return True for string/number/bool (``-var`` values of those are taken literally)."""
    return isinstance(spec, Primitive)


def convert(value: Val, spec: TypeSpec) -> Val:
    """Return `value` converted to `spec`; unknown parts stay unknown. Raises `EvalError`."""
    if value is None or is_opaque(value) or isinstance(spec, AnyType):
        return value
    try:
        return _convert_known(value, spec)
    except NotKnown:
        return value


def _convert_known(value: Val, spec: TypeSpec) -> Val:
    if isinstance(spec, Primitive):
        if isinstance(value, list | dict):
            raise EvalError(f"a {spec.kind} is required, not a collection")
        if spec.kind == "string":
            return need_string(value)
        if spec.kind == "number":
            return need_number(value)
        return need_bool(value)
    if isinstance(spec, Collection):
        if spec.kind == "map":
            items = need_map(value, "the value")
            converted = {key: convert(item, spec.element) for key, item in items.items()}
            if isinstance(spec.element, AnyType):
                return dict(zip(converted, unify_primitives(list(converted.values())), strict=True))
            return converted
        elements = [convert(item, spec.element) for item in need_list(value, "the value")]
        if isinstance(spec.element, AnyType):
            elements = unify_primitives(elements)
        return set_sorted(elements) if spec.kind == "set" else elements
    if isinstance(spec, TupleType):
        members = need_list(value, "the value")
        if len(members) != len(spec.elements):
            raise EvalError(f"a tuple of {len(spec.elements)} elements is required")
        return [convert(i, t) for i, t in zip(members, spec.elements, strict=True)]
    assert isinstance(spec, ObjectType)
    return _convert_object(need_map(value, "the value"), spec)


def _convert_object(mapping: dict[str, Val], spec: ObjectType) -> Val:
    result: dict[str, Val] = {}
    for name, attr in spec.attrs:
        present = mapping.get(name)
        if present is None:
            if not attr.optional and name not in mapping:
                raise EvalError(f"attribute {name!r} is required")
            result[name] = attr.default if attr.optional else None
        else:
            result[name] = convert(present, attr.type)
    return result
