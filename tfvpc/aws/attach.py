"""Attachments: instances and network interfaces with their subnets, groups and addresses.

An instance is one attachment (its primary interface). A standalone ENI is its own
attachment; when it is attached to an instance as a secondary interface it is reported under
that instance. An instance launched on a pre-existing ENI takes subnet and groups from it; one
launched from a launch template takes from the template what it does not set itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.addressing import (
    EipClaim,
    PublicIpv4,
    auto_public_ipv4,
    eip_claims,
    ipv6_of,
    subnet_ipv6,
    subnet_public_ipv4,
    with_eips,
)
from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.defaults import default_vpc_link, default_vpcs, placed_by_default
from tfvpc.aws.sg import group_names
from tfvpc.aws.templates import (
    TemplateSource,
    TemplateView,
    missing,
    nested_blocks,
    specification,
    template_view,
)
from tfvpc.aws.values import as_int
from tfvpc.aws.vpc import standin_subnet_address
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Attachment, SecurityGroup, Subnet, Vpc


@dataclass
class _Links:
    """How instances and ENIs of the input are tied together."""

    primary_eni: dict[str, str] = field(default_factory=dict)
    """instance address -> address (or external id) of the ENI it was launched on."""
    eni_instance: dict[str, str] = field(default_factory=dict)
    """ENI address -> instance it is attached to."""
    extra_groups: dict[str, Resolved] = field(default_factory=dict)
    """instance or ENI address -> groups added by aws_network_interface_sg_attachment."""
    related: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Env:
    ctx: Context
    vpcs: dict[str, Vpc]
    subnets: dict[str, Subnet]
    groups: dict[str, SecurityGroup]
    names: dict[str, list[str]]
    links: _Links
    eips: dict[str, list[EipClaim]] = field(default_factory=dict)
    primary_of: dict[str, str] = field(default_factory=dict)
    placed_by_default: frozenset[str] = frozenset()
    """The resources of the input that are `in_default_vpc`."""
    # One placement per distinct set of subnet addresses: most instances share a few subnets.
    placements: dict[tuple[str, ...], _Placement] = field(default_factory=dict)
    by_subnets: dict[tuple[str, ...], tuple[PublicIpv4, bool | None]] = field(default_factory=dict)

    def holder(self, address: str) -> str:
        """Return the attachment address that represents an instance or ENI address."""
        return self.primary_of.get(address, address)

    def subnet_addresses(
        self, placement: _Placement, owner: str, notes: list[str]
    ) -> tuple[PublicIpv4, bool | None]:
        """Return the public IPv4 (R-IP-1) and IPv6 (R-IP-4) addresses the subnets of
        `placement` give a new primary interface of `owner` that sets neither itself."""
        found = self.by_subnets.get(placement.addresses)
        if found is not None:
            return found
        reasons: list[str] = []
        found = (
            subnet_public_ipv4(placement.known, owner, reasons),
            subnet_ipv6(placement.known, reasons),
        )
        if not reasons:
            # Nothing unknown, so nothing says `owner`: every interface there gets the same.
            self.by_subnets[placement.addresses] = found
        notes += reasons
        return found

    def placement(self, addresses: tuple[str, ...]) -> _Placement:
        """Return the placement in the subnets at `addresses` (any, in or not in the input)."""
        found = self.placements.get(addresses)
        if found is None:
            known = tuple(self.subnets[a] for a in addresses if a in self.subnets)
            found = self.placements[addresses] = _Placement(addresses, known)
        return found


def _instance_interfaces(ctx: Context, links: _Links) -> None:
    for instance in ctx.resolver.of_type("aws_instance"):
        values = instance.values
        if (
            values.get("network_interface") is None
            and values.get("primary_network_interface") is None
        ):
            continue  # the common case: no interface blocks to read
        fields = ctx.fields(instance)
        blocks = [(b, "network_interface") for b in fields.blocks("network_interface") or []]
        blocks += [
            (b, "primary_network_interface")
            for b in fields.blocks("primary_network_interface") or []
        ]
        for i, (block, attr) in enumerate(blocks):
            block_fields = ctx.block_fields(instance, block, f"{attr}[{i}]")
            eni = block_fields.one("network_interface_id").single
            if eni is None:
                continue
            device = block_fields.integer("device_index")
            if attr == "primary_network_interface" or device in (0, None):
                links.primary_eni.setdefault(instance.address, eni)
            links.eni_instance[eni] = instance.address
            links.related.setdefault(instance.address, []).append(eni)


def _eni_attachments(ctx: Context, links: _Links) -> None:
    for eni in ctx.resolver.of_type("aws_network_interface"):
        fields = ctx.fields(eni)
        for i, block in enumerate(fields.blocks("attachment") or []):
            block_fields = ctx.block_fields(eni, block, f"attachment[{i}]")
            instance = block_fields.one("instance").single
            if instance is None:
                continue
            links.eni_instance.setdefault(eni.address, instance)
            if as_int(block_fields.raw("device_index")) == 0:
                links.primary_eni.setdefault(instance, eni.address)
    for attachment in ctx.resolver.of_type("aws_network_interface_attachment"):
        fields = ctx.fields(attachment)
        owner = fields.one("instance_id").single
        interface = fields.one("network_interface_id").single
        if owner is not None and interface is not None:
            links.eni_instance.setdefault(interface, owner)
            links.related.setdefault(interface, []).append(attachment.address)


def _sg_attachments(env: _Env) -> None:
    for resource in env.ctx.resolver.of_type("aws_network_interface_sg_attachment"):
        fields = env.ctx.fields(resource)
        found = fields.one("security_group_id")
        # An attachment that may not exist adds its groups only possibly (R-MODEL-1).
        groups = Resolved(found.addresses, found.external, (*fields.uncertain, *found.unknowns))
        for eni in fields.one("network_interface_id").addresses:
            holder = env.holder(eni)
            current = env.links.extra_groups.get(holder, Resolved())
            env.links.extra_groups[holder] = current.merged(groups)
            env.links.related.setdefault(holder, []).append(resource.address)


def _configured(fields: Fields, attr: str) -> bool:
    """Return True when `attr` holds a non-empty list or an unknown value."""
    return fields.has(attr) and fields.raw(attr) != []


@dataclass(frozen=True)
class _Placement:
    """The subnets an interface is in: every resolved address, and the subnets of the input."""

    addresses: tuple[str, ...]
    known: tuple[Subnet, ...]


@dataclass
class _Facts:
    """What an attachment is made of, before EIPs and group attachments are added."""

    subnets: tuple[str, ...] = ()
    groups: list[str] = field(default_factory=list)
    public: PublicIpv4 = field(default_factory=lambda: PublicIpv4(False))
    ipv6: bool | None = False
    notes: list[str] = field(default_factory=list)


def _placement(env: _Env, fields: Fields, notes: list[str]) -> _Placement:
    found = fields.one("subnet_id")
    if found.external:
        notes.extend(f"subnet {e} of {fields.owner} is not in the input" for e in found.external)
    return env.placement(found.addresses)


def _default_placement(env: _Env, fields: Fields, notes: list[str]) -> _Placement:
    """Return the default subnets an instance that names no subnet may be launched in.

    In each default VPC: the declared default subnet of the instance's availability zone if
    there is one, else the declared ones whose zone may match plus the stand-in for those
    the input does not declare.
    """
    zone = fields.text("availability_zone")
    known: list[Subnet] = []
    for vpc in default_vpcs(env.ctx.resolver):
        declared = [
            env.subnets[resource.address]
            for resource in env.ctx.resolver.of_type("aws_default_subnet")
            if resource.address in env.subnets and env.subnets[resource.address].vpc == vpc
        ]
        # AWS keeps one default subnet per availability zone.
        same_zone = [s for s in declared if zone is not None and s.availability_zone == zone]
        if same_zone:
            known += same_zone
            continue
        known += [s for s in declared if zone is None or s.availability_zone is None]
        standin = env.subnets.get(standin_subnet_address(vpc))
        if standin is not None:
            known.append(standin)
    if not known:
        notes.append(_no_subnet(fields.owner))
    return _Placement(tuple(subnet.address for subnet in known), tuple(known))


def _no_subnet(owner: str) -> str:
    return f"{owner} has no subnet_id: it is launched in a default subnet of the default VPC"


def _default_groups(env: _Env, placement: _Placement, owner: str, notes: list[str]) -> list[str]:
    # R-SG-11: an interface created without security groups gets its VPC's default group.
    vpcs = [s.vpc for s in placement.known if s.vpc is not None and s.vpc in env.vpcs]
    if not placement.addresses:
        # No subnet at all: the interface is in the region's default VPC.
        link = default_vpc_link(env.ctx.resolver, owner)
        vpcs = [t.address for t in link.targets if t.address in env.vpcs]
    if not vpcs:
        notes.append(f"{owner} uses the default security group of a VPC that is not in the input")
    return list(
        dict.fromkeys(g for v in vpcs for g in env.ctx.default_candidates(v, "security_group"))
    )


def _groups_by_name(
    env: _Env, fields: Fields, placement: _Placement, notes: list[str]
) -> list[str]:
    found: list[str] = []
    raw = fields.raw("security_groups")
    for name in raw if isinstance(raw, list) else []:
        if name == "default":
            found += _default_groups(env, placement, fields.owner, notes)
        elif isinstance(name, str) and len(env.names.get(name, [])) == 1:
            found += env.names[name]
        elif isinstance(name, str) and env.ctx.resolver.lookup_id(name) is not None:
            found += fields.ctx.resolve(name, fields.what("security_groups")).addresses
        else:
            notes.append(f"security group {name!r} of {fields.owner} is not in the input")
    if raw is not None and not isinstance(raw, list):
        notes.append(fields.reason("security_groups"))
    return found


_NO_EXTRA = Resolved()


def _attachment(
    env: _Env, resource: ResourceInstance, address: str, owner: str, facts: _Facts
) -> Attachment:
    extra = env.links.extra_groups.get(address, _NO_EXTRA)
    groups = tuple(dict.fromkeys([*facts.groups, *extra.addresses]))
    notes = [*facts.notes, *extra.unknowns]
    related = [owner, address, *facts.subnets, *groups]
    public = facts.public
    claims = env.eips.get(address)
    if claims:
        public = with_eips(public, claims, notes)
        related += [r for claim in claims for r in claim.related]
    related += env.links.related.get(address, ())
    return Attachment(
        address=address,
        location=env.ctx.location(resource),
        unknowns=tuple(dict.fromkeys(notes)) if notes else (),
        kind=resource.type,
        resource=owner,
        subnets=facts.subnets,
        security_groups=groups,
        public_ipv4=public.value,
        public_ipv4_via=public.via,
        public_ipv4_evidence=public.evidence,
        ipv6=facts.ipv6,
        related=tuple(dict.fromkeys(related)),
    )


def _eni_facts(env: _Env, eni: ResourceInstance) -> _Facts:
    fields = env.ctx.fields(eni)
    notes: list[str] = []
    placement = _placement(env, fields, notes)
    if _configured(fields, "security_groups"):
        groups = list(fields.many("security_groups").addresses)
    else:
        groups = _default_groups(env, placement, eni.address, notes)
    ipv6 = ipv6_of(fields, placement.known, notes)
    # R-IP-1: a standalone ENI never gets an automatic public IPv4 address.
    return _Facts(placement.addresses, groups, PublicIpv4(False), ipv6, notes + fields.unknowns)


def _instance_template(
    env: _Env, fields: Fields
) -> tuple[TemplateSource | None, TemplateView | None]:
    """Return the launch template an instance names (None without `launch_template`) and its
    reader when the input holds it."""
    if fields.values.get("launch_template") is None:
        return None, None
    blocks = nested_blocks(env.ctx, fields, "launch_template")
    if not blocks:
        return None, None
    # The version the block pins is ignored: the template as declared is the only one known.
    source = specification(env.ctx, blocks[0], "id", "name") or missing(blocks[0])
    env.links.related.setdefault(fields.owner, []).extend(source.internal())
    template = source.resource(env.ctx)
    return source, template_view(env.ctx, template) if template is not None else None


def _instance_facts(env: _Env, instance: ResourceInstance) -> _Facts:
    fields = env.ctx.fields(instance)
    notes: list[str] = []
    eni = env.links.primary_eni.get(instance.address)
    if eni is not None:
        resource = env.ctx.resolver.resource(eni)
        if resource is None or resource.type != "aws_network_interface":
            notes.append(f"network interface {eni} of {instance.address} is not in the input")
            return _Facts(public=PublicIpv4(None), ipv6=None, notes=notes + fields.unknowns)
        facts = _eni_facts(env, resource)
        # R-IP-1: no automatic public address on a pre-existing ENI attached at launch.
        facts.notes += fields.unknowns
        return facts
    source, view = _instance_template(env, fields)
    lost = None
    if source is not None:
        notes += source.notes
        if view is None:
            lost = f"{source.name} is not in the input: what {instance.address} takes from it"
            lost += " is unknown"
    # The instance's own arguments win over its launch template's.
    if instance.address in env.placed_by_default:
        placement = _default_placement(env, fields, notes)
    elif fields.has("subnet_id"):
        placement = _placement(env, fields, notes)
    elif view is not None and (interface := view.subnet()) is not None:
        placement = _placement(env, interface, notes)
    else:
        notes.append(lost or _no_subnet(instance.address))
        placement = _Placement((), ())
    groups = list(fields.many("vpc_security_group_ids").addresses)
    if not groups:
        groups = _groups_without_ids(env, fields, placement, view, lost, notes)
    if source is not None:
        public, ipv6 = _addresses(fields, view, lost, placement, notes)
    elif (
        fields.has("associate_public_ip_address")
        or fields.has("ipv6_address_count")
        or fields.has("ipv6_addresses")
    ):
        public = auto_public_ipv4(fields, placement.known, notes)
        ipv6 = ipv6_of(fields, placement.known, notes)
    else:
        # Neither a launch template nor the instance sets them: the subnets decide.
        public, ipv6 = env.subnet_addresses(placement, instance.address, notes)
    if view is not None:
        notes += view.notes()
    return _Facts(
        placement.addresses, list(dict.fromkeys(groups)), public, ipv6, notes + fields.unknowns
    )


def _groups_without_ids(
    env: _Env,
    fields: Fields,
    placement: _Placement,
    view: TemplateView | None,
    lost: str | None,
    notes: list[str],
) -> list[str]:
    """Return the groups of an instance whose `vpc_security_group_ids` resolve to none: by
    name, else its launch template's, else its VPC's default group (R-SG-11)."""
    # Group names are for the default VPC; state also lists the names of the groups
    # named by id, so names only count when no id is given.
    groups = _groups_by_name(env, fields, placement, notes)
    if groups:
        return groups
    if _configured(fields, "vpc_security_group_ids") or _configured(fields, "security_groups"):
        return groups
    if view is not None:
        from_template = view.groups(env.ctx, notes)
        if from_template is not None:
            return from_template
    elif lost is not None:
        # The groups come from a template the input lacks: unknown, so none is listed.
        notes.append(lost)
        return groups
    return _default_groups(env, placement, fields.owner, notes)


def _addresses(
    fields: Fields,
    view: TemplateView | None,
    lost: str | None,
    placement: _Placement,
    notes: list[str],
) -> tuple[PublicIpv4, bool | None]:
    """Return the public IPv4 (R-IP-1) and IPv6 (R-IP-4) of an instance's new primary
    interface: its own settings, else its launch template's (unknown when the template is
    not in the input), else the subnet's defaults."""
    if fields.has("associate_public_ip_address"):
        public = auto_public_ipv4(fields, placement.known, notes)
    elif view is not None:
        public = auto_public_ipv4(view.addressing, placement.known, notes)
    elif lost is not None:
        notes.append(lost)
        public = PublicIpv4(None)
    else:
        public = auto_public_ipv4(fields, placement.known, notes)
    if fields.has("ipv6_address_count") or fields.has("ipv6_addresses"):
        ipv6 = ipv6_of(fields, placement.known, notes)
    elif view is not None:
        ipv6 = ipv6_of(view.addressing, placement.known, notes)
    elif lost is not None:
        ipv6 = None
    else:
        ipv6 = ipv6_of(fields, placement.known, notes)
    return public, ipv6


