"""Orchestration: resource instances of every input -> one `Network`."""

from __future__ import annotations

from collections.abc import Iterable

from tfvpc.aws.acl import build_nacls
from tfvpc.aws.attach import build_attachments
from tfvpc.aws.build_services import build_services
from tfvpc.aws.catalogue import SUPPORTED_TYPES
from tfvpc.aws.context import Context
from tfvpc.aws.defaults import find_defaults
from tfvpc.aws.gateways import build_gateways
from tfvpc.aws.links import Resolver
from tfvpc.aws.prefix import build_prefix_lists
from tfvpc.aws.routes import build_route_tables
from tfvpc.aws.sg import build_security_groups
from tfvpc.aws.vpc import SubnetInfo, build_subnets, build_vpcs
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Location, Network, Node, Subnet


def build_network(
    resources: Iterable[ResourceInstance], aws_provider_version: str | None = None
) -> Network:
    """Return the network model of all resource instances of all inputs.

    Objects AWS creates implicitly (main route tables, default NACLs and security groups,
    local routes, ``*`` denies) are explicit; managed types the builder does not model are
    counted in `Network.skipped_types`. `aws_provider_version` (the constraint or version of
    the hashicorp/aws provider, R-EVAL-12) decides defaults that changed between majors.
    """
    resolver = Resolver(resources)
    defaults, adopt_notes = find_defaults(resolver)
    ctx = Context(resolver, defaults)
    vpc_infos = build_vpcs(ctx, adopt_notes)
    subnet_infos = build_subnets(ctx, vpc_infos)
    gateways = build_gateways(ctx, vpc_infos, subnet_infos)
    route_tables, subnet_tables = build_route_tables(ctx, vpc_infos, subnet_infos, gateways)
    nacls, subnet_nacls = build_nacls(ctx, vpc_infos, subnet_infos)
    subnets = {
        address: _associated(info, subnet_tables[address], subnet_nacls[address])
        for address, info in subnet_infos.items()
    }
    prefix_lists = build_prefix_lists(ctx)
    groups = build_security_groups(ctx, vpc_infos, prefix_lists)
    vpcs = {address: info.vpc for address, info in vpc_infos.items()}
    attachments = build_attachments(ctx, vpcs, subnets, groups)
    services = build_services(ctx, vpcs, subnets, attachments, aws_provider_version)
    network = Network(
        vpcs=vpcs,
        subnets=subnets,
        route_tables=route_tables,
        gateways=gateways.freeze(),
        nacls=nacls,
        security_groups=groups,
        prefix_lists=prefix_lists,
        attachments=attachments,
        load_balancers=services.load_balancers,
        target_groups=services.target_groups,
        public_endpoints=services.public_endpoints,
        transit_attachments=services.transit_attachments,
        transit_route_tables=services.transit_route_tables,
        vpn_connections=services.vpn_connections,
        skipped_types=_skipped(resolver),
    )
    network.locations.update(_locations(ctx, network))
    return network


def _associated(
    info: SubnetInfo,
    tables: tuple[tuple[str, ...], tuple[str, ...]],
    nacls: tuple[tuple[str, ...], tuple[str, ...]],
) -> Subnet:
    notes = tuple(dict.fromkeys(info.subnet.unknowns + tables[1] + nacls[1]))
    return info.subnet.model_copy(
        update={"route_tables": tables[0], "nacls": nacls[0], "unknowns": notes}
    )


def _skipped(resolver: Resolver) -> dict[str, int]:
    counts = resolver.type_counts()
    return {type_: counts[type_] for type_ in sorted(counts) if type_ not in SUPPORTED_TYPES}


def _locations(ctx: Context, network: Network) -> dict[str, Location]:
    location = ctx.location
    found = {
        resource.address: where
        for resource in ctx.resolver.resources
        if (where := location(resource)) is not None
    }
    implicit: list[Node] = [
        *network.route_tables.values(),
        *network.nacls.values(),
        *network.security_groups.values(),
        *network.gateways.values(),
    ]
    for node in implicit:
        if node.implicit and node.location is not None:
            found.setdefault(node.address, node.location)
    return found
