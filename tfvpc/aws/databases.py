"""Databases and caches: RDS instances, Aurora cluster instances, Redshift, DMS, ElastiCache.

A database sits in one subnet of its subnet group, in an AZ that AWS picks. When its subnets
are alike for the exposure walk (same VPC, route table and NACL, same IPv6 presence) the
placement does not matter and each subnet gets a node; otherwise the database is one
attachment over all of them, an ambiguous placement that can only be "possibly" exposed
(semantics §1.8: mixed group ⇒ possible). It is public iff ``publicly_accessible`` and the
subnet is public; it answers only on its port.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tfvpc.aws.addressing import PublicIpv4
from tfvpc.aws.context import Fields, Resolved
from tfvpc.aws.provider import default_by_major
from tfvpc.aws.services import (
    NodeSpec,
    Placement,
    ServiceEnv,
    add_all,
    groups_of,
    named,
    node_attachments,
    placement_of,
    public_flag,
)
from tfvpc.aws.values import TCP
from tfvpc.model import Attachment, Listener, Subnet

# Engine -> default port, most specific prefix first (RDS engine names).
ENGINE_PORTS: tuple[tuple[str, int], ...] = (
    ("aurora-postgresql", 5432),
    ("aurora-mysql", 3306),
    ("aurora", 3306),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("postgres", 5432),
    ("custom-oracle", 1521),
    ("oracle", 1521),
    ("custom-sqlserver", 1433),
    ("sqlserver", 1433),
    ("db2", 50000),
)
REDSHIFT_PORT = 5439
# R-EVAL-12: aws_redshift_cluster.publicly_accessible defaults to true up to provider 5.x.
REDSHIFT_LAST_PUBLIC_MAJOR = 5


def engine_port(engine: str | None) -> int | None:
    """Return the default port of an RDS engine, or None when the engine is unknown."""
    if engine is None:
        return None
    for prefix, port in ENGINE_PORTS:
        if engine.startswith(prefix):
            return port
    return None


def _subnet_group(
    env: ServiceEnv,
    fields: Fields,
    attr: str,
    group_types: tuple[str, ...],
    group_attr: str,
    notes: list[str],
) -> tuple[Placement, list[str]]:
    """Return the subnets of the subnet group `attr` names, and the group's address."""
    ctx = env.ctx
    if not fields.has(attr):
        notes.append(
            f"{fields.owner} has no {attr}: it is placed in the default VPC, "
            "which is not in the input"
        )
        return Placement((), ()), []
    group = named(ctx, fields.values.get(attr), group_types, group_attr, fields.what(attr))
    notes.extend(group.unknowns)
    notes.extend(f"subnet group {e} of {fields.owner} is not in the input" for e in group.external)
    found = Resolved()
    for address in group.addresses:
        resource = ctx.resolver.resource(address)
        if resource is not None:
            group_fields = ctx.fields(resource)
            found = found.merged(group_fields.many("subnet_ids"))
            notes.extend(group_fields.unknowns)
    placement = placement_of(env, found, fields.owner, notes)
    internal = [a for a in group.addresses if a not in group.external]
    return placement, internal


def _in_zone(placement: Placement, zone: str | None) -> Placement:
    """Return the placement narrowed to an explicit availability zone, when that is known."""
    if zone is None or len(placement.known) != len(placement.addresses):
        return placement
    inside = tuple(s for s in placement.known if s.availability_zone == zone)
    if not inside or any(s.availability_zone is None for s in placement.known):
        return placement
    return Placement(tuple(s.address for s in inside), inside)


def _alike(subnets: tuple[Subnet, ...]) -> bool:
    """Return True when the exposure walk reads every subnet the same way."""
    shapes = {(s.vpc, s.route_tables, s.nacls, s.ipv6_cidr is None, s.unknowns) for s in subnets}
    return len(shapes) <= 1


