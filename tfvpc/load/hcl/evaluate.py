"""The static evaluator: syntax-tree expressions -> values (R-EVAL-1/2).

`evaluate` raises `EvalError` where Terraform would report an error (so that ``try``/``can``
work); `evaluate_unit` is the boundary used for every attribute, local, variable and output:
there an error becomes an `Unknown` carrying the message, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from tfvpc.load.hcl import functions, operators
from tfvpc.load.hcl.adapter import parse_template
from tfvpc.load.hcl.fn_files import FileAccess
from tfvpc.load.hcl.syntax import (
    AttrStep,
    BinaryOp,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    IndexStep,
    Interp,
    Literal,
    Name,
    ObjectExpr,
    Splat,
    SyntaxProblem,
    Template,
    TemplateFor,
    TemplateIf,
    TemplatePart,
    TupleExpr,
    UnaryOp,
)
from tfvpc.load.hcl.values import (
    BlockDict,
    EvalError,
    LazyObject,
    NotKnown,
    Val,
    candidate_refs,
    is_opaque,
    need_bool,
    need_int,
    need_string,
    number_to_string,
    sorted_items,
    to_unknown,
    type_name,
)
from tfvpc.load.resources import Ref, Unknown


class Resolver(Protocol):
    """What an environment asks for names it does not bind itself (a module instance)."""

    def lookup(self, name: str) -> Val:
        """Return the value of root name `name` (``var``, ``aws_vpc``, ...) or raise EvalError."""
        ...

    @property
    def files(self) -> FileAccess | None:
        """Return file access for ``file()`` and friends, or None where files are not allowed."""
        ...


class Env:
    """Names visible to an expression: local bindings over a resolver."""

    __slots__ = ("bindings", "resolver")

    def __init__(self, resolver: Resolver | None, bindings: Mapping[str, Val] | None = None):
        self.resolver = resolver
        self.bindings: Mapping[str, Val] = bindings or {}

    def lookup(self, name: str) -> Val:
        """Return the value bound to `name`; raises `EvalError` for an unknown name."""
        if name in self.bindings:
            return self.bindings[name]
        if self.resolver is None:
            raise EvalError(f"{name} cannot be referenced here (only constant values)")
        return self.resolver.lookup(name)

    def bind(self, extra: Mapping[str, Val]) -> Env:
        """Return a child environment with `extra` names bound on top of these."""
        return Env(self.resolver, {**self.bindings, **extra})

    @property
    def files(self) -> FileAccess | None:
        """Return the file access of the resolver, if any."""
        return self.resolver.files if self.resolver is not None else None


def evaluate_unit(expr: Expr, env: Env) -> Val:
    """Return the value of `expr`; an error becomes an `Unknown` naming it."""
    try:
        return evaluate(expr, env)
    except EvalError as error:
        return Unknown(error.message)
    except RecursionError:
        return Unknown("expression nested too deeply to evaluate")


def evaluate(expr: Expr, env: Env) -> Val:
    """Return the value of `expr` in `env`; raises `EvalError` where Terraform would fail."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Name):
        return env.lookup(expr.name)
    if isinstance(expr, GetAttr):
        return get_attr(evaluate(expr.target, env), expr.name)
    if isinstance(expr, Index):
        return index(evaluate(expr.target, env), evaluate(expr.key, env))
    if isinstance(expr, Template):
        return _template(expr, env)
    if isinstance(expr, TupleExpr):
        return [evaluate(item, env) for item in expr.items]
    if isinstance(expr, ObjectExpr):
        return _object(expr, env)
    if isinstance(expr, Call):
        return _call(expr, env)
    if isinstance(expr, Conditional):
        return _conditional(expr, env)
    if isinstance(expr, BinaryOp):
        return operators.binary(expr.op, evaluate(expr.left, env), evaluate(expr.right, env))
    if isinstance(expr, UnaryOp):
        return operators.unary(expr.op, evaluate(expr.operand, env))
    if isinstance(expr, Splat):
        return _splat(expr, env)
    return _for(expr, env)


def get_attr(target: Val, name: str) -> Val:
    """Return ``target.name``."""
    if isinstance(target, LazyObject):
        return target.get_attr(name)
    if isinstance(target, dict):
        return _member(target, name, "object has no attribute {!r}")
    if isinstance(target, Ref):
        return Ref(target.address, f"{target.attr}.{name}")
    if isinstance(target, Unknown):
        return target
    if target is None:
        raise EvalError(f"cannot read attribute {name!r} of null")
    raise EvalError(f"cannot read attribute {name!r} of a {type_name(target)}")


def _member(target: dict[str, Val], name: str, absent: str) -> Val:
    """Return element `name` of `target`; a plain object without it raises `absent` (a format)."""
    if name in target:
        return target[name]
    if isinstance(target, BlockDict):
        return target.missing(name)
    raise EvalError(absent.format(name))


