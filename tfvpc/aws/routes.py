"""Route tables, their routes, and which table each subnet uses.

Every table gets one local route per VPC CIDR (R-RT-4). Inline `route` blocks of
`aws_route_table` list, in plans and state, the routes of separate `aws_route` resources too
(R-TF-2): routes are deduplicated by destination, keeping the separate resource as origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.defaults import adopted_vpc, is_default_vpc
from tfvpc.aws.gateways import Gateways
from tfvpc.aws.route_targets import route_target
from tfvpc.aws.vpc import SubnetInfo, VpcInfo
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Location, Route, RouteTable, implicit_address

_SEPARATE_DESTINATIONS = (
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
)
_INLINE_DESTINATIONS = ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")


@dataclass
class TableDraft:
    """A route table being assembled."""

    address: str
    vpc: str | None
    location: Location | None = None
    implicit: bool = False
    keyed: dict[str, Route] = field(default_factory=dict)
    unkeyed: list[Route] = field(default_factory=list)
    edge_gateways: list[str] = field(default_factory=list)
    propagating: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)

    def note(self, reasons: tuple[str, ...] | list[str]) -> None:
        """Record reasons why something about the table is unknown (each once)."""
        self.unknowns.extend(r for r in reasons if r not in self.unknowns)

    def add(self, route: Route, *, inline: bool) -> None:
        """Add a route; an inline route whose destination is already routed is a duplicate."""
        key = _key(route)
        if key is None:
            self.unkeyed.append(route)
            return
        existing = self.keyed.get(key)
        if existing is None:
            self.keyed[key] = route
        elif _is_own_local(existing, self.address) and route.target_kind != "local":
            # A route for the VPC CIDR to an appliance replaces the local route's target.
            self.keyed[key] = route
        elif not inline:
            self.unkeyed.append(route)
            self.note([f"{existing.origin} and {route.origin} both route {key} in {self.address}"])

    def freeze(self, is_main: bool) -> RouteTable:
        """Return the immutable model table."""
        return RouteTable(
            address=self.address,
            location=self.location,
            unknowns=tuple(self.unknowns),
            implicit=self.implicit,
            vpc=self.vpc,
            routes=tuple(self.keyed.values()) + tuple(self.unkeyed),
            is_main=is_main,
            edge_gateways=tuple(self.edge_gateways),
            propagating_gateways=tuple(self.propagating),
        )


def _key(route: Route) -> str | None:
    if route.destination is not None:
        return route.destination
    if route.prefix_list is not None:
        return route.prefix_list
    return None


def _is_own_local(route: Route, table: str) -> bool:
    return route.target_kind == "local" and route.origin == table


@dataclass
class _Env:
    ctx: Context
    vpcs: dict[str, VpcInfo]
    subnets: dict[str, SubnetInfo]
    gateways: Gateways
    tables: dict[str, TableDraft] = field(default_factory=dict)


def _route(
    env: _Env, fields: Fields, destinations: tuple[str, ...], origin: str, where: Location | None
) -> Route:
    """Return the route whose destination and target attributes `fields` reads."""
    ipv4, ipv6, prefix_attr = destinations
    destination = fields.cidr(ipv4) or fields.cidr(ipv6)
    prefix_list: str | None = None
    if destination is None and fields.has(prefix_attr):
        prefix_list = fields.one(prefix_attr).single
    if not any(fields.has(attr) for attr in destinations):
        fields.note(f"the route in {fields.owner} has no destination")
    target = route_target(env.ctx, fields, env.gateways, env.subnets)
    return Route(
        destination=destination,
        prefix_list=prefix_list,
        target_kind=target.kind,
        target=target.target,
        target_ref=target.target_ref,
        origin=origin,
        location=where,
        unknowns=tuple(dict.fromkeys([*fields.unknowns, *target.unknowns])),
    )


def _local_routes(env: _Env, table: TableDraft, origin_location: Location | None) -> None:
    info = env.vpcs.get(table.vpc) if table.vpc is not None else None
    if info is None:
        why = "is unknown" if table.vpc is None else f"{table.vpc} is not in the input"
        reason = f"the local routes of {table.address} are unknown: its VPC {why}"
        table.add(
            Route(target_kind="local", origin=table.address, unknowns=(reason,)), inline=False
        )
        return
    for cidr in info.vpc.ipv4_cidrs + info.vpc.ipv6_cidrs:
        table.add(
            Route(
                destination=cidr,
                target_kind="local",
                origin=table.address,
                location=origin_location,
            ),
            inline=False,
        )
    for gap in info.cidr_gaps:
        table.add(Route(target_kind="local", origin=table.address, unknowns=(gap,)), inline=False)


def _default_vpc_route(env: _Env, table: TableDraft) -> None:
    # Semantics §2: the default VPC's main table routes 0.0.0.0/0 to its internet gateway.
    if table.vpc is None or table.vpc not in env.vpcs:
        return
    igw = env.gateways.internet_gateway_of(table.vpc)
    if not is_default_vpc(env.ctx.resolver, table.vpc) or igw is None:
        return
    table.add(
        Route(destination="0.0.0.0/0", target_kind="igw", target=igw, origin=table.address),
        inline=False,
    )


def _new_table(env: _Env, address: str, vpc: Resolved, where: Location | None) -> TableDraft:
    table = TableDraft(address, vpc.single, location=where)
    table.note(vpc.unknowns)
    env.tables[address] = table
    _local_routes(env, table, where)
    return table


def _implicit_tables(env: _Env) -> None:
    for address, info in env.vpcs.items():
        main = implicit_address(address, "main_route_table")
        if env.ctx.defaults[address].route_table != main and main not in info.main_tables:
            continue
        table = _new_table(env, main, Resolved((address,)), info.vpc.location)
        table.implicit = True
        _default_vpc_route(env, table)


def _declared_tables(env: _Env) -> list[tuple[ResourceInstance, TableDraft]]:
    declared: list[tuple[ResourceInstance, TableDraft]] = []
    ctx = env.ctx
    for resource in ctx.resolver.of_type("aws_route_table", "aws_default_route_table"):
        fields = ctx.fields(resource)
        if resource.type == "aws_default_route_table":
            vpc = ctx.from_link(adopted_vpc(ctx.resolver, resource))
        else:
            vpc = fields.one("vpc_id")
        table = _new_table(env, resource.address, vpc, env.ctx.location(resource))
        table.note(fields.unknowns)
        if resource.type == "aws_default_route_table" and not fields.has("route"):
            # An adopted main table whose routes are not configured keeps what AWS put there.
            _default_vpc_route(env, table)
        table.propagating.extend(fields.many("propagating_vgws").addresses)
        declared.append((resource, table))
    return declared


def _inline_routes(env: _Env, resource: ResourceInstance, table: TableDraft) -> None:
    fields = env.ctx.fields(resource)
    blocks = fields.blocks("route")
    table.note(fields.unknowns)
    if blocks is None and fields.has("route"):
        # The whole route list is unknown: any destination may go anywhere.
        table.add(
            Route(
                target_kind="unknown",
                origin=resource.address,
                location=env.ctx.location(resource),
                unknowns=tuple(dict.fromkeys((*fields.uncertain, fields.reason("route")))),
            ),
            inline=True,
        )
    for i, block in enumerate(blocks or []):
        block_fields = env.ctx.block_fields(resource, block, f"route[{i}]")
        where = env.ctx.location(resource, f"route.{i}")
        route = _route(env, block_fields, _INLINE_DESTINATIONS, resource.address, where)
        table.add(route, inline=True)


def _separate_routes(env: _Env) -> None:
    for resource in env.ctx.resolver.of_type("aws_route"):
        fields = env.ctx.fields(resource)
        tables = fields.one("route_table_id")
        route = _route(
            env, fields, _SEPARATE_DESTINATIONS, resource.address, env.ctx.location(resource)
        )
        for address in tables.addresses:
            if address in env.tables:
                env.tables[address].add(
                    route.model_copy(update={"unknowns": route.unknowns + tables.unknowns}),
                    inline=False,
                )


def _endpoint_routes(env: _Env) -> None:
    # R-RT-8: gateway endpoints add a route to their service's prefix list in each table.
    ctx = env.ctx
    links: list[tuple[ResourceInstance, ResourceInstance, Resolved]] = [
        (resource, resource, ctx.fields(resource).many("route_table_ids"))
        for resource in ctx.resolver.of_type("aws_vpc_endpoint")
    ]
    for resource in ctx.resolver.of_type("aws_vpc_endpoint_route_table_association"):
        fields = ctx.fields(resource)
        for named in fields.one("vpc_endpoint_id").addresses:
            found = ctx.resolver.resource(named)
            if found is not None and found.type == "aws_vpc_endpoint":
                links.append((found, resource, fields.one("route_table_id")))
    for endpoint, origin, tables in links:
        fields = ctx.fields(endpoint)
        if (fields.text("vpc_endpoint_type") or "Gateway").lower() != "gateway":
            continue
        prefix_list = fields.text("prefix_list_id") or implicit_address(
            endpoint.address, "prefix_list"
        )
        route = Route(
            prefix_list=prefix_list,
            target_kind="vpce",
            target=endpoint.address,
            origin=origin.address,
            location=env.ctx.location(origin),
            unknowns=tuple(
                dict.fromkeys((*endpoint.uncertain, *origin.uncertain, *tables.unknowns))
            ),
        )
        for address in tables.addresses:
            if address in env.tables:
                env.tables[address].add(route, inline=False)


def _propagations(env: _Env) -> None:
    for resource in env.ctx.resolver.of_type("aws_vpn_gateway_route_propagation"):
        fields = env.ctx.fields(resource)
        gateways = fields.one("vpn_gateway_id")
        for address in fields.one("route_table_id").addresses:
            table = env.tables.get(address)
            if table is not None:
                table.propagating.extend(
                    g for g in gateways.addresses if g not in table.propagating
                )
                table.note(fields.unknowns)


def build_route_tables(
    ctx: Context,
    vpcs: dict[str, VpcInfo],
    subnets: dict[str, SubnetInfo],
    gateways: Gateways,
) -> tuple[dict[str, RouteTable], dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Return every route table by address, and per subnet its tables and the notes on them.

    A subnet uses its explicit association (R-RT-2), else its VPC's current main table
    (R-RT-1). Edge associations (`gateway_id`) make a table an ingress table (R-RT-3).
    """
    env = _Env(ctx, vpcs, subnets, gateways)
    _implicit_tables(env)
    declared = _declared_tables(env)
    _separate_routes(env)
    _endpoint_routes(env)
    for resource, table in declared:
        _inline_routes(env, resource, table)
    _propagations(env)
    per_subnet = _associations(env)
    mains = {table for info in vpcs.values() for table in info.main_tables}
    tables = {address: table.freeze(address in mains) for address, table in env.tables.items()}
    return tables, per_subnet


