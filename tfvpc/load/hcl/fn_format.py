"""format() and formatlist(), following cty's printf-like verbs (R-EVAL-9).

Verbs: ``%v`` (strings as-is, numbers in Go's shortest ``%g``, everything else as JSON),
``%#v`` (JSON), ``%t``, ``%d %b %o %x %X`` (integers), ``%e %E %f %g %G``, ``%s``, ``%q``,
``%%``; flags ``+ - # 0 space``, width, precision and explicit ``[n]`` argument indexes.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tfvpc.load.hcl.fn_encode import json_text
from tfvpc.load.hcl.fn_support import VARIADIC, Function, arity, bounded, graphemes
from tfvpc.load.hcl.values import (
    EvalError,
    Val,
    need_bool,
    need_list,
    need_number,
    need_string,
    require_known,
)

_VERB = re.compile(r"%([0#\-+ ]*)([1-9][0-9]*)?(\.[0-9]*)?(?:\[([1-9][0-9]*)\])?([A-Za-z])")


def format_string(spec: str, args: list[Val]) -> str:
    """Return `spec` with its verbs applied to `args`. Raises `EvalError` or `NotKnown`."""
    for arg in args:
        require_known(arg)
    out: list[str] = []
    next_arg = 1
    highest = 0
    i = 0
    while i < len(spec):
        if spec[i] != "%":
            out.append(spec[i])
            i += 1
            continue
        if spec.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        match = _VERB.match(spec, i)
        if match is None:
            raise EvalError(f"invalid format string starting at offset {i}")
        flags, width, precision, explicit, verb = match.groups()
        number = int(explicit) if explicit else next_arg
        if number > len(args):
            raise EvalError(
                f"not enough arguments for {match.group(0)!r} at {i}: "
                f"need index {number} but have {len(args)} total"
            )
        highest = max(highest, number)
        out.append(_apply(verb, flags, width, precision, args[number - 1], match.group(0), i))
        next_arg = number + 1
        i = match.end()
    if highest < len(args):
        if highest == 0:
            raise EvalError("too many arguments; no verbs in format string")
        raise EvalError(f"too many arguments; only {highest} used by format string")
    return "".join(out)


def _apply(
    verb: str, flags: str, width: str | None, precision: str | None, arg: Val, raw: str, at: int
) -> str:
    if verb != "v" and arg is None:
        raise EvalError(f"unsupported value for {raw!r} at {at}: null value cannot be formatted")
    prec = bounded(int(precision[1:] or "0"), "format precision") if precision else None
    if width:
        bounded(int(width), "format width")
    if verb == "v":
        if "#" not in flags and isinstance(arg, str):
            return _pad(arg, flags, width)
        if "#" not in flags and isinstance(arg, int | float) and not isinstance(arg, bool):
            return _pad(go_shortest_g(arg), flags, width)
        return _pad(json_text(arg), flags, width)
    if verb == "t":
        return "true" if need_bool(arg) else "false"
    if verb in "bdoxX":
        return _integer(verb, flags, width, prec, need_number(arg), raw, at)
    if verb in "eEfgG":
        return _float(verb, flags, width, prec, need_number(arg))
    if verb in "sq":
        text = need_string(arg)
        if prec is not None and prec > 0:
            text = "".join(graphemes(text)[:prec])
        return _pad(json_text(text) if verb == "q" else text, flags, width)
    raise EvalError(f"unsupported format verb {verb!r} in {raw!r} at offset {at}")


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width:
        return text
    missing = int(width) - len(graphemes(text))
    if missing <= 0:
        return text
    pad = ("0" if "0" in flags else " ") * missing
    return text + pad if "-" in flags else pad + text


def _integer(
    verb: str,
    flags: str,
    width: str | None,
    prec: int | None,
    number: int | float,
    raw: str,
    at: int,
) -> str:
    if isinstance(number, float) and not number.is_integer():
        raise EvalError(f"unsupported value for {raw!r} at {at}: an integer is required")
    value = int(number)
    digits = format(abs(value), {"b": "b", "d": "d", "o": "o", "x": "x", "X": "X"}[verb])
    if prec is not None:
        digits = digits.rjust(prec, "0")
    if "#" in flags:
        digits = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb, "") + digits
    sign = "-" if value < 0 else "+" if "+" in flags else " " if " " in flags else ""
    return _go_pad(sign, digits, flags, width, zero_ok=prec is None)


def _float(verb: str, flags: str, width: str | None, prec: int | None, number: int | float) -> str:
    if verb in "gG" and prec is None:
        body = go_shortest_g(abs(number))
        body = body.upper() if verb == "G" else body
    else:
        body = format(
            abs(Decimal(repr(number)) if isinstance(number, float) else Decimal(number)),
            f"{'#' if '#' in flags else ''}.{6 if prec is None else prec}{verb}",
        )
    negative = number < 0
    sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    return _go_pad(sign, body, flags, width, zero_ok=True)


def _go_pad(sign: str, body: str, flags: str, width: str | None, zero_ok: bool) -> str:
    total = int(width) if width else 0
    if len(sign) + len(body) >= total:
        return sign + body
    missing = total - len(sign) - len(body)
    if "-" in flags:
        return sign + body + " " * missing
    if "0" in flags and zero_ok:
        return sign + "0" * missing + body
    return " " * missing + sign + body


def go_shortest_g(number: int | float) -> str:
    """Return Go's ``%g`` with the shortest precision (what cty's ``%v`` prints for numbers)."""
    if isinstance(number, float) and number != number:
        return "NaN"
    sign = "-" if number < 0 else ""
    exact = Decimal(repr(abs(number))) if isinstance(number, float) else Decimal(abs(number))
    if exact == 0:
        return sign + "0"
    digits_tuple = exact.normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    assert isinstance(digits_tuple.exponent, int)
    point = len(digits) + digits_tuple.exponent  # position of the decimal point
    exponent = point - 1
    if exponent < -4 or exponent >= 6:  # Go decides with precision 6 when printing shortest
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _format(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    return format_string(need_string(args[0], "the format"), args[1:])


def _formatlist(args: list[Val]) -> Val:
    arity(args, 1, VARIADIC)
    spec = need_string(args[0], "the format")
    rest = args[1:]
    length: int | None = None
    for position, arg in enumerate(rest):
        if isinstance(arg, list):
            if length is not None and len(arg) != length:
                raise EvalError(
                    f"argument {position + 2} has length {len(arg)}, "
                    f"which is inconsistent with the other lists of length {length}"
                )
            length = len(arg)
    if length is None:
        return [format_string(spec, rest)]
    return [
        format_string(spec, [need_list(a)[n] if isinstance(a, list) else a for a in rest])
        for n in range(length)
    ]


FUNCTIONS: dict[str, Function] = {"format": _format, "formatlist": _formatlist}
