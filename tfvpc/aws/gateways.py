"""Gateways: internet, egress-only, NAT, VPN, transit, peering and VPC endpoints.

`vpcs` of each gateway lists the VPCs it is attached to, from the gateway's own `vpc_id`
and from attachment resources. A gateway only known by an external id but attached by a
resource of the input (``aws_internet_gateway_attachment`` naming ``igw-0abc``) becomes a
gateway object at that id, with `external_id` set, so routes to the id find it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Resolved
from tfvpc.aws.defaults import STANDIN_ASSUMPTION, STANDIN_VPC, is_default_vpc
from tfvpc.aws.vpc import SubnetInfo, VpcInfo
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Gateway, GatewayKind, Location, implicit_address


@dataclass
class GatewayDraft:
    """A gateway being assembled; `freeze` returns the model object."""

    address: str
    kind: GatewayKind
    location: Location | None = None
    vpcs: list[str] = field(default_factory=list)
    subnet: str | None = None
    public: bool | None = None
    accepted: bool | None = None
    external_id: str | None = None
    implicit: bool = False
    unknowns: list[str] = field(default_factory=list)

    def attach(self, vpcs: Resolved) -> None:
        """Add the VPCs of a resolved reference and the reasons they are not known."""
        for vpc in vpcs.addresses:
            if vpc not in self.vpcs:
                self.vpcs.append(vpc)
        self.note(vpcs.unknowns)

    def note(self, reasons: Iterable[str]) -> None:
        """Record reasons why something about this gateway is unknown (each once)."""
        for reason in reasons:
            if reason not in self.unknowns:
                self.unknowns.append(reason)

    def freeze(self) -> Gateway:
        """Return the immutable model gateway."""
        return Gateway(
            address=self.address,
            kind=self.kind,
            location=self.location,
            vpcs=tuple(self.vpcs),
            subnet=self.subnet,
            public=self.public,
            accepted=self.accepted,
            external_id=self.external_id,
            implicit=self.implicit,
            unknowns=tuple(self.unknowns),
        )


class Gateways:
    """All gateways of the build, by model address."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.drafts: dict[str, GatewayDraft] = {}

    def add(self, resource: ResourceInstance, kind: GatewayKind) -> GatewayDraft:
        """Return a new gateway for `resource` (or the existing one at its address)."""
        if resource.address not in self.drafts:
            self.drafts[resource.address] = GatewayDraft(
                resource.address, kind, location=self.ctx.location(resource)
            )
        return self.drafts[resource.address]

    def named(self, address: str, kind: GatewayKind, external: bool) -> GatewayDraft:
        """Return the gateway at `address`, creating it (external when `external`) if missing."""
        if address not in self.drafts:
            self.drafts[address] = GatewayDraft(
                address, kind, external_id=address if external else None
            )
        return self.drafts[address]

    def internet_gateway_of(self, vpc: str) -> str | None:
        """Return the first internet gateway attached to `vpc`, or None."""
        for draft in self.drafts.values():
            if draft.kind == "igw" and vpc in draft.vpcs:
                return draft.address
        return None

    def freeze(self) -> dict[str, Gateway]:
        """Return every gateway as a model object, by address."""
        return {address: draft.freeze() for address, draft in self.drafts.items()}


def _attach_by_reference(
    ctx: Context,
    gateways: Gateways,
    resource: ResourceInstance,
    gateway_attr: str,
    kind: GatewayKind,
) -> None:
    """Attach the gateway an attachment resource names to the VPC it names."""
    fields = ctx.fields(resource)
    named = fields.one(gateway_attr)
    vpcs = fields.one("vpc_id")
    for address in named.addresses:
        draft = gateways.named(address, kind, external=address in named.external)
        if draft.location is None:
            draft.location = ctx.location(resource)
        draft.attach(vpcs)
        draft.note(fields.unknowns)


def _simple(ctx: Context, gateways: Gateways, type_: str, kind: GatewayKind) -> None:
    for resource in ctx.resolver.of_type(type_):
        fields = ctx.fields(resource)
        draft = gateways.add(resource, kind)
        if fields.has("vpc_id"):
            draft.attach(fields.one("vpc_id"))
        draft.note(fields.unknowns)


def _nat_gateways(ctx: Context, gateways: Gateways, subnets: dict[str, SubnetInfo]) -> None:
    for resource in ctx.resolver.of_type("aws_nat_gateway"):
        fields = ctx.fields(resource)
        draft = gateways.add(resource, "nat")
        regional = fields.text("availability_mode") == "regional"
        if regional:
            draft.attach(fields.one("vpc_id"))
        else:
            subnet = fields.one("subnet_id")
            draft.subnet = subnet.single
            for address in subnet.addresses:
                info = subnets.get(address)
                if info is not None and info.subnet.vpc is not None:
                    draft.attach(Resolved((info.subnet.vpc,)))
        connectivity = fields.text("connectivity_type")
        if connectivity == "private":
            # R-IP-3: a private NAT gateway has no internet path.
            draft.public = False
        elif connectivity is None and fields.has("connectivity_type"):
            draft.public = None
        elif fields.has("allocation_id") or fields.has("secondary_allocation_ids"):
            draft.public = True
        elif regional:
            draft.public = None
            fields.note(
                f"the addresses of regional NAT gateway {resource.address} are not modelled"
            )
        else:
            draft.public = False
        draft.note(fields.unknowns)


