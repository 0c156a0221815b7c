"""Auto-scaling groups: one synthetic instance per subnet, shaped by the launch template.

The instances of a group take subnets from `vpc_zone_identifier` and everything else from the
launch template (`launch_template`, `mixed_instances_policy`) or launch configuration: the
primary network interface's security groups and public-address flag (stored as the string
``"true"``/``"false"``/``""`` in a template, semantics §2), else the template's
`vpc_security_group_ids`, else the VPC default group (R-SG-11); the subnet's
`map_public_ip_on_launch` when the flag is unset (R-IP-1).
"""

from __future__ import annotations

from dataclasses import dataclass

from tfvpc.aws.addressing import PublicIpv4, auto_public_ipv4, ipv6_of
from tfvpc.aws.context import Context
from tfvpc.aws.services import (
    NodeSpec,
    Placement,
    ServiceEnv,
    add_all,
    default_groups,
    node_attachments,
    placement_of,
)
from tfvpc.aws.templates import (
    TemplateSource,
    configuration,
    missing,
    nested_blocks,
    specification,
    template_view,
)
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Attachment


def _sources(ctx: Context, resource: ResourceInstance) -> list[TemplateSource]:
    """Return every template the group may launch from (mixed policies may name several)."""
    fields = ctx.fields(resource)
    sources = [
        specification(ctx, block, "id", "name") or missing(block)
        for block in nested_blocks(ctx, fields, "launch_template")
    ]
    for policy in nested_blocks(ctx, fields, "mixed_instances_policy"):
        for template in nested_blocks(ctx, policy, "launch_template"):
            specs = nested_blocks(ctx, template, "launch_template_specification")
            for override in nested_blocks(ctx, template, "override"):
                specs += nested_blocks(ctx, override, "launch_template_specification")
            for spec in specs:
                source = specification(ctx, spec, "launch_template_id", "launch_template_name")
                if source is not None:
                    sources.append(source)
    if fields.has("launch_configuration"):
        sources.append(configuration(ctx, fields, "launch_configuration"))
    unique: dict[tuple[str, ...], TemplateSource] = {}
    for source in sources:
        unique.setdefault(source.resolved.addresses, source)
    return list(unique.values()) or [missing(fields)]


@dataclass
class _Shape:
    groups: list[str]
    public: PublicIpv4
    ipv6: bool | None
    notes: list[str]


def _template_shape(env: ServiceEnv, template: ResourceInstance, placement: Placement) -> _Shape:
    view = template_view(env.ctx, template)
    notes: list[str] = []
    groups = view.groups(env.ctx, notes)
    if groups is None:
        groups = default_groups(env, placement, template.address, notes)
    # R-IP-1: the primary interface's flag wins; unset, the subnet's default applies.
    public = auto_public_ipv4(view.addressing, list(placement.known), notes)
    ipv6 = ipv6_of(view.addressing, list(placement.known), notes)
    return _Shape(groups, public, ipv6, notes + view.notes())


def _shape(env: ServiceEnv, source: TemplateSource, placement: Placement) -> _Shape:
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
                related=source.internal(),
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
