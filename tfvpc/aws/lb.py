"""Load balancers and their listeners: one node attachment per subnet (R-LB-1/2/5/7).

`aws_lb`/`aws_alb` is internet-facing unless `internal` is true (R-LB-1: false by default,
O+C in plans, R-TF-3). Each node answers only on its listeners' ports, so the node
attachments carry them as `listeners` and the exposure analyser walks the way in. A gateway
load balancer is not an entry point (R-LB-5). A classic `aws_elb` has inline listeners.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.addressing import PublicIpv4
from tfvpc.aws.context import Context, Fields, Resolved, location_of
from tfvpc.aws.services import (
    NodeSpec,
    Placement,
    ServiceEnv,
    add_all,
    default_groups,
    is_configured,
    node_attachments,
    placement_of,
)
from tfvpc.aws.values import TCP, UDP
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import PROTOCOL_ALL, LbKind, LbListener, Listener, LoadBalancer, TargetGroup

LB_TYPES = ("aws_lb", "aws_alb")
LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")

# Load-balancer protocols -> transport (R-SG-7 numbers); TCP_UDP is both.
_TRANSPORTS: dict[str, int] = {
    "HTTP": TCP,
    "HTTPS": TCP,
    "TCP": TCP,
    "TLS": TCP,
    "SSL": TCP,
    "UDP": UDP,
    "TCP_UDP": PROTOCOL_ALL,
}


def transport_of(protocol: str | None) -> int | None:
    """Return the IANA number of a load-balancer protocol's transport, ``-1`` for TCP_UDP,
    None when unknown (GENEVE carries all protocols and is not an entry point)."""
    if protocol is None:
        return None
    return _TRANSPORTS.get(protocol.upper())


def transports(item: LbListener | TargetGroup) -> tuple[int, ...]:
    """Return the transports a listener or target group carries: tcp, udp, or both for
    TCP_UDP and for a protocol that is not known (every load-balancer protocol is one)."""
    if item.protocol == PROTOCOL_ALL:
        return (TCP, UDP)
    return (item.protocol,)


@dataclass
class _Draft:
    resource: ResourceInstance
    kind: LbKind
    internal: bool | None
    placement: Placement
    groups: list[str]
    ip_type: str | None
    listeners: list[LbListener] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def target_groups_of(ctx: Context, action: Fields) -> Resolved:
    """Return the target groups one listener action forwards to (R-LB-6)."""
    found = Resolved()
    if action.has("target_group_arn"):
        found = found.merged(action.one("target_group_arn"))
    for i, forward in enumerate(action.blocks("forward") or []):
        forward_fields = ctx.nested(action, forward, f"forward[{i}]")
        for j, group in enumerate(forward_fields.blocks("target_group") or []):
            group_fields = ctx.nested(forward_fields, group, f"target_group[{j}]")
            found = found.merged(group_fields.one("arn"))
    return found


def _actions(ctx: Context, fields: Fields, attr: str) -> Resolved:
    found = Resolved()
    for i, block in enumerate(fields.blocks(attr) or []):
        action = ctx.nested(fields, block, f"{attr}[{i}]")
        found = found.merged(target_groups_of(ctx, action))
    return found


def _rule_groups(ctx: Context) -> dict[str, Resolved]:
    """Return, per listener address, the target groups its rules forward to."""
    rules: dict[str, Resolved] = {}
    for resource in ctx.resolver.of_type(*RULE_TYPES):
        fields = ctx.fields(resource)
        groups = _actions(ctx, fields, "action")
        for listener in fields.one("listener_arn").addresses:
            rules[listener] = rules.get(listener, Resolved()).merged(groups)
    return rules


def _front_end(
    fields: Fields, protocol_attr: str, protocol_text: str | None, port_attr: str
) -> tuple[int, str | None, int | None]:
    """Return a listener's transport (`PROTOCOL_ALL` when unknown), its load-balancer protocol
    in upper case, and its port, noting on `fields` what is unknown."""
    protocol = transport_of(protocol_text)
    if protocol is None:
        fields.note(f"{fields.what(protocol_attr)} is {protocol_text or 'unknown'}")
    port = fields.integer(port_attr)
    if port is None:
        fields.note(f"{fields.what(port_attr)} is unknown")
    lb_protocol = protocol_text.upper() if protocol_text else None
    return PROTOCOL_ALL if protocol is None else protocol, lb_protocol, port


def _listener(
    ctx: Context, resource: ResourceInstance, kind: LbKind, rules: Resolved
) -> LbListener:
    fields = ctx.fields(resource)
    protocol_text = fields.text("protocol")
    if protocol_text is None and not fields.has("protocol") and kind == "application":
        protocol_text = "HTTP"  # the provider's default for an ALB listener
    protocol, lb_protocol, port = _front_end(fields, "protocol", protocol_text, "port")
    groups = _actions(ctx, fields, "default_action").merged(rules)
    return LbListener(
        address=resource.address,
        protocol=protocol,
        lb_protocol=lb_protocol,
        port=port,
        target_groups=groups.addresses,
        origin=resource.address,
        location=location_of(resource),
        unknowns=tuple(dict.fromkeys(fields.unknowns + list(groups.unknowns))),
    )


_KINDS: dict[str, LbKind] = {
    "application": "application",
    "network": "network",
    "gateway": "gateway",
}


def _kind(fields: Fields) -> LbKind:
    """Return `load_balancer_type` (``application`` when unset; noted when unreadable)."""
    text = fields.text("load_balancer_type")
    if text in _KINDS:
        return _KINDS[text]
    if fields.has("load_balancer_type"):
        fields.note(f"load_balancer_type of {fields.owner} is {text or 'unknown'}")
    return "application"


def _subnets(ctx: Context, fields: Fields) -> Resolved:
    found = fields.many("subnets") if fields.has("subnets") else Resolved()
    for i, block in enumerate(fields.blocks("subnet_mapping") or []):
        mapping = ctx.nested(fields, block, f"subnet_mapping[{i}]")
        found = found.merged(mapping.one("subnet_id"))
    return found


def _draft(env: ServiceEnv, resource: ResourceInstance) -> _Draft:
    ctx = env.ctx
    fields = ctx.fields(resource)
    notes: list[str] = []
    classic = resource.type == "aws_elb"
    kind: LbKind = "classic" if classic else _kind(fields)
    subnets = _subnets(ctx, fields)
    if not subnets.addresses and not subnets.unknowns:
        notes.append(f"{resource.address} has no subnets: it sits in the default VPC")
    placement = placement_of(env, subnets, resource.address, notes)
    if is_configured(fields, "security_groups"):
        groups = list(fields.many("security_groups").addresses)
    elif kind in ("network", "gateway"):
        groups = []  # R-LB-4: an NLB created without security groups has none
    else:
        groups = default_groups(env, placement, resource.address, notes)  # R-LB-5
    ip_type = None if classic else fields.text("ip_address_type")
    return _Draft(
        resource,
        kind,
        fields.flag("internal", False),
        placement,
        groups,
        ip_type,
        notes=notes + fields.unknowns,
    )


def _classic_listeners(ctx: Context, resource: ResourceInstance) -> list[LbListener]:
    fields = ctx.fields(resource)
    out: list[LbListener] = []
    for i, block in enumerate(fields.blocks("listener") or []):
        listener = ctx.nested(fields, block, f"listener[{i}]")
        protocol_text = listener.text("lb_protocol")
        protocol, lb_protocol, port = _front_end(listener, "lb_protocol", protocol_text, "lb_port")
        out.append(
            LbListener(
                address=f"{resource.address}:listener[{i}]",
                protocol=protocol,
                lb_protocol=lb_protocol,
                port=port,
                target_groups=(
                    classic_group_address(resource.address, listener.integer("instance_port")),
                ),
                origin=resource.address,
                location=location_of(resource, f"listener.{i}"),
                unknowns=tuple(listener.unknowns),
            )
        )
    return out


def classic_group_address(elb: str, instance_port: int | None) -> str:
    """Return the address of the implicit target group of a classic load balancer's instance
    port (``aws_elb.web:instance_port:8080``)."""
    return f"{elb}:instance_port:{instance_port if instance_port is not None else 'unknown'}"


def _public(draft: _Draft) -> tuple[PublicIpv4, bool | None]:
    """Return the public IPv4 and the IPv6 of the load balancer's nodes (R-LB-1)."""
    address = draft.resource.address
    if draft.kind == "gateway" or draft.internal is True:
        return PublicIpv4(False), False
    dualstack = draft.ip_type is not None and draft.ip_type.startswith("dualstack")
    if draft.internal is None:
        return PublicIpv4(None, "lb", address), None if dualstack else False
    if draft.ip_type == "dualstack-without-public-ipv4":
        return PublicIpv4(False), True
    return PublicIpv4(True, "lb", address), dualstack