def index(target: Val, key: Val) -> Val:
    """Return ``target[key]``; an unknown key over known elements keeps them as candidates."""
    if isinstance(target, Unknown):
        return target
    if is_opaque(key):
        reason = to_unknown(key).reason
        return Unknown(f"index is unknown ({reason})", tuple(_element_refs(target)))
    if isinstance(target, list):
        position = need_int(key, "index")
        if not 0 <= position < len(target):
            raise EvalError(f"index {position} out of range for a list of {len(target)}")
        return target[position]
    if isinstance(target, dict):
        name = need_string(key, "key")
        return _member(target, name, "no element with key {!r}")
    if isinstance(target, LazyObject):
        return target.get_attr(need_string(key, "key"))
    if isinstance(target, Ref):
        return Ref(target.address, f"{target.attr}.{need_string(key, 'key')}")
    raise EvalError(f"cannot index a {type_name(target)}")


def _element_refs(collection: Val) -> list[Ref]:
    items: list[Val] = []
    if isinstance(collection, list):
        items = collection
    elif isinstance(collection, dict):
        items = list(collection.values())
    refs: list[Ref] = []
    for item in items:
        ref = item.as_ref() if isinstance(item, LazyObject) else item
        if isinstance(ref, Ref):
            refs.append(ref)
    return refs


def _template(expr: Template, env: Env) -> Val:
    if len(expr.parts) == 1 and isinstance(expr.parts[0], Interp):
        # A template that is only "${x}" yields x itself, unconverted.
        return evaluate(expr.parts[0].expr, env)
    pieces: list[str] = []
    unknown = _render(expr.parts, env, pieces)
    if unknown is not None:
        return unknown
    return "".join(pieces)


def _render(parts: tuple[TemplatePart, ...], env: Env, out: list[str]) -> Unknown | None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Interp):
            value = evaluate(part.expr, env)
            if is_opaque(value):
                return to_unknown(value)
            if value is None:
                raise EvalError("a template interpolation is null")
            if isinstance(value, list | dict):
                raise EvalError(f"cannot insert a {type_name(value)} into a string template")
            out.append(need_string(value))
        elif isinstance(part, TemplateIf):
            cond = evaluate(part.cond, env)
            if is_opaque(cond):
                return to_unknown(cond)
            branch = part.then if need_bool(cond, "template if condition") else part.otherwise
            unknown = _render(branch, env, out)
            if unknown is not None:
                return unknown
        else:
            unknown = _render_for(part, env, out)
            if unknown is not None:
                return unknown
    return None


def _render_for(part: TemplateFor, env: Env, out: list[str]) -> Unknown | None:
    collection = evaluate(part.collection, env)
    if is_opaque(collection):
        return to_unknown(collection)
    for key, item in _iterate(collection):
        names = {part.value_var: item}
        if part.key_var is not None:
            names[part.key_var] = key
        unknown = _render(part.body, env.bind(names), out)
        if unknown is not None:
            return unknown
    return None


def _iterate(collection: Val) -> list[tuple[Val, Val]]:
    if isinstance(collection, list):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return list(sorted_items(collection))
    raise EvalError(f"cannot iterate over a {type_name(collection)}")


def _object(expr: ObjectExpr, env: Env) -> Val:
    result: dict[str, Val] = {}
    for key_expr, value_expr in expr.items:
        key = evaluate(key_expr, env)
        if is_opaque(key):
            return Unknown(f"an object key is unknown ({to_unknown(key).reason})")
        if key is None:
            raise EvalError("an object key is null")
        result[need_string(key, "object key")] = evaluate(value_expr, env)
    return result


def _conditional(expr: Conditional, env: Env) -> Val:
    cond = evaluate(expr.cond, env)
    if is_opaque(cond):
        reason = to_unknown(cond).reason
        return Unknown(f"condition is unknown ({reason})", _branch_refs(expr, env))
    if cond is None:
        raise EvalError("the condition is null")
    chosen, other = (
        (expr.if_true, expr.if_false)
        if need_bool(cond, "condition")
        else (expr.if_false, expr.if_true)
    )
    value = evaluate(chosen, env)
    # Both results share one type: a number or bool meets a string branch as a string.
    other_is_string = isinstance(other, Template) or (
        isinstance(other, Literal) and isinstance(other.value, str)
    )
    if isinstance(value, bool | int | float) and other_is_string:
        return _as_string(value)
    return value


