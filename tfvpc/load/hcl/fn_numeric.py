"""Numeric functions (R-EVAL-9): min, max, abs, ceil, floor, sum, signum, pow, log, parseint."""

from __future__ import annotations

import math

from tfvpc.load.hcl.fn_support import VARIADIC, Function, arity
from tfvpc.load.hcl.values import (
    EvalError,
    Val,
    need_int,
    need_list,
    need_number,
    need_string,
    normalize_number,
)


def _min(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    return min(need_number(a) for a in args)


def _max(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    return max(need_number(a) for a in args)


def _abs(args: list[Val]) -> Val:
    arity(args, 1)
    return abs(need_number(args[0]))


def _ceil(args: list[Val]) -> Val:
    arity(args, 1)
    number = need_number(args[0])
    return number if math.isinf(number) else math.ceil(number)


def _floor(args: list[Val]) -> Val:
    arity(args, 1)
    number = need_number(args[0])
    return number if math.isinf(number) else math.floor(number)


def _sum(args: list[Val]) -> Val:
    arity(args, 1)
    items = need_list(args[0])
    if not items:
        raise EvalError("cannot sum an empty list")
    total: int | float = 0
    for item in items:
        if item is None:
            raise EvalError("argument must be list, set, or tuple of number values")
        total += need_number(item)
    return normalize_number(total)


def _signum(args: list[Val]) -> Val:
    arity(args, 1)
    number = need_number(args[0])
    return (number > 0) - (number < 0)


def _pow(args: list[Val]) -> Val:
    arity(args, 2)
    base = need_number(args[0])
    exponent = need_number(args[1])
    try:
        return normalize_number(math.pow(base, exponent))
    except (OverflowError, ValueError):
        raise EvalError("pow() result is out of range") from None


def _log(args: list[Val]) -> Val:
    arity(args, 2)
    number = need_number(args[0])
    base = need_number(args[1])
    try:
        return normalize_number(math.log(number, base))
    except (ValueError, ZeroDivisionError):
        raise EvalError("log() of an invalid number or base") from None


def _parseint(args: list[Val]) -> Val:
    arity(args, 2)
    text = need_string(args[0], "the number text")
    base = need_int(args[1], "the base")
    if not 2 <= base <= 62:
        raise EvalError("base must be a whole number between 2 and 62 inclusive")
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = text[1:] if text[:1] in "+-" else text
    if not body:
        raise EvalError(f"cannot parse {text!r} as a base {base} integer")
    value = 0
    for char in body:
        # Up to base 36 letters are case-insensitive, as in Go's big.Int.SetString.
        digit = digits.find(char.lower() if base <= 36 else char)
        if not 0 <= digit < base:
            raise EvalError(f"cannot parse {text!r} as a base {base} integer")
        value = value * base + digit
    return -value if text.startswith("-") else value


FUNCTIONS: dict[str, Function] = {
    "min": _min,
    "max": _max,
    "abs": _abs,
    "ceil": _ceil,
    "floor": _floor,
    "sum": _sum,
    "signum": _signum,
    "pow": _pow,
    "log": _log,
    "parseint": _parseint,
}
