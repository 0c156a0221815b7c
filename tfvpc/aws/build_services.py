"""Exposable services and transit: the part of the build that comes after instances and ENIs.

Order matters: auto-scaling groups, databases, clusters and tasks add their attachments first,
then load balancers add their nodes, then target groups find the attachments of every target
(an internal ALB can itself be the target of an NLB).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.asg import build_autoscaling_groups
from tfvpc.aws.clusters import build_clusters
from tfvpc.aws.context import Context
from tfvpc.aws.databases import build_databases
from tfvpc.aws.lb import build_load_balancers
from tfvpc.aws.lb_targets import build_target_groups
from tfvpc.aws.services import ServiceEnv
from tfvpc.aws.transit import build_transit
from tfvpc.model import (
    Attachment,
    LoadBalancer,
    PublicEndpoint,
    Subnet,
    TargetGroup,
    TransitAttachment,
    TransitRouteTable,
    Vpc,
    VpnConnection,
)


@dataclass
class ServiceParts:
    """What the service builders add to the network (attachments are added in place)."""

    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)
    target_groups: dict[str, TargetGroup] = field(default_factory=dict)
    public_endpoints: dict[str, PublicEndpoint] = field(default_factory=dict)
    transit_attachments: dict[str, TransitAttachment] = field(default_factory=dict)
    transit_route_tables: dict[str, TransitRouteTable] = field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = field(default_factory=dict)


def build_services(
    ctx: Context,
    vpcs: dict[str, Vpc],
    subnets: dict[str, Subnet],
    attachments: dict[str, Attachment],
    aws_provider_version: str | None = None,
) -> ServiceParts:
    """Add the attachments of every exposable service to `attachments` and return the load
    balancers, target groups, public endpoints, transit objects and VPN connections."""
    env = ServiceEnv(ctx, vpcs, subnets, attachments, aws_provider_version)
    build_autoscaling_groups(env)
    build_databases(env)
    endpoints = build_clusters(env)
    load_balancers = build_load_balancers(env)
    target_groups = build_target_groups(env, load_balancers)
    transit_attachments, transit_tables, vpns = build_transit(ctx)
    return ServiceParts(
        load_balancers, target_groups, endpoints, transit_attachments, transit_tables, vpns
    )
