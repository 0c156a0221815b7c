"""Turn a change's ``after`` + ``after_unknown`` into attribute values (R-PLAN-2, R-TF-3, R-LINK-1).

Known parts stay literal (known ids too: the builder links them by its id index). An unknown part
becomes a `Ref` when the configuration pins it to one instance (of a type its attribute can hold,
`plan_kinds`), an `Unknown` with candidates when it narrows it down to several, a plain `Unknown`
otherwise, and is dropped when the configuration does not set it at all (the builder then applies
the AWS/provider default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from tfvpc.load.plan_address import Key, ModulePath, Step, format_steps
from tfvpc.load.plan_config import all_references, references
from tfvpc.load.plan_index import InstanceIndex
from tfvpc.load.plan_kinds import can_hold
from tfvpc.load.plan_nodes import (
    MAX_DEPTH,
    SHARED,
    Absent,
    Blocks,
    Expression,
    NoConfig,
    Node,
    Unconfigured,
    child,
    count_unknown,
    is_unknown_anywhere,
)
from tfvpc.load.plan_refs import Candidate, Referrer, Resolution, Resolver, significant
from tfvpc.load.resources import Ref, Unknown, Value

# Candidate names listed in a reason before it says "and N more".
_NAMED_CANDIDATES = 4
# Attribute names whose values name other objects: only these become Refs (a reference to
# `aws_vpc.main.cidr_block` in `cidr_block = cidrsubnet(...)` is not the value itself).
_LINK_SUFFIXES = ("_id", "_ids", "_arn", "_arns", "_name")
_LINK_NAMES = frozenset(
    {
        "id",
        "arn",
        "name",
        "public_ip",
        "instance",
        "instances",
        "subnets",
        "security_groups",
        "network_interface",
        "vpc_zone_identifier",
        "load_balancers",
        "elb",
        "cluster_identifier",
        "launch_configuration",
        "propagating_vgws",
    }
)
_COLLECTION_SUFFIXES = ("_ids", "_arns")
_COLLECTION_NAMES = frozenset(
    {
        "instances",
        "subnets",
        "security_groups",
        "vpc_zone_identifier",
        "load_balancers",
        "propagating_vgws",
    }
)


def _is_link_name(name: str | None) -> bool:
    """Return True if an attribute called `name` holds ids, ARNs or names of other objects."""
    return name is not None and (name in _LINK_NAMES or name.endswith(_LINK_SUFFIXES))


def _is_collection_name(name: str) -> bool:
    """Return True if an attribute called `name` holds a list or set of links."""
    return name in _COLLECTION_NAMES or name.endswith(_COLLECTION_SUFFIXES)


class _Drop:
    """Marks an attribute to leave out of `values` (R-TF-3)."""


_DROP = _Drop()
# Not yet in the pin memo (whose answers include None).
_UNPINNED = _Drop()


# What one expression pins values to in one scope: (references, holes, attribute name, whether
# the path ends in that name) -> the pinned value.
_PinKey = tuple[tuple[str, ...], int, str | None, bool]


class Scope:
    """Where instances evaluate their expressions, and the pins those evaluations share.

    Every instance with this referrer (module instance, key, count/for_each shape) pins an
    expression with the same references to the same values: each is pinned once per scope.
    """

    __slots__ = ("listed", "pins", "referrer")

    def __init__(self, referrer: Referrer) -> None:
        self.referrer = referrer
        self.pins: dict[_PinKey, Value | None] = {}
        # (attribute name, *references as an expression lists them) -> the attribute's pin:
        # found again without reading the listing (see `ValueBuilder.attribute_pin`).
        self.listed: dict[tuple[object, ...], Value | None] = {}


class ValueBuilder:
    """Builds one instance's values from its change object and configuration."""

    def __init__(self, resolver: Resolver, index: InstanceIndex) -> None:
        self._resolver = resolver
        self._index = index
        # Instances of one module share their references (every subnet names its VPC):
        # resolve each combination once per plan.
        self._resolved: dict[tuple[tuple[str, ...], Referrer, bool, str | None], Resolution] = {}
        self._scopes: dict[
            tuple[ModulePath, Key | None, frozenset[Key | None] | None, tuple[str, ...] | None],
            Scope,
        ] = {}

    def scope(
        self,
        module: ModulePath,
        key: Key | None,
        siblings: frozenset[Key | None] | None,
        each_references: tuple[str, ...] | None,
    ) -> Scope:
        """Return the one Scope of the referrer with these fields (see `Referrer`)."""
        fields = (module, key, siblings, each_references)
        found = self._scopes.get(fields)
        if found is None:
            found = self._scopes[fields] = Scope(Referrer(*fields))
        return found

    def build(
        self,
        address: str,
        after: dict[str, Value],
        marker: object,
        expressions: dict[str, object] | None,
        scope: Scope,
        *,
        data_source: bool = False,
    ) -> dict[str, Value]:
        """Return the attribute values of instance `address` (R-PLAN-2 with R-TF-3 dropping).

        `expressions` is the resource's configuration (None when the plan has none for it).
        A data source read during apply has no defaults: its unset unknowns are results, kept.
        """
        if not is_unknown_anywhere(marker):
            # Known as planned, all of it: what the walk returns, without starting one.
            return after
        if (
            expressions is not None
            and isinstance(marker, dict)
            and marker.keys().isdisjoint(after.keys())
        ):
            return self._attributes(address, after, marker, expressions, scope, not data_source)
        walk = _Walk(self, address, scope, drop_unset=not data_source)
        node: Node = NoConfig() if expressions is None else Blocks((expressions,))
        if isinstance(marker, dict):
            # What `value` does with it, without testing the marker again.
            return walk.object_value(after, marker, node, [], 0)
        built = walk.value(after, marker, node, [], 0)
        return built if isinstance(built, dict) else {}

    def _attributes(
        self,
        address: str,
        after: dict[str, Value],
        marker: dict[str, object],
        body: dict[str, object],
        scope: Scope,
        drop_unset: bool,
    ) -> dict[str, Value]:
        """Return what `build` returns for an instance configured by `body` whose unknown
        attributes are all ones `after` leaves out, as most instances' are.

        What the walk makes of such an object, with its usual cases decided here: computed
        attributes the configuration does not set are dropped (R-TF-3), attributes set by one
        expression are pinned once per scope; a walk is started for any other only.
        """
        result = dict(after)
        walk = None
        for key, mark in marker.items():
            if mark is True:
                if key not in body:
                    if drop_unset:
                        continue
                else:
                    found = self.attribute_pin(body[key], key, scope)
                    if found is not None:
                        result[key] = found
                        continue
            elif mark is None or mark is False or not is_unknown_anywhere(mark):
                result[key] = None
                continue
            if walk is None:
                walk = _Walk(self, address, scope, drop_unset=drop_unset)
            walk.member(result, key, None, mark, Blocks((body,)), [], 0)
        return result

    def attribute_pin(self, expression: object, name: str, scope: Scope) -> Value | None:
        """Return what `pinned` pins a wholly unknown member `name` of one configured block to
        when `expression` alone sets it (the node `child` makes of it, with the one hole), at
        any depth (a pin depends on the member's name, not on the path to it); None when it is
        no expression or leaves the value uncertain.

        Instances of a scope repeat each other's listings (every subnet names its VPC): a pin is
        filed by the references as listed too, so that a repeated listing is not read again.
        """
        listed = expression.get("references") if isinstance(expression, dict) else None
        key = (name, *listed) if isinstance(listed, list) else None
        try:
            found = scope.listed.get(key, _UNPINNED) if key is not None else _UNPINNED
        except TypeError:
            # Members that are no strings (a hostile file) may not even hash: read it each time.
            key, found = None, _UNPINNED
        if isinstance(found, _Drop):
            own = references(expression)
            found = None if own is None else self.pinned(Expression(own), scope, [name])
            if key is not None:
                scope.listed[key] = found
        return list(found) if isinstance(found, list) else found

    def pinned(self, node: Blocks | Expression, scope: Scope, path: list[Step]) -> Value | None:
        """Return what the references of an unknown value at `path` pin it to: a Ref, or for a
        collection its members; None when they leave it uncertain (R-LINK-1)."""
        if not isinstance(node, Expression):
            return self._pin(node, scope.referrer, path)
        last = path[-1] if path else None
        # The name the value is read as, and whether the path ends in it (a collection then).
        key: _PinKey = (
            (node.references, node.holes, last, True)
            if isinstance(last, str)
            else (node.references, node.holes, _name(path), False)
        )
        found = scope.pins.get(key, _UNPINNED)
        if isinstance(found, _Drop):
            found = scope.pins[key] = self._pin(node, scope.referrer, path)
        return list(found) if isinstance(found, list) else found

    def _pin(self, node: Blocks | Expression, referrer: Referrer, path: list[Step]) -> Value | None:
        """Return `pinned`'s answer, computed."""
        name = _name(path)
        found = self.resolve(_refs(node), referrer, same_shape=True, attribute=name)
        if found.opaque or not found.candidates or not _linkable(name, found.candidates):
            return None
        if not _is_collection(path):
            return _ref_at(found.candidates[0], name) if len(found.candidates) == 1 else None
        # Providers plan a set with an unknown member as wholly unknown, so this is the usual
        # form of ``vpc_security_group_ids = [aws_security_group.web.id]`` in a plan. Known
        # inputs (variables, constants) may add members the plan does not show: then Unknown.
        if (len(found.candidates) == 1 or _holes(node) == 1) and not found.known:
            members: list[Value] = [_ref_at(candidate, name) for candidate in found.candidates]
            return members + list(dict.fromkeys(found.literals))
        return None

    def resolve(
        self,
        refs: tuple[str, ...],
        referrer: Referrer,
        *,
        same_shape: bool,
        attribute: str | None = None,
    ) -> Resolution:
        """Return what `refs` resolve to as the value of `attribute`, known candidates apart.

        Candidates whose type `attribute` cannot hold are moved to `unfit` (a folded ``route``
        expression lists every block's references; a gateway_id is no prefix list). A candidate
        whose value is known cannot be what makes a value unknown; a known string (the id of an
        existing object) is kept as a literal for collections. The result is shared between
        callers asking the same: read it, never change it.
        """
        key = (refs, referrer, same_shape, attribute)
        memo = self._resolved.get(key)
        if memo is None:
            memo = self._resolved[key] = self._resolve(refs, referrer, same_shape, attribute)
        return memo

    def _resolve(
        self, refs: tuple[str, ...], referrer: Referrer, same_shape: bool, attribute: str | None
    ) -> Resolution:
        """Return `resolve`'s answer, computed."""
        found = self._resolver.resolve(refs, referrer, same_shape=same_shape)
        unknown = []
        for candidate in found.candidates:
            if not can_hold(attribute, candidate, self._index.type_of(candidate.address)):
                found.unfit.append(candidate)
                continue
            known, value = self._index.known_value(candidate.address, candidate.attr or "id")
            if not known:
                unknown.append(candidate)
            elif isinstance(value, str):
                found.literals.append(value)
            else:
                found.known.append(candidate.address)
        found.candidates = unknown
        return found


