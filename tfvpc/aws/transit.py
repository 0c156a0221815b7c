"""Transit gateway route tables and attachments, and site-to-site VPN connections.

R-TGW-1: a VPC reaches another through its transit gateway when the attachment's route table
(association) routes the destination to the far attachment, statically
(`aws_ec2_transit_gateway_route`, ``blackhole = true`` drops) or by propagation, and the way
back is symmetric. Attachments join the transit gateway's default route table unless they opt
out or the gateway disables default association/propagation; that default table is implicit
(``<tgw>:default_route_table``) unless a resource declares which table it is.
R-VPN-1: a VPN connection is a source of private traffic from its on-premises routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Fields, Resolved, location_of
from tfvpc.aws.links import Target
from tfvpc.load.resources import ResourceInstance, Value
from tfvpc.model import (
    TransitAttachment,
    TransitKind,
    TransitRoute,
    TransitRouteTable,
    VpnConnection,
    implicit_address,
)

_TGW = "aws_ec2_transit_gateway"
_DEFAULT_TABLE_ATTRS = (
    "association_default_route_table_id",
    "propagation_default_route_table_id",
)
_DEFAULT_TABLE_SETTERS = {
    "aws_ec2_transit_gateway_default_route_table_association": "association",
    "aws_ec2_transit_gateway_default_route_table_propagation": "propagation",
}


@dataclass
class _Gateway:
    """A transit gateway's default-table settings: (enabled, default table) per use."""

    association: bool | None = True
    propagation: bool | None = True
    tables: dict[str, str] = field(default_factory=dict)

    def table(self, use: str, address: str) -> str:
        """Return the default table for `use` (association/propagation)."""
        return self.tables.get(use, implicit_address(address, "default_route_table"))


@dataclass
class _TableDraft:
    address: str
    transit_gateway: str | None
    is_default: bool = False
    implicit: bool = False
    resource: ResourceInstance | None = None
    routes: list[TransitRoute] = field(default_factory=list)
    associations: list[str] = field(default_factory=list)
    propagations: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)

    def freeze(self) -> TransitRouteTable:
        return TransitRouteTable(
            address=self.address,
            location=location_of(self.resource) if self.resource is not None else None,
            unknowns=tuple(dict.fromkeys(self.unknowns)),
            implicit=self.implicit,
            transit_gateway=self.transit_gateway,
            is_default=self.is_default,
            routes=tuple(self.routes),
            associations=tuple(dict.fromkeys(self.associations)),
            propagations=tuple(dict.fromkeys(self.propagations)),
        )


def _enabled(fields: Fields, attr: str) -> bool | None:
    text = fields.text(attr)
    if text is None and not fields.has(attr):
        return True  # AWS default: "enable"
    if text in ("enable", "disable"):
        return text == "enable"
    return None


def _gateways(ctx: Context) -> dict[str, _Gateway]:
    found: dict[str, _Gateway] = {}
    for resource in ctx.resolver.of_type(_TGW):
        fields = ctx.fields(resource)
        found[resource.address] = _Gateway(
            _enabled(fields, "default_route_table_association"),
            _enabled(fields, "default_route_table_propagation"),
        )
    for type_, use in _DEFAULT_TABLE_SETTERS.items():
        for resource in ctx.resolver.of_type(type_):
            fields = ctx.fields(resource)
            table = fields.one("transit_gateway_route_table_id").single
            for gateway in fields.one("transit_gateway_id").addresses:
                if gateway in found and table is not None:
                    found[gateway].tables[use] = table
    return found


