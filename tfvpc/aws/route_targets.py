"""Classifying what a route points at (R-RT-6).

A route names its target through one of several attributes. The kind comes from what the
reference links to when the input declares it, else from the id prefix (AWS accepts NAT and
egress-only gateway ids in `gateway_id`), else from the attribute itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.gateways import Gateways
from tfvpc.aws.vpc import SubnetInfo
from tfvpc.model import GatewayKind, RouteTargetKind

# Target attributes in the order they are tried; None means "classify by what it names".
TARGET_ATTRS: tuple[tuple[str, RouteTargetKind | None], ...] = (
    ("gateway_id", None),
    ("egress_only_gateway_id", "eigw"),
    ("nat_gateway_id", "nat"),
    ("transit_gateway_id", "tgw"),
    ("vpc_peering_connection_id", "pcx"),
    ("vpc_endpoint_id", "vpce"),
    ("instance_id", "instance"),
    ("network_interface_id", "eni"),
    ("carrier_gateway_id", "carrier"),
    ("local_gateway_id", "local_gateway"),
    ("core_network_arn", "core_network"),
    ("odb_network_arn", "odb_network"),
)

TYPE_KINDS: dict[str, GatewayKind] = {
    "aws_internet_gateway": "igw",
    "aws_egress_only_internet_gateway": "eigw",
    "aws_nat_gateway": "nat",
    "aws_vpn_gateway": "vgw",
    "aws_ec2_transit_gateway": "tgw",
    "aws_vpc_peering_connection": "pcx",
    "aws_vpc_peering_connection_accepter": "pcx",
    "aws_vpc_endpoint": "vpce",
    "aws_network_interface": "eni",
    "aws_instance": "instance",
    "aws_ec2_carrier_gateway": "carrier",
}

ID_PREFIXES: tuple[tuple[str, GatewayKind], ...] = (
    ("igw-", "igw"),
    ("eigw-", "eigw"),
    ("nat-", "nat"),
    ("vgw-", "vgw"),
    ("tgw-", "tgw"),
    ("pcx-", "pcx"),
    ("vpce-", "vpce"),
    ("eni-", "eni"),
    ("i-", "instance"),
    ("cagw-", "carrier"),
    ("lgw-", "local_gateway"),
)

_ADDRESS_TYPE = re.compile(r"(?:^|\.)(aws_[a-z0-9_]+)\.[^.]+$")


@dataclass(frozen=True)
class RouteTarget:
    """The classified target of one route, ready for `tfvpc.model.Route`."""

    kind: RouteTargetKind
    target: str | None = None
    target_ref: str | None = None
    unknowns: tuple[str, ...] = ()


def kind_of_text(text: str, fallback: RouteTargetKind | None) -> RouteTargetKind:
    """Return the target kind of an external id or address (``igw-0abc``, ``aws_nat_gateway.x``).

    `fallback` is the kind implied by the route attribute, used when the text says nothing.
    """
    if text == "local":
        return "local"
    if fallback is not None:
        return fallback
    match = _ADDRESS_TYPE.search(text.split("[")[0])
    if match and match.group(1) in TYPE_KINDS:
        return TYPE_KINDS[match.group(1)]
    for prefix, kind in ID_PREFIXES:
        if text.startswith(prefix):
            return kind
    return "unknown"


def route_target(
    ctx: Context, fields: Fields, gateways: Gateways, subnets: dict[str, SubnetInfo]
) -> RouteTarget:
    """Return the target of the route whose attributes `fields` reads.

    Routes to ENIs and instances of the input get an appliance gateway (kind ``eni`` or
    ``instance``) so that they can be followed like any other gateway.
    """
    for attr, attr_kind in TARGET_ATTRS:
        if not fields.has(attr):
            continue
        value = fields.values[attr]
        if value == "local":
            return RouteTarget("local")
        found = ctx.resolve(value, fields.what(attr))
        internal = [a for a in found.addresses if a not in found.external]
        if len(found.addresses) > 1:
            kinds = {_kind_of(ctx, gateways, a, attr_kind) for a in internal}
            kinds |= {kind_of_text(e, attr_kind) for e in found.external}
            kind: RouteTargetKind = kinds.pop() if len(kinds) == 1 else "unknown"
            return RouteTarget(kind, unknowns=found.unknowns)
        if internal:
            return _internal(ctx, gateways, subnets, internal[0], attr_kind, found)
        if found.external:
            text = found.external[0]
            if text in gateways.drafts:
                return RouteTarget(gateways.drafts[text].kind, target=text)
            return RouteTarget(kind_of_text(text, attr_kind), target_ref=text)
        return RouteTarget(attr_kind or "unknown", unknowns=found.unknowns)
    return RouteTarget("unknown", unknowns=(f"the route in {fields.owner} names no target",))


def _kind_of(
    ctx: Context, gateways: Gateways, address: str, attr_kind: RouteTargetKind | None
) -> RouteTargetKind:
    if address in gateways.drafts:
        return gateways.drafts[address].kind
    resource = ctx.resolver.resource(address)
    if resource is not None and resource.type in TYPE_KINDS:
        return TYPE_KINDS[resource.type]
    return attr_kind or "unknown"


def _internal(
    ctx: Context,
    gateways: Gateways,
    subnets: dict[str, SubnetInfo],
    address: str,
    attr_kind: RouteTargetKind | None,
    found: Resolved,
) -> RouteTarget:
    kind = _kind_of(ctx, gateways, address, attr_kind)
    if address not in gateways.drafts and kind in ("eni", "instance"):
        _appliance(ctx, gateways, subnets, address, "eni" if kind == "eni" else "instance")
    if address in gateways.drafts:
        return RouteTarget(kind, target=address, unknowns=found.unknowns)
    return RouteTarget(kind, target_ref=address, unknowns=found.unknowns)


def _appliance(
    ctx: Context,
    gateways: Gateways,
    subnets: dict[str, SubnetInfo],
    address: str,
    kind: GatewayKind,
) -> None:
    """Make a route-target gateway for an ENI or instance of the input (an appliance)."""
    resource = ctx.resolver.resource(address)
    if resource is None:
        return
    draft = gateways.add(resource, kind)
    fields = ctx.fields(resource)
    subnet = fields.one("subnet_id")
    draft.subnet = subnet.single
    for candidate in subnet.addresses:
        info = subnets.get(candidate)
        if info is not None and info.subnet.vpc is not None:
            draft.attach(Resolved((info.subnet.vpc,)))
    draft.note(fields.unknowns)
