"""Follow configuration references to the resource instances they name (R-LINK-1 steps 2-3).

A reference string from plan configuration (``aws_vpc.main.id``, ``var.vpc_id``, ``module.net.ids``)
is followed through module variables and outputs to resource instances. The result lists the
candidate instances and the references that cannot be followed in a plan (``local.*``: locals
are not recorded in plan JSON).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

from tfvpc.load.plan_address import Key, ModulePath, Step, format_steps, parse_traversal
from tfvpc.load.plan_config import ModuleConfig, find_module, references
from tfvpc.load.plan_index import InstanceIndex, key_order

# Terraform rejects reference cycles; these bounds only protect against hostile files.
_MAX_DEPTH = 32
_MAX_STEPS = 10_000
# Roots whose values are always known in a plan, so they are never the source of an unknown.
_KNOWN_ROOTS = frozenset({"count", "path", "terraform", "self"})
# Up to this many references (an expression usually has two: ``x.y.id`` and ``x.y``), comparing
# each with each is quicker than sorting them.
_FEW_REFS = 8


class Candidate(NamedTuple):
    """An instance a value may come from; `attr` None means the whole object (its ``id``)."""

    address: str
    attr: str | None


class Referrer(NamedTuple):
    """Where an expression is evaluated and which repetition key it is evaluated for.

    `siblings` are the keys of the referrer's ``count``/``for_each`` (None when unrepeated);
    `each_references` the references of its ``for_each`` expression, for ``each.value``;
    `match_key` is set while resolving that collection, whose element for key k is the
    referenced resource's instance k. A named tuple: it keys the resolution memos, and a
    tuple hashes and compares without Python-level calls.
    """

    module: ModulePath
    key: Key | None = None
    siblings: frozenset[Key | None] | None = None
    each_references: tuple[str, ...] | None = None
    match_key: bool = False

    def without_key(self) -> Referrer:
        """Return this referrer with no repetition key (no same-shape matching below it)."""
        return self._replace(key=None, siblings=None)


@dataclass
class Resolution:
    """What some references resolve to.

    `candidates`: instances the value may come from; `opaque`: references that cannot be
    followed in a plan; `known`: references to values known at plan time (root variables,
    constants), which cannot make a value unknown but may still contribute to a collection;
    `literals`: known string values of referenced attributes (ids of existing objects);
    `unfit`: instances referenced that the value's attribute cannot hold (set by the caller).
    """

    candidates: list[Candidate] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    unfit: list[Candidate] = field(default_factory=list)

    def add(self, other: Resolution, attr: str | None = None) -> None:
        """Merge `other` into this one, giving whole-object candidates attribute `attr`."""
        seen = set(self.candidates)
        for candidate in other.candidates:
            if candidate.attr is None and attr is not None:
                candidate = Candidate(candidate.address, attr)
            if candidate not in seen:
                seen.add(candidate)
                self.candidates.append(candidate)
        if other.opaque:
            self.opaque += [text for text in other.opaque if text not in self.opaque]
        if other.known:
            self.known += [text for text in other.known if text not in self.known]


def significant(refs: tuple[str, ...]) -> tuple[str, ...]:
    """Return `refs` without the traversal prefixes Terraform lists after each reference.

    ``["aws_vpc.main.id", "aws_vpc.main"]`` names one thing: keep the longest form only.
    """
    if len(refs) < 2:
        return refs
    if len(refs) <= _FEW_REFS:
        return tuple([ref for ref in refs if not _extended_among(ref, refs)])
    ordered = sorted(refs)

    def extended(ref: str) -> bool:
        for step in (ref + ".", ref + "["):
            pos = bisect_left(ordered, step)
            if pos < len(ordered) and ordered[pos].startswith(step):
                return True
        return False

    return tuple(ref for ref in refs if not extended(ref))


def _extended_among(ref: str, refs: tuple[str, ...]) -> bool:
    """Return True if one of `refs` is `ref` followed by an attribute or index step."""
    size = len(ref)
    for other in refs:
        if len(other) > size and other[size] in ".[" and other.startswith(ref):
            return True
    return False


def _split_rest(rest: list[Step]) -> tuple[bool, str | None]:
    """Return whether `rest` indexes into a value, and the attribute path after the last index."""
    last_index = max((i for i, step in enumerate(rest) if isinstance(step, tuple)), default=-1)
    tail = rest[last_index + 1 :]
    return last_index >= 0, (format_steps(tail) if tail else None)


class Resolver:
    """Resolves references against the plan's configuration and instance index."""

    def __init__(self, root: ModuleConfig | None, index: InstanceIndex) -> None:
        self._root = root
        self._index = index
        self._steps = 0
        # Many instances follow the same module outputs and variables: resolve each once.
        self._memo: dict[tuple[str, Referrer, bool], Resolution] = {}

    def resolve(
        self, refs: tuple[str, ...], referrer: Referrer, *, same_shape: bool, depth: int = 0
    ) -> Resolution:
        """Return the candidates `refs` (one expression's references) may resolve to.

        `same_shape` enables the count/for_each rule: a dynamic index into a resource with the
        referrer's keys picks the referrer's own key.
        """
        if depth == 0:
            self._steps = 0
        result = Resolution()
        for ref in significant(refs):
            self._steps += 1
            if depth > _MAX_DEPTH or self._steps > _MAX_STEPS:
                result.opaque.append(ref)
                continue
            memo_key = (ref, referrer, same_shape)
            # One lookup on a hit (hashing the Referrer runs its generated __hash__).
            one = self._memo.get(memo_key)
            if one is None:
                one = self._memo[memo_key] = self._one(ref, referrer, same_shape, depth)
            result.add(one)
        return result

    def _one(self, ref: str, referrer: Referrer, same_shape: bool, depth: int) -> Resolution:
        """Return the resolution of one reference (never mutated afterwards: it is memoised)."""
        steps = parse_traversal(ref)
        if steps is None or len(steps) < 2:
            known_root = ref.split(".")[0] in _KNOWN_ROOTS
            return Resolution() if known_root else Resolution(opaque=[ref])
        root = steps[0]
        if root in _KNOWN_ROOTS or steps[:2] == ["each", "key"]:
            return Resolution()
        if root == "each":
            return self._each_value(ref, steps[2:], referrer, same_shape, depth)
        if root == "var":
            return self._variable(ref, steps, referrer, same_shape, depth)
        if root == "module":
            return self._module_output(ref, steps, referrer, same_shape, depth)
        if root == "data":
            return self._resource(ref, "data", steps[1:], referrer, same_shape)
        if root in ("local", "ephemeral"):
            return Resolution(opaque=[ref])
        return self._resource(ref, "managed", steps, referrer, same_shape)

    def _resource(
        self, ref: str, mode: str, steps: list[Step], referrer: Referrer, same_shape: bool
    ) -> Resolution:
        """Return the instances of resource ``type.name[key]`` in the referrer's module."""
        if len(steps) < 2 or not isinstance(steps[0], str) or not isinstance(steps[1], str):
            return Resolution(opaque=[ref])
        type_, name = steps[0], steps[1]
        rest = steps[2:]
        static: tuple[Key] | None = None
        if rest and isinstance(rest[0], tuple):
            static, rest = rest[0], rest[1:]
        attr = format_steps(rest) if rest else None
        slot = (referrer.module, mode, type_, name)
        instances = self._index.instances(slot)
        if static is not None:
            chosen = [instances[static[0]]] if static[0] in instances else []
        else:
            # One instance (the usual target) is that one, whatever the referrer's key.
            own = len(instances) > 1 and self._own_key(self._index.keys(slot), referrer, same_shape)
            chosen = [instances[referrer.key]] if own else list(instances.values())
        return Resolution(candidates=[Candidate(address, attr) for address in chosen])

    @staticmethod
    def _own_key(keys: frozenset[Key | None], referrer: Referrer, same_shape: bool) -> bool:
        """Return True if a reference without a static key means the referrer's own key.

        R-LINK-1 step 2: so it does while resolving a for_each collection, or when the target
        has the same keys as the referrer's count/for_each (`same_shape`); otherwise the
        reference means every instance (one instance: that one).
        """
        if len(keys) < 2 or referrer.key is None or referrer.key not in keys:
            return False
        # The index hands out one object per distinct key set.
        return referrer.match_key or (same_shape and keys is referrer.siblings)

    def _each_value(
        self, ref: str, rest: list[Step], referrer: Referrer, same_shape: bool, depth: int
    ) -> Resolution:
        """Return what ``each.value`` means: the element of the for_each collection for this key."""
        if referrer.each_references is None:
            return Resolution(opaque=[ref])
        inner = referrer._replace(each_references=None, match_key=True)
        indexed, attr = _split_rest(rest)
        if indexed:
            inner = inner.without_key()
        found = Resolution()
        found.add(
            self.resolve(referrer.each_references, inner, same_shape=same_shape, depth=depth + 1),
            attr,
        )
        return found

    def _variable(
        self, ref: str, steps: list[Step], referrer: Referrer, same_shape: bool, depth: int
    ) -> Resolution:
        """Return what ``var.X`` means: the caller's argument X (root variables are known)."""
        if not referrer.module:
            return Resolution(known=[ref])
        name = steps[1]
        parent = referrer.module[:-1]
        call_name, call_key = referrer.module[-1]
        parent_config = find_module(self._root, tuple(step[0] for step in parent))
        call = parent_config.calls.get(call_name) if parent_config is not None else None
        if call is None or not isinstance(name, str):
            return Resolution(opaque=[ref])
        if name not in call.expressions:
            # The variable's default: a constant.
            return Resolution(known=[ref])
        refs = references(call.expressions[name])
        if refs is None:
            return Resolution(opaque=[ref])
        if not refs:
            return Resolution(known=[ref])
        if call_key is not None:
            outer = Referrer(
                parent,
                call_key,
                self._index.module_keys(parent, call_name),
                call.for_each_references,
            )
        else:
            outer = Referrer(parent, referrer.key, referrer.siblings, None, referrer.match_key)
        indexed, attr = _split_rest(steps[2:])
        if indexed:
            outer = outer.without_key()
        element = self._element(refs, steps[2:], outer)
        if element is not None:
            return self.resolve((element,), outer, same_shape=same_shape, depth=depth + 1)
        found = Resolution()
        found.add(self.resolve(refs, outer, same_shape=same_shape, depth=depth + 1), attr)
        return found

    def _module_output(
        self, ref: str, steps: list[Step], referrer: Referrer, same_shape: bool, depth: int
    ) -> Resolution:
        """Return what ``module.M.O`` means: output O's expression inside each chosen instance."""
        name = steps[1]
        rest = steps[2:]
        static: tuple[Key] | None = None
        if rest and isinstance(rest[0], tuple):
            static, rest = rest[0], rest[1:]
        own_config = find_module(self._root, tuple(step[0] for step in referrer.module))
        if own_config is None or not isinstance(name, str) or name not in own_config.calls:
            return Resolution(opaque=[ref])
        call = own_config.calls[name]
        output = rest[0] if rest else None
        if not isinstance(output, str) or output not in call.module.outputs:
            return Resolution(opaque=[ref])
        refs = references(call.module.outputs[output])
        if refs is None:
            return Resolution(opaque=[ref])
        if not refs:
            return Resolution(known=[ref])
        inner = referrer._replace(each_references=None)
        if static is not None:
            keys: list[Key | None] = [static[0]]
        elif not call.repeated:
            keys = [None]
        else:
            instances = self._index.module_keys(referrer.module, name)
            own = self._own_key(instances, referrer, same_shape)
            keys = [referrer.key] if own else sorted(instances, key=key_order)
            inner = inner.without_key()
        indexed, attr = _split_rest(rest[1:])
        if indexed:
            inner = inner.without_key()
        found = Resolution()
        for key in keys:
            scope = inner._replace(module=(*referrer.module, (name, key)))
            element = self._element(refs, rest[1:], scope)
            if element is not None:
                found.add(self.resolve((element,), scope, same_shape=same_shape, depth=depth + 1))
            else:
                found.add(self.resolve(refs, scope, same_shape=same_shape, depth=depth + 1), attr)
        return found

    def _element(self, refs: tuple[str, ...], rest: list[Step], scope: Referrer) -> str | None:
        """Return the one reference naming element ``rest[0]`` of expression `refs`, or None.

        ``module.vpc.public_subnet_ids[0]`` reads element 0 of an output (or a module variable)
        whose configuration records only ``aws_subnet.public`` for ``aws_subnet.public[*].id``:
        its element k is the resource's instance k (count), its key "k" instance "k" (for_each,
        a map of the instances). The static index is then kept as ``aws_subnet.public[0]`` plus
        what follows it. An expression with several references, a reference that already picks
        one instance or an attribute, or a key the resource lacks give None: every instance
        stays a candidate. The plan records references, not functions, so a ``reverse()`` or
        ``sort()`` around the splat cannot be told apart from the plain splat.
        """
        if not rest or not isinstance(rest[0], tuple):
            return None
        only = significant(refs)
        steps = parse_traversal(only[0]) if len(only) == 1 else None
        if steps is None or not self._holds_elements(steps, rest[0][0], scope):
            return None
        return format_steps([*steps, *rest])

    def _holds_elements(self, steps: list[Step], key: Key, scope: Referrer) -> bool:
        """Return True if `steps` names a whole collection whose element `key` can be followed.

        ``var.X`` and ``module.M.O`` are followed further with the index (this same rule applies
        there); a whole repeated resource must have an instance with that key in `scope`.
        """
        if steps[0] == "var":
            return len(steps) == 2
        if steps[0] == "module":
            return len(steps) == 3 or (len(steps) == 4 and isinstance(steps[2], tuple))
        if steps[0] in _KNOWN_ROOTS or steps[0] in ("each", "local", "ephemeral"):
            return False
        mode, names = ("data", steps[1:]) if steps[0] == "data" else ("managed", steps)
        if len(names) != 2 or not isinstance(names[0], str) or not isinstance(names[1], str):
            return False
        return key in self._index.instances((scope.module, mode, names[0], names[1]))