class _Build:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.gateways = _gateways(ctx)
        self.tables: dict[str, _TableDraft] = {}
        self.attachments: dict[str, TransitAttachment] = {}

    def table_of(self, value: Value, what: str, notes: list[str]) -> list[str]:
        """Return the route tables a reference names; the default-table attributes of a
        transit gateway name its default table."""
        link = self.ctx.resolver.link(value, what)
        if link.unknown is not None:
            notes.append(link.unknown)
        found: list[str] = []
        for target in link.targets:
            resource = self.ctx.resolver.resource(target.address)
            if (
                resource is not None
                and resource.type == _TGW
                and target.attr in _DEFAULT_TABLE_ATTRS
            ):
                use = "association" if target.attr.startswith("association") else "propagation"
                found.append(self.default_table(target.address, use))
            else:
                found.append(self.ctx.address(Target(target.address)))
        if link.external is not None:
            found.append(link.external)
        return found

    def default_table(self, gateway: str, use: str) -> str:
        settings = self.gateways.get(gateway, _Gateway())
        address = settings.table(use, gateway)
        if address not in self.tables:
            implicit = address == implicit_address(gateway, "default_route_table")
            self.tables[address] = _TableDraft(address, gateway, True, implicit)
        self.tables[address].is_default = True
        return address

    def declared_tables(self) -> None:
        for resource in self.ctx.resolver.of_type("aws_ec2_transit_gateway_route_table"):
            fields = self.ctx.fields(resource)
            gateway = fields.one("transit_gateway_id")
            draft = self.tables.setdefault(
                resource.address, _TableDraft(resource.address, gateway.single)
            )
            draft.resource = resource
            draft.transit_gateway = gateway.single
            draft.unknowns.extend(fields.unknowns)

    def attach(
        self,
        resource: ResourceInstance,
        kind: TransitKind,
        gateway: Resolved,
        *,
        vpc: str | None = None,
        subnets: tuple[str, ...] = (),
        association: bool | None = True,
        propagation: bool | None = True,
        notes: list[str] | None = None,
    ) -> None:
        tgw = gateway.single
        settings = self.gateways.get(tgw, _Gateway()) if tgw is not None else _Gateway(None, None)
        joined_association = _both(association, settings.association)
        joined_propagation = _both(propagation, settings.propagation)
        attachment = TransitAttachment(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys([*(notes or []), *gateway.unknowns])),
            kind=kind,
            transit_gateway=tgw,
            vpc=vpc,
            subnets=subnets,
            default_association=joined_association,
            default_propagation=joined_propagation,
        )
        self.attachments[resource.address] = attachment
        if tgw is None:
            return
        if joined_association is not False:
            self.tables_for(tgw, "association").associations.append(resource.address)
        if joined_propagation is not False:
            self.tables_for(tgw, "propagation").propagations.append(resource.address)

    def tables_for(self, gateway: str, use: str) -> _TableDraft:
        return self.tables[self.default_table(gateway, use)]


def _both(own: bool | None, gateway: bool | None) -> bool | None:
    if own is False or gateway is False:
        return False
    if own is None or gateway is None:
        return None
    return True


def _attachments(build: _Build) -> None:
    ctx = build.ctx
    for resource in ctx.resolver.of_type("aws_ec2_transit_gateway_vpc_attachment"):
        fields = ctx.fields(resource)
        build.attach(
            resource,
            "vpc",
            fields.one("transit_gateway_id"),
            vpc=fields.one("vpc_id").single,
            subnets=fields.many("subnet_ids").addresses,
            association=fields.flag("transit_gateway_default_route_table_association", True),
            propagation=fields.flag("transit_gateway_default_route_table_propagation", True),
            notes=fields.unknowns,
        )
    for resource in ctx.resolver.of_type("aws_vpn_connection"):
        fields = ctx.fields(resource)
        if fields.has("transit_gateway_id"):
            build.attach(resource, "vpn", fields.one("transit_gateway_id"), notes=fields.unknowns)
    for resource in ctx.resolver.of_type("aws_ec2_transit_gateway_peering_attachment"):
        fields = ctx.fields(resource)
        # Peering attachments never join the default route table: they are associated explicitly.
        build.attach(
            resource,
            "peering",
            fields.one("transit_gateway_id"),
            association=False,
            propagation=False,
            notes=fields.unknowns,
        )
    for resource in ctx.resolver.of_type("aws_ec2_transit_gateway_connect"):
        fields = ctx.fields(resource)
        build.attach(
            resource,
            "connect",
            fields.one("transit_gateway_id"),
            association=fields.flag("transit_gateway_default_route_table_association", True),
            propagation=fields.flag("transit_gateway_default_route_table_propagation", True),
            notes=fields.unknowns,
        )