class _Walk:
    """One instance's walk over ``after`` and ``after_unknown`` in step."""

    def __init__(
        self, builder: ValueBuilder, address: str, scope: Scope, *, drop_unset: bool
    ) -> None:
        self._builder = builder
        self._address = address
        self._scope = scope
        self._referrer = scope.referrer
        self._drop_unset = drop_unset

    def value(
        self, after: object, marker: object, node: Node, path: list[Step], depth: int
    ) -> Value | _Drop:
        """Return the value at `path`, or _DROP when R-TF-3 leaves it out."""
        if marker is True:
            return self._unknown(node, path)
        if not is_unknown_anywhere(marker):
            # Parsed JSON holds only Value types; nothing below needs resolving.
            return cast(Value, after)
        if depth > MAX_DEPTH:
            return Unknown(f"{self._where(path)} is nested too deeply to read")
        if isinstance(after, dict) or isinstance(marker, dict):
            return self.object_value(after, marker, node, path, depth)
        if isinstance(after, list):
            return self._list(after, marker, node, path, depth)
        return cast(Value, after)

    def object_value(
        self, after: object, marker: object, node: Node, path: list[Step], depth: int
    ) -> dict[str, Value]:
        """Return an object value, keeping known members and marking unknown ones."""
        values = cast(dict[str, Value], after) if isinstance(after, dict) else {}
        unknown = marker if isinstance(marker, dict) else {}
        # The one configured block most attributes sit in, for the R-TF-3 test below.
        body = node.bodies[0] if isinstance(node, Blocks) and len(node.bodies) == 1 else None
        # Members in the order of `after`, then those only `after_unknown` names.
        if unknown.keys().isdisjoint(values.keys()):
            # No marker for any planned member: all are known as planned.
            result = dict(values)
        else:
            result = {}
            for key, planned in values.items():
                mark = unknown.get(key)
                if mark is None or mark is False or not is_unknown_anywhere(mark):
                    # Known as planned (what `value` returns for it), without looking up the
                    # configuration below.
                    result[key] = planned
                else:
                    self.member(result, key, planned, mark, node, path, depth)
        for key, mark in unknown.items():
            if key in values:
                continue
            if mark is not True:
                if mark is None or mark is False or not is_unknown_anywhere(mark):
                    result[key] = None
                else:
                    self.member(result, key, None, mark, node, path, depth)
            elif body is None:
                if not (self._drop_unset and _unset(node, key)):
                    self.member(result, key, None, mark, node, path, depth)
            elif key not in body:
                # R-TF-3 drops it (what `value` makes of its Absent node, without building it):
                # most computed attributes (id, arn) of most instances take this path.
                if not self._drop_unset:
                    self.member(result, key, None, mark, node, path, depth)
            else:
                pinned = self._builder.attribute_pin(body[key], key, self._scope)
                if pinned is None:
                    self.member(result, key, None, mark, node, path, depth)
                else:
                    result[key] = pinned
        return result

    def member(
        self,
        result: dict[str, Value],
        key: str,
        planned: object,
        mark: object,
        node: Node,
        path: list[Step],
        depth: int,
    ) -> None:
        """Add the value of member `key` of an object to `result`, unless R-TF-3 drops it."""
        below = child(node, key)
        if isinstance(node, Blocks) and isinstance(below, Expression):
            # Where an expression is attached: merged block bodies share it out unknowably.
            holes = SHARED
            if len(node.bodies) == 1:
                # count_unknown(True) is 1: no walk for a wholly unknown member.
                holes = 1 if mark is True else count_unknown(mark)
            if holes != below.holes:
                below = Expression(below.references, holes)
        # A wholly unknown member goes straight where `value` would send it (saves a call
        # for every unknown attribute of every instance).
        built = (
            self._unknown(below, [*path, key])
            if mark is True
            else self.value(planned, mark, below, [*path, key], depth + 1)
        )
        if not isinstance(built, _Drop):
            result[key] = built

    def _list(
        self, after: list[object], marker: object, node: Node, path: list[Step], depth: int
    ) -> Value:
        """Return a list value; its wholly unknown elements are resolved together."""
        unknown = marker if isinstance(marker, list) else []
        holes = {i for i in range(len(after)) if i < len(unknown) and unknown[i] is True}
        fillers = iter(self._elements(node, path, len(holes)) if holes else [])
        result: list[Value] = []
        for i, element in enumerate(after):
            if i in holes:
                result.append(next(fillers))
                continue
            built = self.value(
                element,
                unknown[i] if i < len(unknown) else False,
                child(node, (i,)),
                [*path, (i,)],
                depth + 1,
            )
            result.append(built if not isinstance(built, _Drop) else Unknown(self._reason(path)))
        return result

    def _unknown(self, node: Node, path: list[Step]) -> Value | _Drop:
        """Return a wholly unknown value: dropped, a Ref, or an Unknown (R-TF-3, R-LINK-1)."""
        if isinstance(node, Absent):
            if self._drop_unset:
                return _DROP
            return Unknown(f"{self._where(path)} is unknown until the data source is read at apply")
        if isinstance(node, NoConfig):
            return Unknown(f"{_attr_text(path)} is unknown until apply")
        if isinstance(node, Unconfigured):
            return Unknown(self._reason(path, unconfigured=True))
        pinned = self._builder.pinned(node, self._scope, path)
        if pinned is not None:
            return pinned
        refs = _refs(node)
        # Unknown with candidates: a collection names every instance its references reach.
        found = self._builder.resolve(
            refs, self._referrer, same_shape=not _is_collection(path), attribute=_name(path)
        )
        return self._uncertain(path, refs, found, _linkable(_name(path), found.candidates))

    def _uncertain(
        self, path: list[Step], refs: tuple[str, ...], found: Resolution, linkable: bool
    ) -> Unknown:
        """Return the Unknown for `path`, with candidates when they are all it can be."""
        candidates = found.candidates if linkable and not found.opaque else []
        reason = self._reason(path, refs, candidates, found.opaque)
        name = _name(path)
        if found.unfit and not found.candidates and not found.opaque:
            names = ", ".join(dict.fromkeys(c.address for c in found.unfit))
            reason += f"; {name} cannot hold {names}"
        return Unknown(reason, tuple(_ref_at(c, name) for c in candidates))

    def _elements(self, node: Node, path: list[Step], count: int) -> list[Value]:
        """Return values for the `count` unknown elements of the list at `path`.

        When the references name exactly `count` instances (with or without the same-key
        rule), the elements are those instances; otherwise each is Unknown with candidates.
        """
        if isinstance(node, NoConfig):
            return [Unknown(f"{_attr_text(path)} is unknown until apply") for _ in range(count)]
        if isinstance(node, (Absent, Unconfigured)):
            return [Unknown(self._reason(path, unconfigured=True)) for _ in range(count)]
        refs = _refs(node)
        name = _name(path)
        shaped = self._builder.resolve(refs, self._referrer, same_shape=True, attribute=name)
        every = self._builder.resolve(refs, self._referrer, same_shape=False, attribute=name)
        linkable = _linkable(name, every.candidates)
        if linkable and not every.opaque and (len(every.candidates) == 1 or _holes(node) == count):
            for members in (shaped.candidates, every.candidates):
                if len(members) == count:
                    return [_ref_at(member, name) for member in members]
        return [self._uncertain(path, refs, every, linkable) for _ in range(count)]

    def _where(self, path: list[Step]) -> str:
        """Return "<attr> of <address>" for reasons."""
        return f"{_attr_text(path)} of {self._address}"

    def _reason(
        self,
        path: list[Step],
        refs: tuple[str, ...] = (),
        candidates: Sequence[Candidate] = (),
        opaque: Sequence[str] = (),
        *,
        unconfigured: bool = False,
    ) -> str:
        """Return the sentence a finding quotes for an unknown value."""
        text = f"{self._where(path)} is unknown until apply"
        if unconfigured:
            return text + " (set by a dynamic block or not recorded in the plan's configuration)"
        shown = significant(refs)
        if shown:
            text += f" (references {', '.join(shown)})"
        if opaque:
            text += f"; {', '.join(opaque)} cannot be followed in a plan"
        if len(candidates) > 1:
            names = [c.address for c in candidates]
            more = len(names) - _NAMED_CANDIDATES
            listed = ", ".join(names[:_NAMED_CANDIDATES]) + (
                f" and {more} more" if more > 0 else ""
            )
            text += f"; it may be any of {listed}"
        return text