def _peerings(ctx: Context, gateways: Gateways) -> None:
    accepters: dict[str, list[bool | None]] = {}
    for resource in ctx.resolver.of_type("aws_vpc_peering_connection_accepter"):
        fields = ctx.fields(resource)
        named = fields.one("vpc_peering_connection_id")
        auto_accept = fields.flag("auto_accept", False)
        for address in named.addresses:
            accepters.setdefault(address, []).append(auto_accept)
            if ctx.resolver.resource(address) is None:
                draft = gateways.named(address, "pcx", external=address in named.external)
                draft.location = draft.location or ctx.location(resource)
                draft.attach(fields.one("vpc_id"))
                draft.attach(fields.one("peer_vpc_id"))
                draft.accepted = _accepted(draft.accepted, auto_accept)
                draft.note(fields.unknowns)
    for resource in ctx.resolver.of_type("aws_vpc_peering_connection"):
        fields = ctx.fields(resource)
        draft = gateways.add(resource, "pcx")
        draft.attach(fields.one("vpc_id"))
        draft.attach(fields.one("peer_vpc_id"))
        # R-PEER-1: active once accepted (auto_accept, an accepter, or the state says so).
        status = fields.text("accept_status")
        accepted: bool | None = True if status == "active" else fields.flag("auto_accept", False)
        for extra in accepters.get(resource.address, []):
            accepted = _accepted(accepted, extra)
        draft.accepted = accepted
        draft.note(fields.unknowns)


def _accepted(first: bool | None, second: bool | None) -> bool | None:
    if first or second:
        return True
    if first is None or second is None:
        return None
    return False


def _transit(ctx: Context, gateways: Gateways) -> None:
    for resource in ctx.resolver.of_type("aws_ec2_transit_gateway"):
        gateways.add(resource, "tgw").note(resource.uncertain)
    for resource in ctx.resolver.of_type("aws_ec2_transit_gateway_vpc_attachment"):
        fields = ctx.fields(resource)
        named = fields.one("transit_gateway_id")
        vpcs = fields.one("vpc_id")
        targets = list(named.addresses)
        if not targets:
            # The transit gateway itself is unknown: the attachment stands in for it.
            gateways.add(resource, "tgw")
            targets.append(resource.address)
        for address in targets:
            draft = gateways.named(address, "tgw", external=address in named.external)
            draft.location = draft.location or ctx.location(resource)
            draft.attach(vpcs)
            draft.note(fields.unknowns)


def _endpoints(ctx: Context, gateways: Gateways) -> None:
    for resource in ctx.resolver.of_type("aws_vpc_endpoint"):
        fields = ctx.fields(resource)
        draft = gateways.add(resource, "vpce")
        draft.attach(fields.one("vpc_id"))
        subnets = fields.many("subnet_ids")
        draft.subnet = subnets.single
        draft.note(fields.unknowns)


def _default_vpc_gateways(ctx: Context, gateways: Gateways, vpcs: dict[str, VpcInfo]) -> None:
    # Semantics §2: a default VPC comes with an internet gateway attached.
    for vpc, info in vpcs.items():
        if not is_default_vpc(ctx.resolver, vpc) or gateways.internet_gateway_of(vpc):
            continue
        address = implicit_address(vpc, "internet_gateway")
        draft = gateways.named(address, "igw", external=False)
        draft.implicit = True
        draft.location = info.vpc.location
        draft.vpcs.append(vpc)
        if vpc == STANDIN_VPC:
            draft.note([STANDIN_ASSUMPTION])


def build_gateways(
    ctx: Context, vpcs: dict[str, VpcInfo], subnets: dict[str, SubnetInfo]
) -> Gateways:
    """Return every gateway of the input plus the implicit internet gateway of default VPCs."""
    gateways = Gateways(ctx)
    _simple(ctx, gateways, "aws_internet_gateway", "igw")
    _simple(ctx, gateways, "aws_egress_only_internet_gateway", "eigw")
    _simple(ctx, gateways, "aws_vpn_gateway", "vgw")
    for resource in ctx.resolver.of_type("aws_internet_gateway_attachment"):
        _attach_by_reference(ctx, gateways, resource, "internet_gateway_id", "igw")
    for resource in ctx.resolver.of_type("aws_vpn_gateway_attachment"):
        _attach_by_reference(ctx, gateways, resource, "vpn_gateway_id", "vgw")
    _nat_gateways(ctx, gateways, subnets)
    _peerings(ctx, gateways)
    _transit(ctx, gateways)
    _endpoints(ctx, gateways)
    _default_vpc_gateways(ctx, gateways, vpcs)
    return gateways