def _links(build: _Build) -> None:
    ctx = build.ctx
    kinds = {
        "aws_ec2_transit_gateway_route_table_association": "associations",
        "aws_ec2_transit_gateway_route_table_propagation": "propagations",
    }
    for type_, kind in kinds.items():
        for resource in ctx.resolver.of_type(type_):
            fields = ctx.fields(resource)
            notes = list(fields.unknowns)
            tables = build.table_of(
                fields.values.get("transit_gateway_route_table_id"),
                fields.what("transit_gateway_route_table_id"),
                notes,
            )
            attachment = fields.one("transit_gateway_attachment_id")
            for table in tables:
                draft = build.tables.setdefault(table, _TableDraft(table, None))
                getattr(draft, kind).extend(attachment.addresses)
                draft.unknowns.extend(notes + list(attachment.unknowns))


def _routes(build: _Build) -> None:
    ctx = build.ctx
    types = ("aws_ec2_transit_gateway_route", "aws_ec2_transit_gateway_prefix_list_reference")
    for resource in ctx.resolver.of_type(*types):
        fields = ctx.fields(resource)
        notes = list(fields.unknowns)
        tables = build.table_of(
            fields.values.get("transit_gateway_route_table_id"),
            fields.what("transit_gateway_route_table_id"),
            notes,
        )
        attachment = (
            fields.one("transit_gateway_attachment_id")
            if fields.has("transit_gateway_attachment_id")
            else Resolved()
        )
        blackhole = fields.flag("blackhole", False)
        prefix_list = fields.one("prefix_list_id").single if fields.has("prefix_list_id") else None
        route = TransitRoute(
            destination=fields.cidr("destination_cidr_block"),
            prefix_list=prefix_list,
            attachment=attachment.single,
            blackhole=blackhole is True,
            origin=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys(notes + fields.unknowns + list(attachment.unknowns))),
        )
        for table in tables:
            build.tables.setdefault(table, _TableDraft(table, None)).routes.append(route)


def _vpn_connections(ctx: Context) -> dict[str, VpnConnection]:
    routes: dict[str, list[str]] = {}
    for resource in ctx.resolver.of_type("aws_vpn_connection_route"):
        fields = ctx.fields(resource)
        cidr = fields.cidr("destination_cidr_block")
        for connection in fields.one("vpn_connection_id").addresses:
            routes.setdefault(connection, []).append(cidr or "")
    built: dict[str, VpnConnection] = {}
    for resource in ctx.resolver.of_type("aws_vpn_connection"):
        fields = ctx.fields(resource)
        attr = "transit_gateway_id" if fields.has("transit_gateway_id") else "vpn_gateway_id"
        gateway = fields.one(attr)
        statics = routes.get(resource.address, [])
        built[resource.address] = VpnConnection(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys(fields.unknowns + list(gateway.unknowns))),
            gateway=gateway.single,
            customer_gateway=fields.one("customer_gateway_id").single,
            static_routes_only=fields.flag("static_routes_only", False),
            static_routes=None if "" in statics else tuple(statics),
        )
    return built


def build_transit(
    ctx: Context,
) -> tuple[dict[str, TransitAttachment], dict[str, TransitRouteTable], dict[str, VpnConnection]]:
    """Return the transit gateway attachments, route tables and VPN connections, by address."""
    build = _Build(ctx)
    build.declared_tables()
    _attachments(build)
    _links(build)
    _routes(build)
    tables = {address: draft.freeze() for address, draft in build.tables.items()}
    return build.attachments, tables, _vpn_connections(ctx)
