"""The shared state of one build: the resolver, the per-VPC default objects, field readers.

`Context.address` turns a resolved `Target` into the address of the *model* object it
denotes: ``aws_vpc.main`` attribute ``default_security_group_id`` is the VPC's default
security group (the adopting `aws_default_security_group` or the implicit one).
`Fields` reads typed values out of one resource (or one nested block) and collects the
reasons for everything it could not know, in words that go into findings verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from tfvpc.aws.links import Link, Resolver, Target
from tfvpc.aws.values import (
    PROTOCOL_NUMBERS,
    as_bool,
    as_int,
    as_str,
    canonical_cidr,
    is_unset,
    protocol_number,
)
from tfvpc.load.resources import Ref, ResourceInstance, SourceLocation, Unknown, Value
from tfvpc.model import Location, implicit_address

VPC_TYPES = ("aws_vpc", "aws_default_vpc")

_T = TypeVar("_T")

DefaultKind = Literal["route_table", "nacl", "security_group"]

_IMPLICIT_NAMES: dict[DefaultKind, str] = {
    "route_table": "main_route_table",
    "nacl": "default_nacl",
    "security_group": "default_security_group",
}


@dataclass(frozen=True)
class VpcDefaults:
    """Model addresses of the objects AWS creates with a VPC (adopted or implicit)."""

    route_table: str
    nacl: str
    security_group: str

    def of(self, kind: DefaultKind) -> str:
        """Return the model address of the default object of `kind`."""
        if kind == "route_table":
            return self.route_table
        return self.nacl if kind == "nacl" else self.security_group


@dataclass(frozen=True)
class Resolved:
    """Model addresses a reference resolved to, and why it is not fully known.

    `addresses` holds model addresses of objects of the input, then the raw text of
    external ones (ids, data sources), which `external` repeats. Several addresses come
    from an ambiguous reference or a list; `unknowns` then explains.
    """

    addresses: tuple[str, ...] = ()
    external: tuple[str, ...] = ()
    unknowns: tuple[str, ...] = ()

    @property
    def single(self) -> str | None:
        """Return the one address when exactly one was resolved, else None."""
        return self.addresses[0] if len(self.addresses) == 1 else None

    def merged(self, other: Resolved) -> Resolved:
        """Return the union of two resolutions, keeping order and dropping repeats."""
        return Resolved(
            _union(self.addresses, other.addresses),
            _union(self.external, other.external),
            _union(self.unknowns, other.unknowns),
        )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return first + tuple(item for item in dict.fromkeys(second) if item not in first)


@dataclass
class Context:
    """Everything a concern module needs to turn resources into model objects."""

    resolver: Resolver
    defaults: dict[str, VpcDefaults] = field(default_factory=dict)
    # Canonical form of each CIDR text met in this build: rules repeat a few CIDRs thousands
    # of times, and `ipaddress` parsing was a tenth of the build.
    _cidrs: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)
    # What each distinct reference resolves to: thousands of resources name the same few
    # subnets, groups and VPCs.
    _references: dict[tuple[str, str], Resolved | None] = field(
        default_factory=dict, init=False, repr=False
    )
    # The default objects of each VPC, asked for once per subnet or interface.
    _candidates: dict[tuple[str, DefaultKind], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False
    )
    # One model location per distinct source position (a plan gives every resource the same).
    _locations: dict[tuple[str, int | None], Location] = field(
        default_factory=dict, init=False, repr=False
    )

    def address(self, target: Target) -> str:
        """Return the model address of the object a resolved target denotes."""
        resource = self.resolver.resource(target.address)
        if resource is None:
            return target.address
        if resource.type in VPC_TYPES:
            defaults = self.defaults.get(resource.address)
            if defaults is None:
                return target.address
            if target.attr in ("default_route_table_id", "main_route_table_id"):
                return defaults.route_table
            if target.attr == "default_network_acl_id":
                return defaults.nacl
            if target.attr == "default_security_group_id":
                return defaults.security_group
        if resource.type == "aws_vpc_endpoint" and target.attr == "prefix_list_id":
            return implicit_address(resource.address, "prefix_list")
        if resource.type == "aws_vpc_peering_connection_accepter":
            # The accepter's id is the peering connection's id.
            link = self.resolver.link(
                resource.values.get("vpc_peering_connection_id"),
                f"vpc_peering_connection_id of {resource.address}",
            )
            named = [t for t in link.targets if t.address != resource.address]
            if len(named) == 1 and not link.unknown:
                return self.address(Target(named[0].address))
            if not link.targets and link.external is not None:
                return link.external
        return target.address

    def uncertain(self, address: str) -> tuple[str, ...]:
        """Return why the resource at `address` may not exist (an unknown ``count`` or
        ``for_each``); empty when it certainly does or is not in the input."""
        resource = self.resolver.resource(address)
        return resource.uncertain if resource is not None else ()

    def default_candidates(self, vpc: str, kind: DefaultKind) -> tuple[str, ...]:
        """Return the model addresses the default object of `kind` of `vpc` may be.

        Normally one: the adopting resource or the implicit object. When the adopter may not
        exist (`uncertain`), AWS's own object as it creates it is the other candidate; the
        builders then hold both, the implicit one's content carrying the adopter's reasons.
        """
        key = (vpc, kind)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = self._default_candidates(vpc, kind)
        return found

    def _default_candidates(self, vpc: str, kind: DefaultKind) -> tuple[str, ...]:
        defaults = self.defaults.get(vpc)
        if defaults is None:
            return ()
        adopted = defaults.of(kind)
        implicit = implicit_address(vpc, _IMPLICIT_NAMES[kind])
        if adopted != implicit and self.uncertain(adopted):
            return (adopted, implicit)
        return (adopted,)

    def canonical_cidr(self, value: object) -> str | None:
        """Return `canonical_cidr(value)` (R-CIDR-1), parsing each distinct text once per build."""
        if not isinstance(value, str):
            return canonical_cidr(value)
        if value in self._cidrs:
            return self._cidrs[value]
        found = self._cidrs[value] = canonical_cidr(value)
        return found

    def from_link(self, link: Link) -> Resolved:
        """Return the model addresses of a `Link` with its unknown reason."""
        targets = link.targets
        if len(targets) == 1:
            # The common case: one target needs no de-duplication.
            addresses: tuple[str, ...] = (self.address(targets[0]),)
        else:
            addresses = tuple(dict.fromkeys(self.address(t) for t in targets))
        external = (link.external,) if link.external is not None else ()
        unknowns = (link.unknown,) if link.unknown is not None else ()
        return Resolved(addresses + external, external, unknowns)

    def reference(self, ref: Ref) -> Resolved | None:
        """Return what the reference `ref` resolves to (each distinct reference is resolved once
        per build), or None when its chain is too long to follow (`resolve` words that)."""
        key = (ref.address, ref.attr)
        try:
            return self._references[key]
        except KeyError:
            link = self.resolver.reference(ref)
            found = self._references[key] = None if link is None else self.from_link(link)
            return found

    def resolve(self, value: Value, what: str) -> Resolved:
        """Return what a single reference value resolves to."""
        if isinstance(value, Ref):
            found = self.reference(value)
            if found is not None:
                return found
        return self.from_link(self.resolver.link(value, what))

    def resolve_all(self, value: Value, what: str) -> Resolved:
        """Return what every element of a list-valued reference resolves to, merged."""
        if isinstance(value, list):
            parts = []
            for i, item in enumerate(value):
                found = self.reference(item) if isinstance(item, Ref) else None
                if found is None:
                    found = self.from_link(self.resolver.link(item, f"{what}[{i}]"))
                parts.append(found)
        else:
            parts = [self.from_link(link) for link in self.resolver.links(value, what)]
        if len(parts) == 1:
            only = parts[0]
            if len(only.addresses) < 2 and len(only.external) < 2 and len(only.unknowns) < 2:
                # Nothing to merge or de-duplicate.
                return only
        # One pass over all parts equals folding `Resolved.merged` over them, without building
        # the intermediate unions.
        addresses: list[str] = []
        external: list[str] = []
        unknowns: list[str] = []
        for found in parts:
            addresses += found.addresses
            external += found.external
            unknowns += found.unknowns
        return Resolved(
            tuple(dict.fromkeys(addresses)),
            tuple(dict.fromkeys(external)),
            tuple(dict.fromkeys(unknowns)),
        )

    def location(self, resource: ResourceInstance, block: str | None = None) -> Location | None:
        """Return `location_of(resource, block)`, one object per distinct source position of
        the build (the builders of numerous objects use this)."""
        found = resource.location
        if block is not None:
            found = resource.block_locations.get(block, found)
        if found is None:
            return None
        key = (found.file, found.line)
        location = self._locations.get(key)
        if location is None:
            location = self._locations[key] = Location(file=found.file, line=found.line)
        return location

    def fields(self, resource: ResourceInstance) -> Fields:
        """Return a reader for the top-level attributes of `resource`.

        Its `unknowns` start with the reasons why the resource may not exist as described
        (`ResourceInstance.uncertain`), so every object built from it carries them (R-MODEL-1).
        """
        return Fields(self, resource.values, resource.address, uncertain=resource.uncertain)

    def block_fields(self, resource: ResourceInstance, values: Value, path: str) -> Fields:
        """Return a reader for one nested block (``ingress[0]``) of `resource`, starting with
        the resource's uncertainty like `fields`."""
        mapping = values if isinstance(values, dict) else {}
        return Fields(self, mapping, resource.address, f"{path}.", resource.uncertain)

    def nested(self, parent: Fields, values: Value, path: str) -> Fields:
        """Return a reader for a block nested in another (``forward[0]`` of ``action[0]``),
        starting with the uncertainty of the parent's resource."""
        mapping = values if isinstance(values, dict) else {}
        return Fields(self, mapping, parent.owner, f"{parent.prefix}{path}.", parent.uncertain)