def _is_collection(path: list[Step]) -> bool:
    """Return True if the value at `path` is an attribute holding a list or set of links."""
    return bool(path) and isinstance(path[-1], str) and _is_collection_name(path[-1])


def _refs(node: Blocks | Expression) -> tuple[str, ...]:
    """Return the references of an expression node, or of every expression in blocks."""
    if isinstance(node, Expression):
        return node.references
    return all_references(list(node.bodies))


def _linkable(name: str | None, candidates: list[Candidate]) -> bool:
    """Return True if attribute `name` names objects and the candidates are such names."""
    if not _is_link_name(name):
        return False
    for candidate in candidates:
        attr = candidate.attr
        if attr is not None and not _is_link_name(attr.split(".")[-1].split("[")[0]):
            return False
    return True


def _ref_at(candidate: Candidate, name: str | None) -> Ref:
    """Return the Ref for `candidate` as attribute `name`; a whole object is its arn for
    *_arn(s)."""
    arn = name is not None and name.endswith(("_arn", "_arns"))
    return _ref(candidate, "arn" if arn else "id")


def _unset(node: Node, key: str) -> bool:
    """Return True if `node` is configuration blocks none of which sets `key`."""
    if not isinstance(node, Blocks):
        return False
    bodies = node.bodies
    return key not in bodies[0] if len(bodies) == 1 else all(key not in b for b in bodies)


def _ref(candidate: Candidate, whole: str) -> Ref:
    """Return the Ref for a candidate; a whole-object reference means attribute `whole`."""
    return Ref(candidate.address, candidate.attr or whole)


def _name(path: list[Step]) -> str | None:
    """Return the name of the attribute at `path` (its last name step), None at the top."""
    for step in reversed(path):
        if isinstance(step, str):
            return step
    return None


def _holes(node: Blocks | Expression) -> int:
    """Return how many unknown values share the references of `node`."""
    return node.holes if isinstance(node, Expression) else 1


def _attr_text(path: list[Step]) -> str:
    """Return the attribute path text (``ingress[0].security_groups``)."""
    return format_steps(path) if path else "value"
