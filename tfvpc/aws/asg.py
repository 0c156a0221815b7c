"""Auto-scaling groups: one synthetic instance per subnet, shaped by the launch template.

The instances of a group take subnets from `vpc_zone_identifier` and everything else from the
launch template (`launch_template`, `mixed_instances_policy`) or launch configuration: the
primary network interface's security groups and public-address flag (stored as the string
``"true"``/``"false"``/``""`` in a template, semantics §2), else the template's
`vpc_security_group_ids`, else the VPC default group (R-SG-11); the subnet's
`map_public_ip_on_launch` when the flag is unset (R-IP-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.addressing import PublicIpv4, auto_public_ipv4, ipv6_of
from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.services import (
    NodeSpec,
    Placement,
    ServiceEnv,
    add_all,
    default_groups,
    is_configured,
    named,
    node_attachments,
    placement_of,
)
from tfvpc.aws.sg import group_names
from tfvpc.aws.values import as_int
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Attachment

_TEMPLATE = "aws_launch_template"
_CONFIGURATION = "aws_launch_configuration"


@dataclass
class _Source:
    """A launch template or configuration an auto-scaling group launches from."""

    resolved: Resolved
    kind: str
    notes: list[str] = field(default_factory=list)

    def resource(self, ctx: Context) -> ResourceInstance | None:
        """Return the template resource when the reference names exactly one of the input."""
        if self.resolved.single is None or self.resolved.external:
            return None
        found = ctx.resolver.resource(self.resolved.single)
        return found if found is not None and found.type == self.kind else None

    @property
    def name(self) -> str:
        """Return how to name the template in messages and addresses."""
        return (
            self.resolved.single or ", ".join(self.resolved.addresses) or f"an unknown {self.kind}"
        )


def _specification(ctx: Context, fields: Fields, id_attr: str, name_attr: str) -> _Source | None:
    """Return the template a specification block names by id or by name."""
    if fields.has(id_attr):
        found = fields.one(id_attr)
    elif fields.has(name_attr):
        found = named(
            ctx, fields.values.get(name_attr), (_TEMPLATE,), "name", fields.what(name_attr)
        )
    else:
        return None
    return _Source(found, _TEMPLATE, list(found.unknowns))


def _blocks(ctx: Context, fields: Fields, attr: str) -> list[Fields]:
    return [
        ctx.nested(fields, block, f"{attr}[{i}]")
        for i, block in enumerate(fields.blocks(attr) or [])
    ]


def _sources(ctx: Context, resource: ResourceInstance) -> list[_Source]:
    """Return every template the group may launch from (mixed policies may name several)."""
    fields = ctx.fields(resource)
    sources = [
        _specification(ctx, block, "id", "name") or _missing(block)
        for block in _blocks(ctx, fields, "launch_template")
    ]
    for policy in _blocks(ctx, fields, "mixed_instances_policy"):
        for template in _blocks(ctx, policy, "launch_template"):
            specs = _blocks(ctx, template, "launch_template_specification")
            for override in _blocks(ctx, template, "override"):
                specs += _blocks(ctx, override, "launch_template_specification")
            for spec in specs:
                source = _specification(ctx, spec, "launch_template_id", "launch_template_name")
                if source is not None:
                    sources.append(source)
    if fields.has("launch_configuration"):
        value = fields.values.get("launch_configuration")
        found = named(ctx, value, (_CONFIGURATION,), "name", fields.what("launch_configuration"))
        sources.append(_Source(found, _CONFIGURATION, list(found.unknowns)))
    unique: dict[tuple[str, ...], _Source] = {}
    for source in sources:
        unique.setdefault(source.resolved.addresses, source)
    return list(unique.values()) or [_missing(fields)]


def _missing(fields: Fields) -> _Source:
    reason = f"{fields.owner} names no launch template the input holds"
    return _Source(Resolved(unknowns=(reason,)), _TEMPLATE, [reason])


def _primary_interface(ctx: Context, resource: ResourceInstance) -> Fields | None:
    fields = ctx.fields(resource)
    for block in _blocks(ctx, fields, "network_interfaces"):
        if as_int(block.raw("device_index")) in (0, None):
            return block
    return None


@dataclass
class _Shape:
    groups: list[str]
    public: PublicIpv4
    ipv6: bool | None
    notes: list[str]


def _template_shape(env: ServiceEnv, template: ResourceInstance, placement: Placement) -> _Shape:
    ctx = env.ctx
    fields = ctx.fields(template)
    notes: list[str] = []
    interface = _primary_interface(ctx, template) if template.type == _TEMPLATE else None
    groups: list[str] = []
    if interface is not None and is_configured(interface, "security_groups"):
        groups = list(interface.many("security_groups").addresses)
    elif template.type == _TEMPLATE and is_configured(fields, "vpc_security_group_ids"):
        groups = list(fields.many("vpc_security_group_ids").addresses)
    elif template.type == _CONFIGURATION and is_configured(fields, "security_groups"):
        groups = list(fields.many("security_groups").addresses)
    elif template.type == _TEMPLATE and is_configured(fields, "security_group_names"):
        names = group_names(ctx)
        raw = fields.raw("security_group_names")
        for name in raw if isinstance(raw, list) else []:
            if isinstance(name, str) and len(names.get(name, [])) == 1:
                groups += names[name]
            else:
                notes.append(f"security group {name!r} of {template.address} is not in the input")
    else:
        groups = default_groups(env, placement, template.address, notes)
    # R-IP-1: the primary interface's flag wins; unset, the subnet's default applies.
    addressing = interface if interface is not None else fields
    public = auto_public_ipv4(addressing, list(placement.known), notes)
    ipv6 = ipv6_of(addressing, list(placement.known), notes)
    notes += fields.unknowns + (interface.unknowns if interface is not None else [])
    return _Shape(groups, public, ipv6, notes)


def _shape(env: ServiceEnv, source: _Source, placement: Placement) -> _Shape:
    template = source.resource(env.ctx)
    if template is None:
        reason = f"{source.name} is not in the input: security groups and public address unknown"
        return _Shape([], PublicIpv4(None), None, [*source.notes, reason])
    shape = _template_shape(env, template, placement)
    shape.notes[:0] = source.notes
    return shape


def _group_nodes(env: ServiceEnv, resource: ResourceInstance) -> list[Attachment]:
    ctx = env.ctx
    fields = ctx.fields(resource)
    notes: list[str] = []
    if fields.has("vpc_zone_identifier"):
        placement = placement_of(env, fields.many("vpc_zone_identifier"), resource.address, notes)
    else:
        notes.append(
            f"{resource.address} has no vpc_zone_identifier: its instances are launched in "
            "default subnets of the default VPC"
        )
        placement = Placement((), ())
    sources = _sources(ctx, resource)
    subnets = [
        Placement((a,), tuple(s for s in placement.known if s.address == a))
        for a in placement.addresses
    ] or [placement]
    out: list[Attachment] = []
    for source in sources:
        for where in subnets:
            shape = _shape(env, source, where)
            spec = NodeSpec(
                resource,
                resource.address,
                resource.type,
                where,
                shape.groups,
                shape.public,
                shape.ipv6,
                related=[a for a in source.resolved.addresses if a not in source.resolved.external],
                notes=notes + shape.notes + fields.unknowns,
            )
            for node in node_attachments(spec):
                if len(sources) > 1:
                    node = node.model_copy(update={"address": f"{node.address}/{source.name}"})
                out.append(node)
    return out


def build_autoscaling_groups(env: ServiceEnv) -> list[str]:
    """Add one attachment per subnet (and per template, for mixed policies) of every
    auto-scaling group to `env.attachments`; return their addresses."""
    built: list[Attachment] = []
    for resource in env.ctx.resolver.of_type("aws_autoscaling_group"):
        built.extend(_group_nodes(env, resource))
    return add_all(env.attachments, built)