def location_of(resource: ResourceInstance, block: str | None = None) -> Location | None:
    """Return the model location of `resource`, or of its nested block ``"ingress.0"``."""
    found: SourceLocation | None = resource.location
    if block is not None:
        found = resource.block_locations.get(block, found)
    return None if found is None else Location(file=found.file, line=found.line)


class Fields:
    """Typed reads of one attribute map, collecting why values are unknown.

    `uncertain` are the reasons why the owning resource may not exist at all (an unknown
    ``count``/``for_each``); `unknowns` starts with them.
    """

    __slots__ = ("ctx", "owner", "prefix", "uncertain", "unknowns", "values")

    def __init__(
        self,
        ctx: Context,
        values: dict[str, Value],
        owner: str,
        prefix: str = "",
        uncertain: tuple[str, ...] = (),
    ):
        self.ctx = ctx
        self.values = values
        self.owner = owner
        self.prefix = prefix
        self.uncertain = tuple(dict.fromkeys(uncertain)) if uncertain else ()
        self.unknowns: list[str] = list(self.uncertain)

    def what(self, attr: str) -> str:
        """Return how to name attribute `attr` in messages (``ingress[0].cidr_blocks of X``)."""
        return f"{self.prefix}{attr} of {self.owner}"

    def note(self, reason: str) -> None:
        """Record a reason why something about this object is unknown (once)."""
        if reason not in self.unknowns:
            self.unknowns.append(reason)

    def reason(self, attr: str) -> str:
        """Return why `attr` is unknown: the front end's reason, or a generic sentence."""
        value = self.raw(attr)
        if isinstance(value, Unknown):
            return value.reason
        return f"{self.what(attr)} is unknown"

    def has(self, attr: str) -> bool:
        """Return True when `attr` is set (present, not null and not ``""``)."""
        return not is_unset(self.values.get(attr))

    def raw(self, attr: str) -> Value:
        """Return the value of `attr` with references dereferenced to literals."""
        return self.ctx.resolver.scalar(self.values.get(attr))

    def _typed(self, attr: str, convert: Callable[[object], _T | None], kind: str) -> _T | None:
        value = self.raw(attr)
        if is_unset(value):
            return None
        if isinstance(value, Unknown):
            self.note(value.reason)
            return None
        converted = convert(value)
        if converted is None:
            self.note(f"{self.what(attr)} is not a valid {kind}: {value!r}")
        return converted

    def text(self, attr: str) -> str | None:
        """Return `attr` as a string, or None when unset or unknown (noted)."""
        value = self.values.get(attr)
        if type(value) is str:
            # A literal needs no conversion ("" is unset): the common case, read directly.
            return value or None
        return self._typed(attr, as_str, "string")

    def integer(self, attr: str) -> int | None:
        """Return `attr` as an int, or None when unset or unknown (noted)."""
        value = self.values.get(attr)
        if type(value) is int:
            return value
        return self._typed(attr, as_int, "number")

    def cidr(self, attr: str) -> str | None:
        """Return `attr` as a canonical CIDR (R-CIDR-1), or None when unset or unknown (noted)."""
        value = self.values.get(attr)
        if type(value) is str:
            cidr = self.ctx.canonical_cidr(value)
            if cidr is not None:
                return cidr
        return self._typed(attr, self.ctx.canonical_cidr, "CIDR")

    def protocol(self, attr: str) -> int | None:
        """Return `attr` as an IANA protocol number (R-SG-7), or None when unset or unknown."""
        value = self.values.get(attr)
        if type(value) is str:
            # A protocol spelled as AWS lists it: `protocol_number` would return the same.
            number = PROTOCOL_NUMBERS.get(value)
            if number is not None:
                return number
        return self._typed(attr, protocol_number, "protocol")

    def flag(self, attr: str, default: bool) -> bool | None:
        """Return `attr` as a bool; `default` when unset (R-TF-3); None when unknown (noted)."""
        value = self.values.get(attr)
        if type(value) is bool:
            return value
        if is_unset(value):
            return default
        return self._typed(attr, as_bool, "boolean")

    def one(self, attr: str) -> Resolved:
        """Return what the reference in `attr` resolves to; its unknowns are noted."""
        value = self.values.get(attr)
        # A reference resolves the same wherever it is; only other values need the name.
        found = self.ctx.reference(value) if isinstance(value, Ref) else None
        if found is None:
            found = self.ctx.resolve(value, self.what(attr))
        for reason in found.unknowns:
            self.note(reason)
        return found

    def many(self, attr: str) -> Resolved:
        """Return what the list of references in `attr` resolves to; unknowns are noted."""
        found = self.ctx.resolve_all(self.values.get(attr), self.what(attr))
        for reason in found.unknowns:
            self.note(reason)
        return found

    def blocks(self, attr: str) -> list[Value] | None:
        """Return the nested blocks of `attr` as a list; None when unset or unknown (noted)."""
        value = self.values.get(attr)
        if value is None:
            return None
        if isinstance(value, Unknown):
            self.note(value.reason)
            return None
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list):
            return list(value)
        self.note(f"{self.what(attr)} is not a list of blocks: {value!r}")
        return None
