"""Target groups and their registered targets (R-LB-4, R-LB-6, R-LB-7).

Targets are registered by `aws_lb_target_group_attachment`, an auto-scaling group's
`target_group_arns` or `aws_autoscaling_attachment`, an ECS service's `load_balancer` blocks,
and, for a classic load balancer, its `instances`, `aws_elb_attachment` and the auto-scaling
groups naming it in `load_balancers`. Each classic instance port is an implicit target group.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from tfvpc.aws.context import Context, Fields, Resolved, location_of
from tfvpc.aws.lb import classic_group_address, transport_of
from tfvpc.aws.services import ServiceEnv, named
from tfvpc.aws.values import UDP
from tfvpc.load.resources import Ref, Value
from tfvpc.model import PROTOCOL_ALL, LoadBalancer, TargetGroup, TargetMember, TargetType

TG_TYPES = ("aws_lb_target_group", "aws_alb_target_group")
ATTACHMENT_TYPES = ("aws_lb_target_group_attachment", "aws_alb_target_group_attachment")
_TARGET_TYPES: tuple[TargetType, ...] = ("instance", "ip", "lambda", "alb")


@dataclass
class _Members:
    """Registered targets per target-group address, in registration order."""

    by_group: dict[str, list[TargetMember]] = field(default_factory=dict)

    def add(self, groups: Iterable[str], member: TargetMember) -> None:
        """Register `member` in every group of `groups`."""
        for group in groups:
            self.by_group.setdefault(group, []).append(member)


class _Targets:
    """Finds the attachments that receive a registered target's traffic."""

    def __init__(self, env: ServiceEnv) -> None:
        self.env = env

    @cached_property
    def _by_resource(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Return the attachments of each resource, and of each resource they relate to
        (instances and ENIs only); built on first use, as most inputs register no target."""
        by_resource: dict[str, list[str]] = {}
        by_related: dict[str, list[str]] = {}
        for address, attachment in sorted(self.env.attachments.items()):
            by_resource.setdefault(attachment.resource, []).append(address)
            if attachment.kind in ("aws_instance", "aws_network_interface"):
                for name in attachment.related:
                    by_related.setdefault(name, []).append(address)
        return by_resource, by_related

    @cached_property
    def private_ips(self) -> dict[str, str]:
        """Return the resource declaring each literal private IP (built on first use)."""
        return _private_ips(self.env.ctx)

    def attachments(self, target: str) -> tuple[str, ...]:
        """Return the attachments of a target resource (an ENI counts for its holder)."""
        if target in self.env.attachments:
            return (target,)
        by_resource, by_related = self._by_resource
        return tuple(by_resource.get(target) or by_related.get(target) or ())

    def member(
        self, value: Value, what: str, origin: str, port: int | None, notes: list[str]
    ) -> TargetMember:
        """Return the member a `target_id`-like value registers."""
        ctx = self.env.ctx
        if isinstance(value, Ref) and ctx.resolver.resource(value.address) is not None:
            found = Resolved((value.address,))
        elif isinstance(value, str) and _is_ip(value) and value in self.private_ips:
            found = Resolved((self.private_ips[value],))
        else:
            found = ctx.resolve(value, what)
        reasons = [*notes, *found.unknowns]
        if not found.addresses:
            reasons.append(f"the target {what} registers is unknown")
        reasons += [f"target {e} of {origin} is not in the input" for e in found.external]
        attachments = tuple(a for t in found.addresses for a in self.attachments(t))
        target = found.single or ", ".join(found.addresses) or "an unknown target"
        return TargetMember(
            target=target,
            attachments=tuple(dict.fromkeys(attachments)),
            port=port,
            origin=origin,
            unknowns=tuple(dict.fromkeys(reasons)),
        )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _private_ips(ctx: Context) -> dict[str, str]:
    """Return the resource declaring each literal private IP (instances and interfaces)."""
    found: dict[str, str] = {}
    for resource in ctx.resolver.of_type("aws_instance", "aws_network_interface"):
        values = ctx.resolver.scalar(resource.values.get("private_ips"))
        literals = [
            resource.values.get("private_ip"),
            *(values if isinstance(values, list) else []),
        ]
        for literal in literals:
            if isinstance(literal, str) and literal:
                found.setdefault(literal, resource.address)
    return found


def _direct(env: ServiceEnv, targets: _Targets, members: _Members) -> None:
    ctx = env.ctx
    for resource in ctx.resolver.of_type(*ATTACHMENT_TYPES):
        fields = ctx.fields(resource)
        groups = fields.one("target_group_arn")
        port = fields.integer("port") if fields.has("port") else None
        member = targets.member(
            fields.values.get("target_id"),
            fields.what("target_id"),
            resource.address,
            port,
            [*fields.unknowns, *groups.unknowns],
        )
        members.add(groups.addresses, member)


def _group_member(
    targets: _Targets, group: str, origin: str, port: int | None, notes: Iterable[str]
) -> TargetMember:
    return TargetMember(
        target=group,
        attachments=targets.attachments(group),
        port=port,
        origin=origin,
        unknowns=tuple(dict.fromkeys(notes)),
    )


def _autoscaling(env: ServiceEnv, targets: _Targets, members: _Members) -> None:
    """Auto-scaling groups register their instances in target groups and classic ELBs."""
    ctx = env.ctx
    for resource in ctx.resolver.of_type("aws_autoscaling_group"):
        fields = ctx.fields(resource)
        member = _group_member(targets, resource.address, resource.address, None, fields.uncertain)
        if fields.has("target_group_arns"):
            found = fields.many("target_group_arns")
            members.add(found.addresses, _noted(member, found.unknowns))
        if fields.has("load_balancers"):
            for elb in _elbs(ctx, fields, "load_balancers"):
                members.add(elb.addresses, _noted(member, elb.unknowns))
    for resource in ctx.resolver.of_type(
        "aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment"
    ):
        fields = ctx.fields(resource)
        asgs = named(
            ctx,
            fields.values.get("autoscaling_group_name"),
            ("aws_autoscaling_group",),
            "name",
            fields.what("autoscaling_group_name"),
        )
        for group in asgs.addresses or ("an unknown auto-scaling group",):
            notes = (*fields.uncertain, *asgs.unknowns)
            member = _group_member(targets, group, resource.address, None, notes)
            for found in _attached_balancers(ctx, fields):
                members.add(found.addresses, _noted(member, found.unknowns))


def _attached_balancers(ctx: Context, fields: Fields) -> list[Resolved]:
    found = [
        fields.one(attr)
        for attr in ("lb_target_group_arn", "alb_target_group_arn")
        if fields.has(attr)
    ]
    if fields.has("elb"):
        found.extend(_elbs(ctx, fields, "elb"))
    for i, block in enumerate(fields.blocks("traffic_source") or []):
        source = ctx.nested(fields, block, f"traffic_source[{i}]")
        if source.text("type") == "elb":
            found.extend(_elbs(ctx, source, "identifier"))
        else:
            found.append(source.one("identifier"))
    return found


def _elbs(ctx: Context, fields: Fields, attr: str) -> list[Resolved]:
    """Return the classic load balancers `attr` names (by name, id or reference)."""
    value = fields.values.get(attr)
    values = value if isinstance(value, list) else [value]
    return [named(ctx, item, ("aws_elb",), "name", fields.what(attr)) for item in values]


def _noted(member: TargetMember, reasons: Iterable[str]) -> TargetMember:
    notes = tuple(dict.fromkeys((*member.unknowns, *reasons)))
    return member if notes == member.unknowns else member.model_copy(update={"unknowns": notes})


def _ecs(env: ServiceEnv, targets: _Targets, members: _Members) -> None:
    """ECS services register their tasks on `container_port` (R-LB-6)."""
    ctx = env.ctx
    for resource in ctx.resolver.of_type("aws_ecs_service"):
        fields = ctx.fields(resource)
        for i, block in enumerate(fields.blocks("load_balancer") or []):
            balancer = ctx.nested(fields, block, f"load_balancer[{i}]")
            port = balancer.integer("container_port")
            member = _group_member(
                targets, resource.address, resource.address, port, balancer.uncertain
            )
            if balancer.has("target_group_arn"):
                found = balancer.one("target_group_arn")
                members.add(found.addresses, _noted(member, found.unknowns))
            if balancer.has("elb_name"):
                for elb in _elbs(ctx, balancer, "elb_name"):
                    members.add(elb.addresses, _noted(member, elb.unknowns))


def _classic_members(env: ServiceEnv, targets: _Targets, members: _Members) -> None:
    ctx = env.ctx
    for resource in ctx.resolver.of_type("aws_elb"):
        fields = ctx.fields(resource)
        value = fields.values.get("instances")
        items = value if isinstance(value, list) else ([] if value is None else [value])
        for i, item in enumerate(items):
            what = f"instances[{i}] of {resource.address}"
            member = targets.member(item, what, resource.address, None, list(fields.uncertain))
            members.add((resource.address,), member)
    for resource in ctx.resolver.of_type("aws_elb_attachment"):
        fields = ctx.fields(resource)
        member = targets.member(
            fields.values.get("instance"),
            fields.what("instance"),
            resource.address,
            None,
            list(fields.uncertain),
        )
        for elb in _elbs(ctx, fields, "elb"):
            members.add(elb.addresses, _noted(member, elb.unknowns))


def _protocol(fields: Fields, attr: str, default: str | None) -> tuple[int, str | None]:
    text = fields.text(attr) or (default if not fields.has(attr) else None)
    protocol = transport_of(text)
    return (PROTOCOL_ALL if protocol is None else protocol), text.upper() if text else None


def _preserve_client_ip(fields: Fields, target_type: TargetType, protocol: int) -> bool | None:
    """Return whether the targets see the client's address (R-LB-4).

    Defaults (AWS): on for instance targets and for ip targets over UDP/TCP_UDP, off for ip
    targets over TCP/TLS; an ALB always proxies, so only NLB listeners read this.
    """
    if target_type in ("lambda", "alb"):
        return False
    if fields.has("preserve_client_ip"):
        return fields.flag("preserve_client_ip", False)
    return target_type == "instance" or protocol in (UDP, PROTOCOL_ALL)


def _target_groups(ctx: Context, members: _Members) -> dict[str, TargetGroup]:
    built: dict[str, TargetGroup] = {}
    for resource in ctx.resolver.of_type(*TG_TYPES):
        fields = ctx.fields(resource)
        text = fields.text("target_type") or "instance"
        target_type: TargetType = "instance"
        if text in _TARGET_TYPES:
            target_type = text
        else:
            fields.note(f"target_type of {resource.address} is {text}")
        protocol, label = _protocol(fields, "protocol", None)
        port = fields.integer("port") if fields.has("port") else None
        vpc = fields.one("vpc_id").single if fields.has("vpc_id") else None
        preserve = _preserve_client_ip(fields, target_type, protocol)
        built[resource.address] = TargetGroup(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(fields.unknowns),
            protocol=protocol,
            lb_protocol=label,
            port=port,
            target_type=target_type,
            preserve_client_ip=preserve,
            vpc=vpc,
            members=tuple(members.by_group.get(resource.address, ())),
        )
    return built


def _classic_groups(
    ctx: Context, members: _Members, lbs: dict[str, LoadBalancer]
) -> dict[str, TargetGroup]:
    built: dict[str, TargetGroup] = {}
    for resource in ctx.resolver.of_type("aws_elb"):
        fields = ctx.fields(resource)
        for i, block in enumerate(fields.blocks("listener") or []):
            listener = ctx.nested(fields, block, f"listener[{i}]")
            port = listener.integer("instance_port")
            address = classic_group_address(resource.address, port)
            protocol, label = _protocol(listener, "instance_protocol", "TCP")
            built.setdefault(
                address,
                TargetGroup(
                    address=address,
                    location=location_of(resource, f"listener.{i}"),
                    unknowns=tuple(listener.unknowns),
                    implicit=True,
                    protocol=protocol,
                    lb_protocol=label,
                    port=port,
                    preserve_client_ip=False,
                    vpc=lbs[resource.address].vpc if resource.address in lbs else None,
                    members=tuple(members.by_group.get(resource.address, ())),
                ),
            )
    return built


def build_target_groups(env: ServiceEnv, lbs: dict[str, LoadBalancer]) -> dict[str, TargetGroup]:
    """Return every target group with its registered targets, by address; classic load
    balancers contribute one implicit group per instance port."""
    targets = _Targets(env)
    members = _Members()
    _direct(env, targets, members)
    _autoscaling(env, targets, members)
    _ecs(env, targets, members)
    _classic_members(env, targets, members)
    groups = _target_groups(env.ctx, members)
    groups.update(_classic_groups(env.ctx, members, lbs))
    return groups