def _as_string(value: bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return number_to_string(value)


def _branch_refs(expr: Conditional, env: Env) -> tuple[Ref, ...]:
    refs: list[Ref] = []
    for branch in (expr.if_true, expr.if_false):
        try:
            value = evaluate(branch, env)
        except EvalError:
            continue
        refs.extend(candidate_refs(value))
    return tuple(dict.fromkeys(refs))


def _call(expr: Call, env: Env) -> Val:
    if expr.name == "try":
        return _try(expr, env)
    if expr.name == "can":
        return _can(expr, env)
    args = [evaluate(arg, env) for arg in expr.args]
    if expr.expand_last:
        if not args:
            raise EvalError(f"{expr.name}(...): nothing to expand")
        last = args.pop()
        if is_opaque(last):
            return to_unknown(last)
        if not isinstance(last, list):
            raise EvalError(f"{expr.name}(...): the expanded argument must be a list")
        args.extend(last)
    if expr.name == "templatefile":
        return _templatefile(args, env)
    return functions.call(expr.name, args, env.files)


def _try(expr: Call, env: Env) -> Val:
    errors: list[str] = []
    for arg in expr.args:
        try:
            value = evaluate(arg, env)
        except EvalError as error:
            errors.append(error.message)
            continue
        return value
    raise EvalError("try(): no argument succeeded" + (f" ({errors[-1]})" if errors else ""))


def _can(expr: Call, env: Env) -> Val:
    if len(expr.args) != 1:
        raise EvalError("can() takes exactly one argument")
    try:
        value = evaluate(expr.args[0], env)
    except EvalError:
        return False
    if isinstance(value, Unknown):
        return value
    return True


def _templatefile(args: list[Val], env: Env) -> Val:
    if len(args) != 2:
        raise EvalError("templatefile() takes a path and a map of variables")
    files = env.files
    if files is None:
        raise EvalError("templatefile() cannot be used here")
    try:
        text = files.read_text(need_string(args[0], "path"))
        variables = args[1]
        if is_opaque(variables):
            return to_unknown(variables)
        if not isinstance(variables, dict):
            raise EvalError("templatefile(): vars must be a map")
    except NotKnown as unknown:
        return unknown.unknown
    try:
        template = parse_template(text)
    except SyntaxProblem as problem:
        raise EvalError(f"templatefile(): {problem.message}") from None
    # The template sees only the variables it is given (and functions), nothing of the module.
    return evaluate(template, Env(_TemplateScope(files), variables))


class _TemplateScope:
    """The names a ``templatefile()`` template can reach besides its variables: none."""

    def __init__(self, files: FileAccess) -> None:
        self._files = files

    def lookup(self, name: str) -> Val:
        """Raise: a template can only use the variables passed to templatefile()."""
        raise EvalError(f"{name} is not one of the variables given to templatefile()")

    @property
    def files(self) -> FileAccess:
        """Return the file access of the calling module."""
        return self._files


def _splat(expr: Splat, env: Env) -> Val:
    target = evaluate(expr.target, env)
    if isinstance(target, Unknown):
        return target
    if target is None:
        return []
    items = target if isinstance(target, list) else [target]
    per_item = expr.steps
    after: tuple[AttrStep | IndexStep, ...] = ()
    if expr.legacy:
        # Legacy ".*" applies only the attribute steps to each element; indexes apply after.
        cut = next((i for i, s in enumerate(expr.steps) if isinstance(s, IndexStep)), None)
        if cut is not None:
            per_item, after = expr.steps[:cut], expr.steps[cut:]
    result: Val = [_apply_steps(item, per_item, env) for item in items]
    return _apply_steps(result, after, env)


def _apply_steps(value: Val, steps: tuple[AttrStep | IndexStep, ...], env: Env) -> Val:
    for step in steps:
        if isinstance(step, AttrStep):
            value = get_attr(value, step.name)
        else:
            value = index(value, evaluate(step.key, env))
    return value


def _for(expr: ForExpr, env: Env) -> Val:
    collection = evaluate(expr.collection, env)
    if is_opaque(collection):
        return to_unknown(collection)
    if collection is None:
        raise EvalError("cannot iterate over null in a for expression")
    tuple_result: list[Val] = []
    object_result: dict[str, Val] = {}
    for key, item in _iterate(collection):
        names = {expr.value_var: item}
        if expr.key_var is not None:
            names[expr.key_var] = key
        scope = env.bind(names)
        if expr.cond is not None:
            keep = evaluate(expr.cond, scope)
            if is_opaque(keep):
                return to_unknown(keep)
            if not need_bool(keep, "for condition"):
                continue
        if expr.key is None:
            tuple_result.append(evaluate(expr.value, scope))
            continue
        out_key = evaluate(expr.key, scope)
        if is_opaque(out_key):
            return Unknown(f"a key of a for expression is unknown ({to_unknown(out_key).reason})")
        name = need_string(out_key, "for expression key")
        value = evaluate(expr.value, scope)
        if expr.grouping:
            group = object_result.setdefault(name, [])
            assert isinstance(group, list)
            group.append(value)
        elif name in object_result:
            raise EvalError(f"two elements produce the key {name!r} (use ... to group them)")
        else:
            object_result[name] = value
    return tuple_result if expr.key is None else object_result
