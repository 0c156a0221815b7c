"""Resolving attribute values that name other resources (R-LINK-1).

A value that names another object arrives in one of four forms:

* `Ref(address, attr)` - an attribute of another resource instance of the input;
* a literal id or ARN (``"vpc-0abc"``) - looked up in an index built from every resource's
  literal `id` and `arn` and a few other identifying attributes, which is how state files
  and plans against existing infrastructure link; an id not in the index stays *external*
  and keeps its raw text;
* `Unknown` with candidates - the link may be any of them (ambiguous);
* `Unknown` without candidates - nothing is known but the reason.

`Resolver.link` turns one such value into a `Link`; `Resolver.scalar` dereferences `Ref`s
to literal data (``cidr_blocks = [aws_vpc.main.cidr_block]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tfvpc.aws.values import is_unset
from tfvpc.load.resources import Ref, ResourceInstance, Unknown, Value

_MAX_DEPTH = 8

# Attributes that identify a resource besides `id` and `arn` (R-LINK-1).
_IDENTITY_ATTRS: dict[str, tuple[str, ...]] = {
    "aws_eip": ("allocation_id", "public_ip"),
    "aws_db_subnet_group": ("name",),
}

# Attributes that carry the id of *another* object the resource implies; indexed only when
# no resource declares that id itself (an adopting aws_default_route_table wins).
_ALIAS_ATTRS: dict[str, tuple[str, ...]] = {
    "aws_vpc": (
        "default_route_table_id",
        "main_route_table_id",
        "default_network_acl_id",
        "default_security_group_id",
    ),
    "aws_instance": ("primary_network_interface_id",),
}
_ALIAS_ATTRS["aws_default_vpc"] = _ALIAS_ATTRS["aws_vpc"]

# Types whose `id` repeats the id of another resource (the accepter side of a peering).
_SECONDARY_TYPES = frozenset({"aws_vpc_peering_connection_accepter"})


@dataclass(frozen=True)
class Target:
    """Attribute `attr` of the resource instance at `address` (``id`` names the object itself)."""

    address: str
    attr: str = "id"


@dataclass(frozen=True)
class Link:
    """What one reference resolved to.

    `targets` are resource instances of the input (several when the reference was ambiguous,
    and `unknown` then says so). `external` is the raw id, data-source reference or missing
    address for an object the input does not declare. `unknown` is the reason text when the
    link could not be resolved (or was ambiguous).
    """

    targets: tuple[Target, ...] = ()
    external: str | None = None
    unknown: str | None = None

    @property
    def is_empty(self) -> bool:
        """Return True when the value was unset: no target, no external id and nothing unknown."""
        return not self.targets and self.external is None and self.unknown is None


class Resolver:
    """Index of the input's resource instances, by address, type and literal id."""

    def __init__(self, resources: Iterable[ResourceInstance]) -> None:
        self._by_address: dict[str, ResourceInstance] = {}
        self._by_type: dict[str, list[ResourceInstance]] = {}
        primary: dict[str, Target] = {}
        secondary: dict[str, Target] = {}
        # Per type: the attributes that identify its instances, each with the table it goes to.
        plans: dict[str, list[tuple[dict[str, Target], str]]] = {}
        by_address, by_type = self._by_address, self._by_type
        for resource in resources:
            address = resource.address
            if address in by_address:
                continue
            by_address[address] = resource
            if resource.mode != "managed":
                continue
            type_ = resource.type
            found = by_type.get(type_)
            if found is None:
                found = by_type[type_] = []
                own = secondary if type_ in _SECONDARY_TYPES else primary
                attrs = ("id", "arn", *_IDENTITY_ATTRS.get(type_, ()))
                plans[type_] = [(own, attr) for attr in attrs]
                plans[type_] += [(secondary, attr) for attr in _ALIAS_ATTRS.get(type_, ())]
            found.append(resource)
            values = resource.values
            for table, attr in plans[type_]:
                literal = values.get(attr)
                if isinstance(literal, str) and literal and literal not in table:
                    table[literal] = Target(address, attr)
        for literal, target in secondary.items():
            primary.setdefault(literal, target)
        self._ids = primary

    @property
    def resources(self) -> Sequence[ResourceInstance]:
        """Return every resource instance (managed and data), first occurrence of each address."""
        return tuple(self._by_address.values())

    def type_counts(self) -> dict[str, int]:
        """Return how many managed instances the input has of each type, in input order."""
        return {type_: len(found) for type_, found in self._by_type.items()}

    def resource(self, address: str) -> ResourceInstance | None:
        """Return the resource instance at `address`, or None if the input has none."""
        return self._by_address.get(address)

    def of_type(self, *types: str) -> list[ResourceInstance]:
        """Return the managed instances of the given types, in input order per type."""
        found: list[ResourceInstance] = []
        for type_ in types:
            found.extend(self._by_type.get(type_, ()))
        return found

    def lookup_id(self, literal: str) -> Target | None:
        """Return the resource attribute that declares the literal id/ARN, or None if external."""
        return self._ids.get(literal)

    def link(self, value: Value, what: str) -> Link:
        """Return what a single reference value (`what` names it for messages) resolves to."""
        return self._link(value, what, 0)

    def reference(self, ref: Ref) -> Link | None:
        """Return what the reference `ref` resolves to, or None when its chain of references is
        too long to follow (`link` words that reason with the name of the attribute)."""
        return self._link_ref(ref, 0)

    def links(self, value: Value, what: str) -> list[Link]:
        """Return one `Link` per element of a list-valued reference attribute.

        An unknown list gives one link carrying its candidates and reason; unset elements
        (``None``/``""``) are skipped.
        """
        return self._links(value, what, 0)

    def _links(self, value: Value, what: str, depth: int) -> list[Link]:
        if is_unset(value):
            return []
        if isinstance(value, list):
            found = [self._link(item, f"{what}[{i}]", depth) for i, item in enumerate(value)]
            return [link for link in found if not link.is_empty]
        if isinstance(value, Ref) and depth < _MAX_DEPTH:
            target = self._by_address.get(value.address)
            if target is not None and isinstance(target.values.get(value.attr), list):
                return self._links(target.values[value.attr], what, depth + 1)
        link = self._link(value, what, depth)
        return [] if link.is_empty else [link]

    def _link(self, value: Value, what: str, depth: int) -> Link:
        if is_unset(value):
            return Link()
        if not isinstance(value, (str, Ref, Unknown)):
            if depth >= _MAX_DEPTH:
                return Link(unknown=_too_long(what))
            return Link(unknown=f"{what} is not a reference: {value!r}")
        found = self._follow(value, depth)
        return Link(unknown=_too_long(what)) if found is None else found

    def _follow(self, value: str | Ref | Unknown, depth: int) -> Link | None:
        """Return what a set reference value resolves to, None when the chain is too long.

        Nothing here depends on the attribute's name, so results can be shared between
        attributes that hold the same reference.
        """
        if depth >= _MAX_DEPTH:
            return None
        if isinstance(value, str):
            target = self._ids.get(value)
            return Link(targets=(target,)) if target else Link(external=value)
        if isinstance(value, Ref):
            return self._link_ref(value, depth)
        return self._link_unknown(value, depth)

    def _link_ref(self, ref: Ref, depth: int) -> Link | None:
        target = self._by_address.get(ref.address)
        if target is None:
            return Link(external=ref.address)
        stored = target.values.get(ref.attr)
        if target.mode == "data":
            # Data sources are not modelled: their ids are external (R-LINK-1 step 5),
            # unless the id they read is declared by a managed resource of the input.
            if isinstance(stored, str) and stored:
                return self._follow(stored, depth + 1)
            suffix = "" if ref.attr == "id" else f".{ref.attr}"
            return Link(external=f"{ref.address}{suffix}")
        if ref.attr in ("id", "arn") or is_unset(stored):
            return Link(targets=(Target(ref.address, ref.attr),))
        if isinstance(stored, (str, Ref, Unknown)):
            return self._follow(stored, depth + 1)
        return Link(targets=(Target(ref.address, ref.attr),))

    def _link_unknown(self, unknown: Unknown, depth: int) -> Link:
        if not unknown.candidates:
            return Link(unknown=unknown.reason)
        targets: list[Target] = []
        externals: list[str] = []
        for candidate in unknown.candidates:
            found = self._link_ref(candidate, depth + 1)
            if found is None:
                # A candidate whose chain is too long names nothing.
                continue
            targets.extend(t for t in found.targets if t not in targets)
            if found.external is not None and found.external not in externals:
                externals.append(found.external)
        if len(targets) + len(externals) == 1:
            # A single candidate determines the link: nothing is ambiguous.
            return Link(targets=tuple(targets), external=externals[0] if externals else None)
        names = ", ".join([t.address for t in targets] + externals)
        return Link(
            targets=tuple(targets),
            external=externals[0] if externals and not targets else None,
            unknown=f"{unknown.reason} (may be any of: {names})",
        )

    def scalar(self, value: Value) -> Value:
        """Return `value` with every `Ref` replaced by the literal it points at, recursively.

        A `Ref` whose target or attribute is not in the input becomes an `Unknown` naming it.
        """
        if not isinstance(value, (list, dict, Ref)):
            # Most values are literals: skip the recursive walk (a call per attribute read).
            return value
        return self._scalar(value, 0)

    def _scalar(self, value: Value, depth: int) -> Value:
        if isinstance(value, list):
            return [self._scalar(item, depth) for item in value]
        if isinstance(value, dict):
            return {key: self._scalar(item, depth) for key, item in value.items()}
        if not isinstance(value, Ref):
            return value
        target = self._by_address.get(value.address)
        if target is None:
            return Unknown(f"{value.attr} of {value.address}: {value.address} is not in the input")
        stored = target.values.get(value.attr)
        if is_unset(stored) or (isinstance(stored, Ref) and depth >= _MAX_DEPTH):
            return Unknown(f"{value.attr} of {value.address} is not known before apply")
        return self._scalar(stored, depth + 1)


def _too_long(what: str) -> str:
    return f"{what} could not be resolved (reference chain too long)"
