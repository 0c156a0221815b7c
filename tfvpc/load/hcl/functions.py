"""Function dispatch: every built-in Terraform function the evaluator knows (R-EVAL-9).

A function that cannot be known statically (``timestamp()``, ``uuid()``, provider functions,
any function tfvpc does not implement) returns `Unknown` with the reason; an argument that is
not known makes the result `Unknown`; a Terraform error becomes `EvalError`.
"""

from __future__ import annotations

from tfvpc.load.hcl import (
    fn_collections,
    fn_convert,
    fn_encode,
    fn_format,
    fn_net,
    fn_numeric,
    fn_regex,
    fn_text,
)
from tfvpc.load.hcl.fn_files import FILE_FUNCTIONS, FileAccess
from tfvpc.load.hcl.fn_support import Function
from tfvpc.load.hcl.values import EvalError, NotKnown, Val, candidate_refs
from tfvpc.load.resources import Ref, Unknown

BUILTINS: dict[str, Function] = {
    **fn_collections.FUNCTIONS,
    **fn_convert.FUNCTIONS,
    **fn_encode.FUNCTIONS,
    **fn_format.FUNCTIONS,
    **fn_net.FUNCTIONS,
    **fn_numeric.FUNCTIONS,
    **fn_regex.FUNCTIONS,
    **fn_text.FUNCTIONS,
}

# Functions whose result differs on every run or is produced during apply.
_APPLY_TIME = frozenset({"timestamp", "plantimestamp", "uuid", "bcrypt"})
# Functions whose result is picked from their arguments: when an argument is unknown, the
# references it may stand for (its candidates) are still what the result may be.
_SELECTORS = frozenset(
    {
        "element",
        "lookup",
        "one",
        "coalesce",
        "coalescelist",
        "concat",
        "flatten",
        "slice",
        "values",
        "reverse",
        "tolist",
        "toset",
        "distinct",
        "compact",
        "tostring",
    }
)


def call(name: str, args: list[Val], files: FileAccess | None) -> Val:
    """Return the result of built-in function `name` applied to `args`."""
    if name in _APPLY_TIME:
        return Unknown(f"{name}() is only known at apply")
    if name.startswith("provider::"):
        return Unknown(f"provider function {name}() is not evaluated statically")
    try:
        if name in FILE_FUNCTIONS:
            if files is None:
                raise EvalError("file functions cannot be used here")
            return FILE_FUNCTIONS[name](args, files)
        function = BUILTINS.get(name)
        if function is None:
            return Unknown(f"function {name}() is not evaluated by tfvpc")
        return function(args)
    except NotKnown as unknown:
        if name in _SELECTORS:
            return Unknown(unknown.unknown.reason, _argument_refs(args))
        return Unknown(unknown.unknown.reason)
    except EvalError as error:
        raise EvalError(f"{name}(): {error.message}") from None
    except (ArithmeticError, ValueError) as error:
        raise EvalError(f"{name}(): {error}") from None


def _argument_refs(args: list[Val]) -> tuple[Ref, ...]:
    """Return every reference the arguments hold or may stand for, in order, once."""
    found: list[Ref] = []
    for arg in args:
        for item in arg if isinstance(arg, list) else [arg]:
            found.extend(candidate_refs(item))
    return tuple(dict.fromkeys(found))
