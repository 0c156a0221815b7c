"""Launch templates and launch configurations: what an instance launched from one gets.

Auto-scaling groups launch every instance from one (`tfvpc.aws.asg`); an `aws_instance` may
name one in `launch_template`, its own arguments winning (`tfvpc.aws.attach`). A template
shapes the primary network interface (device index 0): its `network_interfaces` block's
`subnet_id`, `security_groups`, `associate_public_ip_address` (a nullable boolean stored as
the string ``"true"``/``"false"``/``""``, semantics §2) and IPv6 settings, else the template's
`vpc_security_group_ids` or `security_group_names`. A launch configuration has
`security_groups` (ids) and `associate_public_ip_address` at its top level.

The `version` of a launch template specification (``$Latest``, ``$Default``, a number) is
ignored: the input holds the template as declared, the only version a static scan can know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.services import is_configured, named
from tfvpc.aws.sg import group_names
from tfvpc.aws.values import as_int
from tfvpc.load.resources import ResourceInstance

TEMPLATE = "aws_launch_template"
CONFIGURATION = "aws_launch_configuration"


@dataclass
class TemplateSource:
    """A launch template or configuration an instance or group launches from."""

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

    def internal(self) -> list[str]:
        """Return the addresses of the input the reference names (not external ids)."""
        return [a for a in self.resolved.addresses if a not in self.resolved.external]


def specification(
    ctx: Context, fields: Fields, id_attr: str, name_attr: str
) -> TemplateSource | None:
    """Return the launch template a specification block names by id or by name, None when
    it names none."""
    if fields.has(id_attr):
        found = fields.one(id_attr)
    elif fields.has(name_attr):
        found = named(
            ctx, fields.values.get(name_attr), (TEMPLATE,), "name", fields.what(name_attr)
        )
    else:
        return None
    return TemplateSource(found, TEMPLATE, list(found.unknowns))


def configuration(ctx: Context, fields: Fields, attr: str) -> TemplateSource:
    """Return the launch configuration `attr` names (by name or reference)."""
    found = named(ctx, fields.values.get(attr), (CONFIGURATION,), "name", fields.what(attr))
    return TemplateSource(found, CONFIGURATION, list(found.unknowns))


def missing(fields: Fields) -> TemplateSource:
    """Return the source of something that names no launch template the input holds."""
    reason = f"{fields.owner} names no launch template the input holds"
    return TemplateSource(Resolved(unknowns=(reason,)), TEMPLATE, [reason])


def nested_blocks(ctx: Context, fields: Fields, attr: str) -> list[Fields]:
    """Return a reader for each block of `attr` nested in `fields`."""
    return [
        ctx.nested(fields, block, f"{attr}[{i}]")
        for i, block in enumerate(fields.blocks(attr) or [])
    ]


@dataclass
class TemplateView:
    """What one launch template or configuration sets for the primary network interface.

    `fields` reads the template's top level; `interface` its `network_interfaces` block of
    device index 0 (launch templates only), None when it has none.
    """

    resource: ResourceInstance
    fields: Fields
    interface: Fields | None

    @property
    def addressing(self) -> Fields:
        """Return where the public-address and IPv6 settings are: the primary interface
        block when there is one, else the top level (R-IP-1)."""
        return self.interface if self.interface is not None else self.fields

    def subnet(self) -> Fields | None:
        """Return the reader of the primary interface when it sets `subnet_id`, else None."""
        if self.interface is not None and self.interface.has("subnet_id"):
            return self.interface
        return None

    def groups(self, ctx: Context, notes: list[str]) -> list[str] | None:
        """Return the security groups the template gives the primary interface, None when
        it sets none (the interface's, else the template's ids, else its group names)."""
        fields = self.fields
        if self.interface is not None and is_configured(self.interface, "security_groups"):
            return list(self.interface.many("security_groups").addresses)
        if self.resource.type == TEMPLATE and is_configured(fields, "vpc_security_group_ids"):
            return list(fields.many("vpc_security_group_ids").addresses)
        if self.resource.type == CONFIGURATION and is_configured(fields, "security_groups"):
            return list(fields.many("security_groups").addresses)
        if self.resource.type == TEMPLATE and is_configured(fields, "security_group_names"):
            return self._by_name(ctx, notes)
        return None

    def _by_name(self, ctx: Context, notes: list[str]) -> list[str]:
        names = group_names(ctx)
        found: list[str] = []
        raw = self.fields.raw("security_group_names")
        for name in raw if isinstance(raw, list) else []:
            if isinstance(name, str) and len(names.get(name, [])) == 1:
                found += names[name]
            else:
                notes.append(
                    f"security group {name!r} of {self.resource.address} is not in the input"
                )
        return found

    def notes(self) -> list[str]:
        """Return why what was read from the template is not fully known (read it last)."""
        interface = self.interface.unknowns if self.interface is not None else []
        return [*self.fields.unknowns, *interface]


def template_view(ctx: Context, template: ResourceInstance) -> TemplateView:
    """Return the reader of a launch template's or configuration's primary interface."""
    fields = ctx.fields(template)
    interface = None
    if template.type == TEMPLATE:
        for block in nested_blocks(ctx, fields, "network_interfaces"):
            if as_int(block.raw("device_index")) in (0, None):
                interface = block
                break
    return TemplateView(template, fields, interface)