def _one_of(spec: NodeSpec, group: list[str]) -> list[Attachment]:
    """Return the attachments of a resource that sits in one subnet of its group."""
    placement = spec.placement
    complete = len(placement.known) == len(placement.addresses)
    if spec.public.value is False or (complete and _alike(placement.known)):
        return node_attachments(spec, one_of=True)
    if len(placement.addresses) > 1:
        where = group[0] if group else "its subnets"
        spec.notes.append(f"{spec.owner} sits in one subnet of {where}, chosen by AWS at apply")
    return node_attachments(spec, per_subnet=False)


def _listener(port: int | None, origin: str) -> tuple[Listener, ...]:
    if port is None:
        return ()
    return (Listener(protocol=TCP, from_port=port, to_port=port, origin=origin),)


def _port(fields: Fields, engine: str | None, default: int | None, notes: list[str]) -> int | None:
    if fields.has("port"):
        return fields.integer("port")
    port = engine_port(engine) if default is None else default
    if port is None:
        notes.append(f"the port of {fields.owner} is unknown (engine {engine or 'unknown'})")
    return port


def _engine_port(fields: Fields, notes: list[str]) -> int | None:
    return _port(fields, fields.text("engine"), None, notes)


def _redshift_port(fields: Fields, notes: list[str]) -> int | None:
    return _port(fields, None, REDSHIFT_PORT, notes)


def _private_by_default(env: ServiceEnv, fields: Fields) -> PublicIpv4:
    # Semantics §1.8: RDS defaults publicly_accessible to false, and for DMS the provider
    # sends false when it is unset (the API's own default is true).
    return public_flag(fields, "publicly_accessible", False, "service", fields.owner)


@dataclass(frozen=True)
class _Grouped:
    """A database type placed by the subnet group it names: where to read it and how."""

    type: str
    group_attr: str
    group_type: str
    group_name_attr: str
    public: Callable[[ServiceEnv, Fields], PublicIpv4]
    port: Callable[[Fields, list[str]], int | None] | None = None


def _grouped(env: ServiceEnv, kind: _Grouped) -> list[Attachment]:
    """Return the attachments of every resource of `kind`, each in one subnet of its group."""
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type(kind.type):
        fields = ctx.fields(resource)
        notes: list[str] = []
        placement, group = _subnet_group(
            env, fields, kind.group_attr, (kind.group_type,), kind.group_name_attr, notes
        )
        placement = _in_zone(placement, fields.text("availability_zone"))
        groups = groups_of(env, fields, "vpc_security_group_ids", placement, notes)
        port = None if kind.port is None else kind.port(fields, notes)
        spec = NodeSpec(
            resource,
            resource.address,
            resource.type,
            placement,
            groups,
            kind.public(env, fields),
            listeners=_listener(port, resource.address),
            related=group,
            notes=notes + fields.unknowns,
        )
        out.extend(_one_of(spec, group))
    return out


def _aurora(env: ServiceEnv) -> list[Attachment]:
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type("aws_rds_cluster_instance"):
        fields = ctx.fields(resource)
        notes: list[str] = []
        cluster = named(
            ctx,
            fields.values.get("cluster_identifier"),
            ("aws_rds_cluster",),
            "cluster_identifier",
            fields.what("cluster_identifier"),
        )
        notes.extend(cluster.unknowns)
        clusters = [
            r
            for a in cluster.addresses
            if (r := ctx.resolver.resource(a)) is not None and r.type == "aws_rds_cluster"
        ]
        if len(clusters) != 1:
            notes.append(
                f"the cluster of {resource.address} is not in the input: "
                "its security groups and port are unknown"
            )
        owner = ctx.fields(clusters[0]) if len(clusters) == 1 else None
        source = fields if fields.has("db_subnet_group_name") or owner is None else owner
        placement, group = _subnet_group(
            env, source, "db_subnet_group_name", ("aws_db_subnet_group",), "name", notes
        )
        placement = _in_zone(placement, fields.text("availability_zone"))
        groups: list[str] = []
        port: int | None = None
        related = [*group]
        if owner is not None:
            groups = groups_of(env, owner, "vpc_security_group_ids", placement, notes)
            engine = owner.text("engine") or fields.text("engine") or "aurora"
            port = _port(owner, engine, None, notes)
            notes.extend(owner.unknowns)
            related.insert(0, owner.owner)
        spec = NodeSpec(
            resource,
            resource.address,
            resource.type,
            placement,
            groups,
            _private_by_default(env, fields),
            listeners=_listener(port, resource.address),
            related=related,
            notes=notes + fields.unknowns,
        )
        out.extend(_one_of(spec, group))
    return out


