"""Clusters, tasks, functions, search domains and interface endpoints (semantics §1.8, §1.9).

* `aws_eks_cluster`: the Kubernetes API's public endpoint (tcp/443 from `public_access_cidrs`,
  on by default) is a `PublicEndpoint`, not a VPC path; the cluster's interfaces in
  `subnet_ids` are non-public attachments.
* `aws_ecs_service` with `network_configuration` (``awsvpc``): one task interface per subnet,
  public iff `assign_public_ip` (default false).
* `aws_lambda_function` in a VPC: never reachable inbound, no public address.
* `aws_opensearch_domain`/`aws_elasticsearch_domain`: with `vpc_options` non-public interfaces;
  without, a public endpoint governed by the access policy, outside the VPC model.
* Interface VPC endpoints: internal interfaces with security groups (R-VPCE-1).
"""

from __future__ import annotations

from tfvpc.aws.addressing import PublicIpv4, ipv6_of
from tfvpc.aws.context import Context, Fields, Resolved, location_of
from tfvpc.aws.services import (
    NodeSpec,
    Placement,
    ServiceEnv,
    add_all,
    groups_of,
    is_configured,
    node_attachments,
    placement_of,
    public_flag,
)
from tfvpc.aws.values import TCP, canonical_cidr
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Attachment, PublicEndpoint

EKS_DEFAULT_CIDRS = ("0.0.0.0/0",)
"""`vpc_config.public_access_cidrs` when unset (semantics §1.8)."""
HTTPS = 443
HTTP = 80
SEARCH_TYPES = ("aws_opensearch_domain", "aws_elasticsearch_domain")
_ENDPOINT_GATEWAY_TYPES = ("Gateway", "GatewayLoadBalancer")


def _first_block(ctx: Context, fields: Fields, attr: str) -> Fields | None:
    blocks = fields.blocks(attr) or []
    return ctx.nested(fields, blocks[0], f"{attr}[0]") if blocks else None