def _associations(env: _Env) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    explicit: dict[str, list[str]] = {}
    certain: set[str] = set()
    """Subnets associated by a resource that certainly exists, with a table that does."""
    notes: dict[str, list[str]] = {}
    for resource in env.ctx.resolver.of_type("aws_route_table_association"):
        fields = env.ctx.fields(resource)
        tables = fields.one("route_table_id")
        doubts = [*fields.uncertain, *(r for t in tables.addresses for r in env.ctx.uncertain(t))]
        if fields.has("gateway_id"):
            edge = fields.one("gateway_id")
            for address in tables.addresses:
                if address in env.tables:
                    env.tables[address].edge_gateways.extend(edge.addresses)
                    env.tables[address].note(fields.unknowns)
            continue
        subnets = [a for a in fields.one("subnet_id").addresses if a in env.subnets]
        if not subnets:
            for address in tables.addresses:
                if address in env.tables and fields.unknowns:
                    env.tables[address].note(
                        [
                            f"{resource.address} associates {address} with an unknown subnet",
                            *fields.unknowns,
                        ]
                    )
        for subnet in subnets:
            found = explicit.setdefault(subnet, [])
            found.extend(a for a in tables.addresses if a not in found)
            notes.setdefault(subnet, []).extend([*fields.unknowns, *doubts])
            if not doubts:
                certain.add(subnet)
    per_subnet: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for address, info in env.subnets.items():
        subnet_notes = notes.get(address, [])
        chosen = list(explicit.get(address, []))
        if len(chosen) > 1:
            subnet_notes.append(
                f"{address} is associated with several route tables: {', '.join(chosen)}"
            )
        if address not in certain:
            # R-RT-1: unless an association certainly exists, the VPC's main table applies.
            for vpc in info.vpcs:
                main = env.vpcs[vpc]
                chosen += [table for table in main.main_tables if table not in chosen]
                subnet_notes.extend(main.main_doubts)
        subnet_notes.extend(
            f"route table {table} of {address} is not in the input"
            for table in chosen
            if table not in env.tables
        )
        per_subnet[address] = (tuple(dict.fromkeys(chosen)), tuple(dict.fromkeys(subnet_notes)))
    return per_subnet
