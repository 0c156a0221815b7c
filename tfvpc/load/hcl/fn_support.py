"""Helpers shared by the built-in function modules: arity checks and grapheme clusters."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from tfvpc.load.hcl.values import EvalError, NotKnown, Val
from tfvpc.load.resources import Unknown

Function = Callable[[list[Val]], Val]

_ZWJ = "\u200d"


def arity(args: list[Val], minimum: int, maximum: int | None = None) -> None:
    """Raise `EvalError` unless ``minimum <= len(args) <= maximum`` (None: no upper bound)."""
    upper = minimum if maximum is None else maximum
    if len(args) < minimum or (upper >= 0 and len(args) > upper):
        if minimum == upper:
            raise EvalError(f"takes {minimum} argument(s), got {len(args)}")
        if upper < 0:
            raise EvalError(f"takes at least {minimum} argument(s), got {len(args)}")
        raise EvalError(f"takes {minimum} to {upper} arguments, got {len(args)}")


VARIADIC = -1
"""`arity` maximum meaning any number of further arguments."""

MAX_RESULT_SIZE = 1_000_000
"""Largest string or collection a function builds; beyond it the result is left unknown."""


def bounded(size: int, what: str) -> int:
    """Return `size`, or raise `NotKnown` if building that much would stall the scan."""
    if size > MAX_RESULT_SIZE:
        raise NotKnown(Unknown(f"{what} ({size}) is too large to evaluate statically"))
    return size


def graphemes(text: str) -> list[str]:
    """Return `text` split into user-perceived characters, as Terraform counts them.

    Covers the cases that occur in configuration: combining marks, variation selectors,
    zero-width-joiner sequences, regional-indicator flag pairs and CR LF.
    """
    clusters: list[str] = []
    for char in text:
        if clusters and _extends(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _extends(cluster: str, char: str) -> bool:
    if cluster[-1] == "\r" and char == "\n":
        return True
    if char == _ZWJ or cluster[-1] == _ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if _is_regional(char) and _is_regional(cluster[-1]):
        return sum(1 for c in cluster if _is_regional(c)) % 2 == 1
    return False


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"