def _cidrs(fields: Fields, attr: str, default: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return a CIDR list attribute (`default` when unset); None when any of it is unknown."""
    if not fields.has(attr):
        return default
    raw = fields.raw(attr)
    if not isinstance(raw, list):
        fields.note(fields.reason(attr))
        return None
    found = [canonical_cidr(item) for item in raw]
    if any(cidr is None for cidr in found):
        fields.note(f"{fields.what(attr)} holds a value that is not a known CIDR")
        return None
    return tuple(cidr for cidr in found if cidr is not None)


def _private(
    env: ServiceEnv,
    resource: ResourceInstance,
    subnets: Resolved,
    groups: list[str],
    notes: list[str],
) -> list[Attachment]:
    """Return non-public interfaces of `resource`, one per subnet."""
    placement = placement_of(env, subnets, resource.address, notes)
    spec = NodeSpec(resource, resource.address, resource.type, placement, groups, notes=notes)
    return node_attachments(spec)


def _eks(env: ServiceEnv, endpoints: dict[str, PublicEndpoint]) -> list[Attachment]:
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type("aws_eks_cluster"):
        fields = ctx.fields(resource)
        config = _first_block(ctx, fields, "vpc_config")
        reader = config if config is not None else fields
        enabled = reader.flag("endpoint_public_access", True)
        sources = _cidrs(reader, "public_access_cidrs", EKS_DEFAULT_CIDRS)
        endpoints[resource.address] = PublicEndpoint(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys(fields.unknowns + reader.unknowns)),
            kind=resource.type,
            resource=resource.address,
            enabled=enabled,
            protocol=TCP,
            ports=((HTTPS, HTTPS),),
            sources=sources,
            governed_by="Kubernetes API authentication (IAM)",
        )
        if config is not None and config.has("subnet_ids"):
            notes = list(config.unknowns)
            groups = list(config.many("security_group_ids").addresses)
            out.extend(_private(env, resource, config.many("subnet_ids"), groups, notes))
    return out


def _ecs(env: ServiceEnv) -> list[Attachment]:
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type("aws_ecs_service"):
        fields = ctx.fields(resource)
        config = _first_block(ctx, fields, "network_configuration")
        if config is None:
            continue  # bridge or host networking: the tasks use the instances' interfaces
        notes: list[str] = []
        placement = placement_of(env, config.many("subnets"), resource.address, notes)
        groups = groups_of(env, config, "security_groups", placement, notes)
        public = public_flag(config, "assign_public_ip", False, "service", resource.address)
        for address in placement.addresses or ("",):
            known = tuple(s for s in placement.known if s.address == address)
            where = Placement((address,), known) if address else placement
            ipv6_notes: list[str] = []
            ipv6 = ipv6_of(config, list(known), ipv6_notes)
            spec = NodeSpec(
                resource,
                resource.address,
                resource.type,
                where,
                groups,
                public,
                ipv6,
                notes=notes + ipv6_notes + config.unknowns + fields.unknowns,
            )
            out.extend(node_attachments(spec))
    return out


def _lambdas(env: ServiceEnv) -> list[Attachment]:
    """Lambda functions in a VPC: never reachable inbound, no public address (§1.8)."""
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type("aws_lambda_function"):
        fields = ctx.fields(resource)
        config = _first_block(ctx, fields, "vpc_config")
        if config is None or not is_configured(config, "subnet_ids"):
            continue
        groups = list(config.many("security_group_ids").addresses)
        out.extend(
            _private(env, resource, config.many("subnet_ids"), groups, list(config.unknowns))
        )
    return out


def _search(env: ServiceEnv, endpoints: dict[str, PublicEndpoint]) -> list[Attachment]:
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type(*SEARCH_TYPES):
        fields = ctx.fields(resource)
        config = _first_block(ctx, fields, "vpc_options")
        if config is not None:
            notes = list(config.unknowns)
            placement = placement_of(env, config.many("subnet_ids"), resource.address, notes)
            groups = groups_of(env, config, "security_group_ids", placement, notes)
            spec = NodeSpec(
                resource, resource.address, resource.type, placement, groups, notes=notes
            )
            out.extend(node_attachments(spec))
            continue
        options = _first_block(ctx, fields, "domain_endpoint_options")
        https_only = options is not None and options.flag("enforce_https", False) is True
        ports = ((HTTPS, HTTPS),) if https_only else ((HTTP, HTTP), (HTTPS, HTTPS))
        policy = (
            f"whether {resource.address} admits a client is decided by its access policy "
            "(access_policies), which is outside the VPC model"
        )
        endpoints[resource.address] = PublicEndpoint(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys([policy, *fields.unknowns])),
            kind=resource.type,
            resource=resource.address,
            protocol=TCP,
            ports=ports,
            sources=("0.0.0.0/0",),
            governed_by="its access policy",
        )
    return out


def _endpoint_extras(ctx: Context, attr: str, types: str) -> dict[str, Resolved]:
    """Return, per endpoint, what association resources of one type add (subnets or groups)."""
    found: dict[str, Resolved] = {}
    for resource in ctx.resolver.of_type(types):
        fields = ctx.fields(resource)
        extra = fields.one(attr)
        for endpoint in fields.one("vpc_endpoint_id").addresses:
            found[endpoint] = found.get(endpoint, Resolved()).merged(extra)
    return found


def _interface_endpoints(env: ServiceEnv) -> list[Attachment]:
    """Interface endpoints are internal interfaces with security groups (R-VPCE-1)."""
    ctx = env.ctx
    subnets = _endpoint_extras(ctx, "subnet_id", "aws_vpc_endpoint_subnet_association")
    groups = _endpoint_extras(
        ctx, "security_group_id", "aws_vpc_endpoint_security_group_association"
    )
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type("aws_vpc_endpoint"):
        fields = ctx.fields(resource)
        kind = fields.text("vpc_endpoint_type") or "Gateway"
        if kind in _ENDPOINT_GATEWAY_TYPES:
            continue
        notes: list[str] = []
        where = fields.many("subnet_ids").merged(subnets.get(resource.address, Resolved()))
        placement = placement_of(env, where, resource.address, notes)
        extra = groups.get(resource.address, Resolved())
        if is_configured(fields, "security_group_ids") or extra.addresses:
            chosen = list(fields.many("security_group_ids").merged(extra).addresses)
        else:
            chosen = groups_of(env, fields, "security_group_ids", placement, notes)
        spec = NodeSpec(
            resource,
            resource.address,
            resource.type,
            placement,
            chosen,
            PublicIpv4(False),
            notes=notes + fields.unknowns,
        )
        out.extend(node_attachments(spec))
    return out


def build_clusters(env: ServiceEnv) -> dict[str, PublicEndpoint]:
    """Add the interfaces of clusters, tasks, functions, search domains and interface
    endpoints to `env.attachments`; return the public endpoints outside the VPC model."""
    endpoints: dict[str, PublicEndpoint] = {}
    built = [
        *_eks(env, endpoints),
        *_ecs(env),
        *_lambdas(env),
        *_search(env, endpoints),
        *_interface_endpoints(env),
    ]
    add_all(env.attachments, built)
    return endpoints
