"""Encoding functions (R-EVAL-9): jsonencode/jsondecode, base64, urlencode, sensitivity markers."""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse

from tfvpc.load.hcl.fn_support import Function, arity
from tfvpc.load.hcl.values import (
    EvalError,
    Val,
    need_string,
    normalize_number,
    number_to_string,
    require_known,
)

# Go's encoding/json escapes these so that JSON can be embedded in HTML; Terraform inherits it.
_GO_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_text(value: Val) -> str:
    """Return `value` encoded as Terraform's jsonencode does (compact, keys sorted)."""
    require_known(value)
    return _encode(value)


def _encode(value: Val) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        for char, escaped in _GO_JSON_ESCAPES.items():
            text = text.replace(char, escaped)
        return text
    if isinstance(value, list):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    if isinstance(value, dict):
        entries = (f"{_encode(key)}:{_encode(value[key])}" for key in sorted(value))
        return "{" + ",".join(entries) + "}"
    raise EvalError("cannot encode this value as JSON")


def _jsonencode(args: list[Val]) -> Val:
    arity(args, 1)
    return json_text(args[0])


def from_json(value: object) -> Val:
    """Return a value decoded by `json.loads` as an evaluator value (whole numbers as int)."""
    if isinstance(value, float):
        return normalize_number(value)
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): from_json(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise EvalError("unsupported JSON value")


def _jsondecode(args: list[Val]) -> Val:
    arity(args, 1)
    text = need_string(args[0], "the JSON text")
    try:
        return from_json(json.loads(text))
    except (ValueError, RecursionError) as error:
        raise EvalError(f"invalid JSON: {error}") from None


def _base64encode(args: list[Val]) -> Val:
    arity(args, 1)
    return base64.b64encode(need_string(args[0]).encode("utf-8")).decode("ascii")


def _base64decode(args: list[Val]) -> Val:
    arity(args, 1)
    try:
        raw = base64.b64decode(need_string(args[0]), validate=True)
    except (binascii.Error, ValueError):
        raise EvalError("failed to decode base64 data") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError("the result of decoding the given base64 is not valid UTF-8") from None


def _urlencode(args: list[Val]) -> Val:
    arity(args, 1)
    return urllib.parse.quote_plus(need_string(args[0]), safe="-_.~")


def _identity(args: list[Val]) -> Val:
    arity(args, 1)
    return args[0]


FUNCTIONS: dict[str, Function] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "base64encode": _base64encode,
    "base64decode": _base64decode,
    "urlencode": _urlencode,
    "sensitive": _identity,
    "nonsensitive": _identity,
}