def build_attachments(
    ctx: Context,
    vpcs: dict[str, Vpc],
    subnets: dict[str, Subnet],
    groups: dict[str, SecurityGroup],
) -> dict[str, Attachment]:
    """Return one attachment per instance and per ENI that is not an instance's primary one."""
    links = _Links()
    _instance_interfaces(ctx, links)
    _eni_attachments(ctx, links)
    env = _Env(ctx, vpcs, subnets, groups, group_names(ctx), links)
    env.primary_of = {eni: instance for instance, eni in links.primary_eni.items()}
    env.placed_by_default = placed_by_default(ctx.resolver)
    env.eips = eip_claims(ctx, env.holder)
    _sg_attachments(env)
    built: dict[str, Attachment] = {}
    for instance in ctx.resolver.of_type("aws_instance"):
        facts = _instance_facts(env, instance)
        built[instance.address] = _attachment(
            env, instance, instance.address, instance.address, facts
        )
    primary = set(links.primary_eni.values())
    for eni in ctx.resolver.of_type("aws_network_interface"):
        if eni.address in primary:
            continue
        owner = links.eni_instance.get(eni.address, eni.address)
        owner = owner if ctx.resolver.resource(owner) is not None else eni.address
        facts = _eni_facts(env, eni)
        built[eni.address] = _attachment(env, eni, eni.address, owner, facts)
    return built