def _node_listeners(draft: _Draft) -> tuple[Listener, ...]:
    """Return what the nodes answer on; a listener on an unknown port may be any port."""
    out: list[Listener] = []
    for listener in draft.listeners:
        low, high = (listener.port, listener.port) if listener.port is not None else (0, 65535)
        if listener.port is None or listener.lb_protocol is None:
            draft.notes.extend(listener.unknowns)
        out.extend(
            Listener(protocol=protocol, from_port=low, to_port=high, origin=listener.address)
            for protocol in transports(listener)
        )
    return tuple(out)


def build_load_balancers(env: ServiceEnv) -> dict[str, LoadBalancer]:
    """Add the node attachments of every load balancer to `env.attachments` and return the
    load balancers with their listeners, by address."""
    ctx = env.ctx
    drafts = {r.address: _draft(env, r) for r in ctx.resolver.of_type(*LB_TYPES, "aws_elb")}
    rules = _rule_groups(ctx)
    for resource in ctx.resolver.of_type(*LISTENER_TYPES):
        fields = ctx.fields(resource)
        owners = fields.one("load_balancer_arn")
        for address in owners.addresses:
            draft = drafts.get(address)
            if draft is not None:
                draft.listeners.append(
                    _listener(ctx, resource, draft.kind, rules.get(resource.address, Resolved()))
                )
                if owners.unknowns:
                    draft.notes.extend(owners.unknowns)
    built: dict[str, LoadBalancer] = {}
    for address, draft in drafts.items():
        if draft.kind == "classic":
            draft.listeners = _classic_listeners(ctx, draft.resource)
        public, ipv6 = _public(draft)
        if public.value is not False and not draft.listeners:
            draft.notes.append(
                f"no listener of {address} is in the input: the ports it answers on are unknown"
            )
        spec = NodeSpec(
            draft.resource,
            address,
            draft.resource.type,
            draft.placement,
            draft.groups,
            public,
            ipv6,
            listeners=_node_listeners(draft),
            related=[
                listener.address for listener in draft.listeners if listener.address != address
            ],
            notes=draft.notes,
        )
        nodes = add_all(env.attachments, node_attachments(spec))
        built[address] = LoadBalancer(
            address=address,
            location=location_of(draft.resource),
            unknowns=tuple(dict.fromkeys(draft.notes)),
            kind=draft.kind,
            internet_facing=None if draft.internal is None else not draft.internal,
            vpc=(draft.placement.vpcs() or (None,))[0],
            attachments=tuple(nodes),
            security_groups=tuple(dict.fromkeys(draft.groups)),
            listeners=tuple(draft.listeners),
        )
    return built