def _redshift_public(env: ServiceEnv, fields: Fields) -> PublicIpv4:
    default = default_by_major(env.provider_version, REDSHIFT_LAST_PUBLIC_MAJOR)
    if fields.has("publicly_accessible") or default is not None:
        return public_flag(fields, "publicly_accessible", bool(default), "service", fields.owner)
    fields.note(
        f"publicly_accessible of {fields.owner} is not set: it defaults to true with AWS "
        "provider 5.x and earlier and to false from 6.0, and the provider version "
        f"({env.provider_version or 'not given'}) does not say which"
    )
    return PublicIpv4(None, "service", fields.owner)


def _redshift_address(env: ServiceEnv, fields: Fields) -> PublicIpv4:
    public = _redshift_public(env, fields)
    if public.value is not False and fields.has("elastic_ip"):
        return PublicIpv4(public.value, "eip", fields.owner)
    return public


_RDS = _Grouped(
    "aws_db_instance",
    "db_subnet_group_name",
    "aws_db_subnet_group",
    "name",
    _private_by_default,
    _engine_port,
)
_REDSHIFT = _Grouped(
    "aws_redshift_cluster",
    "cluster_subnet_group_name",
    "aws_redshift_subnet_group",
    "name",
    _redshift_address,
    _redshift_port,
)
_DMS = _Grouped(
    "aws_dms_replication_instance",
    "replication_subnet_group_id",
    "aws_dms_replication_subnet_group",
    "replication_subnet_group_id",
    _private_by_default,
)


_CACHE_TYPES = ("aws_elasticache_cluster", "aws_elasticache_replication_group")


def _caches(env: ServiceEnv) -> list[Attachment]:
    """ElastiCache nodes are never reachable from the internet; they occupy their subnets."""
    ctx = env.ctx
    out: list[Attachment] = []
    for resource in ctx.resolver.of_type(*_CACHE_TYPES, "aws_elasticache_serverless_cache"):
        fields = ctx.fields(resource)
        notes: list[str] = []
        if resource.type == "aws_elasticache_serverless_cache":
            placement = placement_of(env, fields.many("subnet_ids"), resource.address, notes)
            group: list[str] = []
        elif resource.type == "aws_elasticache_cluster" and fields.has("replication_group_id"):
            continue  # a member of a replication group: the group is modelled
        else:
            placement, group = _subnet_group(
                env,
                fields,
                "subnet_group_name",
                ("aws_elasticache_subnet_group",),
                "name",
                notes,
            )
        groups = groups_of(env, fields, "security_group_ids", placement, notes)
        spec = NodeSpec(
            resource,
            resource.address,
            resource.type,
            placement,
            groups,
            related=group,
            notes=notes + fields.unknowns,
        )
        out.extend(node_attachments(spec))
    return out


def build_databases(env: ServiceEnv) -> list[str]:
    """Add the attachments of every database and cache to `env.attachments`; return their
    addresses."""
    built = [
        *_grouped(env, _RDS),
        *_aurora(env),
        *_grouped(env, _REDSHIFT),
        *_grouped(env, _DMS),
        *_caches(env),
    ]
    return add_all(env.attachments, built)
