"""HCL arithmetic, comparison, logical and unary operators over evaluator values."""

from __future__ import annotations

import math

from tfvpc.load.hcl.values import (
    EvalError,
    NotKnown,
    Val,
    hcl_equal,
    is_opaque,
    need_bool,
    need_number,
    normalize_number,
    to_unknown,
)


def binary(op: str, left: Val, right: Val) -> Val:
    """Return ``left op right``; unknown operands give an `Unknown` (R-EVAL-2)."""
    if op in ("&&", "||"):
        return _logical(op, left, right)
    try:
        if op == "==":
            return hcl_equal(left, right)
        if op == "!=":
            return not hcl_equal(left, right)
        a = need_number(left, f"left operand of {op}")
        b = need_number(right, f"right operand of {op}")
    except NotKnown as unknown:
        return unknown.unknown
    if op in ("<", ">", "<=", ">="):
        return _compare(op, a, b)
    return _arithmetic(op, a, b)


def _logical(op: str, left: Val, right: Val) -> Val:
    # A known operand that decides the result makes the other irrelevant (false && x, true || x).
    decisive = op == "||"
    for operand in (left, right):
        if not is_opaque(operand) and need_bool(operand, f"operand of {op}") is decisive:
            return decisive
    for operand in (left, right):
        if is_opaque(operand):
            return to_unknown(operand)
    return not decisive


def _compare(op: str, a: int | float, b: int | float) -> bool:
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b


def _arithmetic(op: str, a: int | float, b: int | float) -> int | float:
    if op == "+":
        return normalize_number(a + b)
    if op == "-":
        return normalize_number(a - b)
    if op == "*":
        return normalize_number(a * b)
    if b == 0:
        if op == "%":
            return a  # cty: x % 0 is x
        if a == 0:
            raise EvalError("can't divide zero by zero")
        return math.copysign(math.inf, a)  # cty divides with big.Float: x / 0 is infinity
    if op == "/":
        if isinstance(a, int) and isinstance(b, int) and a % b == 0:
            return a // b
        return normalize_number(a / b)
    # cty's modulo truncates toward zero: the result has the sign of the dividend.
    if isinstance(a, float) or isinstance(b, float):
        return normalize_number(math.fmod(a, b))
    return _int_mod(a, b)


def _int_mod(a: int, b: int) -> int:
    result = abs(a) % abs(b)
    return -result if a < 0 else result


def unary(op: str, operand: Val) -> Val:
    """Return ``-operand`` or ``!operand``."""
    try:
        if op == "!":
            return not need_bool(operand, "operand of !")
        return normalize_number(-need_number(operand, "operand of -"))
    except NotKnown as unknown:
        return unknown.unknown
