"""What every exposable-service builder shares: placement, groups, names and node attachments.

Services (load balancers, auto-scaling groups, databases, clusters, functions, endpoints) put
network interfaces into subnets that the service chooses. Each becomes one synthetic
`Attachment` per subnet, addressed ``<resource>@<subnet>`` and reported on the service
(`Attachment.resource`). A service created without security groups gets its VPC's default
group (R-SG-11) unless its own rules say otherwise (an NLB, R-LB-4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfvpc.aws.addressing import PublicIpv4
from tfvpc.aws.context import Context, Fields, Resolved, location_of
from tfvpc.aws.links import Target
from tfvpc.load.resources import Ref, ResourceInstance, Value
from tfvpc.model import Attachment, Listener, PublicIpSource, Subnet, Vpc


@dataclass
class ServiceEnv:
    """The parts of the build that service builders read, and the attachments built so far."""

    ctx: Context
    vpcs: dict[str, Vpc]
    subnets: dict[str, Subnet]
    attachments: dict[str, Attachment]
    provider_version: str | None = None


@dataclass(frozen=True)
class Placement:
    """The subnets a service is (or may be) in: every address, and those the model holds."""

    addresses: tuple[str, ...]
    known: tuple[Subnet, ...]

    def vpcs(self) -> tuple[str, ...]:
        """Return the VPCs of the known subnets, in order, each once."""
        return tuple(dict.fromkeys(s.vpc for s in self.known if s.vpc is not None))


def placement_of(env: ServiceEnv, found: Resolved, owner: str, notes: list[str]) -> Placement:
    """Return the placement of resolved subnet references, noting subnets not in the input."""
    notes.extend(f"subnet {e} of {owner} is not in the input" for e in found.external)
    known = tuple(env.subnets[a] for a in found.addresses if a in env.subnets)
    return Placement(found.addresses, known)


def default_groups(
    env: ServiceEnv, placement: Placement, owner: str, notes: list[str]
) -> list[str]:
    """Return the default security group of the service's VPC (R-SG-11), noting when the VPC
    is not in the input (both AWS's own and the adopting one when the adopter may not exist)."""
    vpcs = [v for v in placement.vpcs() if v in env.vpcs]
    if not vpcs:
        notes.append(f"{owner} uses the default security group of a VPC that is not in the input")
    return [g for v in vpcs for g in env.ctx.default_candidates(v, "security_group")]


def is_configured(fields: Fields, attr: str) -> bool:
    """Return True when `attr` holds a non-empty list or an unknown value."""
    return fields.has(attr) and fields.raw(attr) != []


def groups_of(
    env: ServiceEnv, fields: Fields, attr: str, placement: Placement, notes: list[str]
) -> list[str]:
    """Return the groups `attr` names, or the VPC default group when none is configured."""
    if is_configured(fields, attr):
        return list(fields.many(attr).addresses)
    return default_groups(env, placement, fields.owner, notes)


def named(ctx: Context, value: Value, types: tuple[str, ...], attr: str, what: str) -> Resolved:
    """Return what a reference by name or identifier (``db_subnet_group_name``) resolves to.

    Names are not ids, so a literal is looked up among the resources of `types` whose `attr`
    holds it; a reference to any attribute of a resource names that resource; anything else
    falls back to the id/ARN index (R-LINK-1).
    """
    if isinstance(value, Ref) and ctx.resolver.resource(value.address) is not None:
        return Resolved((ctx.address(Target(value.address)),))
    if isinstance(value, str) and value:
        matches = [
            resource.address
            for resource in ctx.resolver.of_type(*types)
            if ctx.resolver.scalar(resource.values.get(attr)) == value
        ]
        if len(matches) == 1:
            return Resolved((matches[0],))
        if len(matches) > 1:
            return Resolved(tuple(matches), (), (f"{what} {value!r} names several resources",))
    return ctx.resolve(value, what)


@dataclass
class NodeSpec:
    """What one service's interfaces look like, before they are split per subnet."""

    resource: ResourceInstance
    owner: str
    kind: str
    placement: Placement
    groups: list[str]
    public: PublicIpv4 = field(default_factory=lambda: PublicIpv4(False))
    ipv6: bool | None = False
    listeners: tuple[Listener, ...] = ()
    related: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def node_attachments(
    spec: NodeSpec, *, per_subnet: bool = True, one_of: bool = False
) -> list[Attachment]:
    """Return the attachments of a service.

    With `per_subnet`, one attachment per subnet (``owner@subnet``): its interfaces spread over
    every subnet, or, with `one_of`, it sits in one of them that AWS picks and the candidates are
    alike enough to be analysed one by one (each then records all candidates). Without
    `per_subnet`, one attachment holding every candidate subnet (an ambiguous placement). One
    subnet gives ``owner@subnet``; none gives one attachment at the owner's address.
    """
    addresses = spec.placement.addresses
    if per_subnet and len(addresses) > 1:
        choice = addresses if one_of else ()
        return [_node(spec, _at(spec, subnet), (subnet,), choice) for subnet in addresses]
    address = _at(spec, addresses[0]) if len(addresses) == 1 else spec.owner
    return [_node(spec, address, addresses)]


def _at(spec: NodeSpec, subnet: str) -> str:
    return f"{spec.owner}@{subnet}"


def _node(
    spec: NodeSpec, address: str, subnets: tuple[str, ...], choice: tuple[str, ...] = ()
) -> Attachment:
    related = [spec.owner, *spec.related, *subnets, *spec.groups]
    if spec.public.evidence is not None:
        related.append(spec.public.evidence)
    return Attachment(
        address=address,
        location=location_of(spec.resource),
        unknowns=tuple(dict.fromkeys(spec.notes)),
        kind=spec.resource.type,
        resource=spec.owner,
        subnets=subnets,
        security_groups=tuple(dict.fromkeys(spec.groups)),
        public_ipv4=spec.public.value,
        public_ipv4_via=spec.public.via if spec.public.value is not False else None,
        public_ipv4_evidence=spec.public.evidence if spec.public.value is not False else None,
        ipv6=spec.ipv6,
        listeners=spec.listeners,
        related=tuple(dict.fromkeys(r for r in related if r != address)),
        placed_in_one_of=choice,
    )


def public_flag(
    fields: Fields, attr: str, default: bool, via: PublicIpSource, evidence: str
) -> PublicIpv4:
    """Return a service's public IPv4 from a boolean flag such as ``publicly_accessible``
    (`default` when unset, R-TF-3; None when unknown)."""
    value = fields.flag(attr, default)
    if value is False:
        return PublicIpv4(False)
    return PublicIpv4(value, via, evidence)


def add_all(built: dict[str, Attachment], attachments: Iterable[Attachment]) -> list[str]:
    """Add attachments to `built` (first one wins on a repeated address); return their
    addresses."""
    added: list[str] = []
    for attachment in attachments:
        built.setdefault(attachment.address, attachment)
        added.append(attachment.address)
    return added
