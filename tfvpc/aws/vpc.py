"""VPCs (with their CIDR associations and current main route table) and subnets."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import VPC_TYPES, Context, Fields, Resolved
from tfvpc.aws.defaults import (
    STANDIN_ASSUMPTION,
    STANDIN_VPC,
    default_vpc_link,
    default_vpcs,
    needs_default_subnet,
)
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import Subnet, Vpc, implicit_address

# Every default VPC has this IPv4 CIDR (AWS: "Default VPC and default subnets").
DEFAULT_VPC_CIDR = "172.31.0.0/16"


@dataclass(frozen=True)
class VpcInfo:
    """A built VPC plus what other builders need to know about it.

    `has_ipv6` is None when it is unknown whether the VPC gets an IPv6 block. `cidr_gaps`
    are the reasons why some of its CIDRs are unknown: each becomes a local route with an
    unknown destination (R-RT-4). `main_tables` are the tables that may be its main one,
    the model's `main_route_table` first; several when the resource that switches or adopts
    it may not exist, for the reasons `main_doubts`.
    """

    vpc: Vpc
    has_ipv6: bool | None
    cidr_gaps: tuple[str, ...] = ()
    main_tables: tuple[str, ...] = ()
    main_doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubnetInfo:
    """A built subnet (without its route tables and NACLs yet) and its candidate VPCs."""

    subnet: Subnet
    vpcs: tuple[str, ...]


@dataclass
class _Cidrs:
    ipv4: list[str] = field(default_factory=list)
    ipv6: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    ipv6_expected: bool | None = False

    def add(self, cidr: str | None, family: int) -> None:
        """Add a known CIDR of the given family (4 or 6) once."""
        target = self.ipv6 if family == 6 else self.ipv4
        if cidr is not None and cidr not in target:
            target.append(cidr)


def _read_cidr(fields: Fields, attr: str) -> tuple[str | None, str | None]:
    """Return the CIDR in `attr`, or None with the reason when it is set but not known."""
    before = set(fields.unknowns)
    cidr = fields.cidr(attr)
    if cidr is not None or not fields.has(attr):
        return cidr, None
    fresh = [reason for reason in fields.unknowns if reason not in before]
    return None, fresh[0] if fresh else f"{fields.what(attr)} is unknown"


def _read_ipv4(fields: Fields, cidrs: _Cidrs, attr: str, default: str | None = None) -> None:
    cidr, gap = _read_cidr(fields, attr)
    if gap is not None:
        cidrs.gaps.append(gap)
    elif cidr is None and default is not None:
        cidrs.add(default, 4)
    elif cidr is None:
        pool = fields.has("ipv4_ipam_pool_id")
        reason = (
            f"{fields.what(attr)} is allocated from an IPAM pool at apply"
            if pool
            else f"{fields.what(attr)} is not set"
        )
        fields.note(reason)
        cidrs.gaps.append(reason)
    cidrs.add(cidr, 4)


def _read_ipv6(fields: Fields, cidrs: _Cidrs) -> None:
    cidr, gap = _read_cidr(fields, "ipv6_cidr_block")
    if cidr is not None:
        cidrs.add(cidr, 6)
        cidrs.ipv6_expected = True
        return
    if gap is not None:
        cidrs.gaps.append(gap)
        cidrs.ipv6_expected = True
        return
    generated = fields.flag("assign_generated_ipv6_cidr_block", False)
    if generated or fields.has("ipv6_ipam_pool_id"):
        reason = f"the IPv6 CIDR of {fields.owner} is assigned by AWS at apply"
        fields.note(reason)
        cidrs.gaps.append(reason)
        cidrs.ipv6_expected = True
    elif generated is None and cidrs.ipv6_expected is False:
        cidrs.ipv6_expected = None


def _associations(ctx: Context) -> tuple[dict[str, _Cidrs], dict[str, list[str]]]:
    """Return extra CIDRs per VPC from the CIDR-block association resources, with notes."""
    found: dict[str, _Cidrs] = {}
    notes: dict[str, list[str]] = {}
    types = ("aws_vpc_ipv4_cidr_block_association", "aws_vpc_ipv6_cidr_block_association")
    for resource in ctx.resolver.of_type(*types):
        fields = ctx.fields(resource)
        vpcs = fields.one("vpc_id").addresses
        own = _Cidrs()
        if resource.type == "aws_vpc_ipv4_cidr_block_association":
            _read_ipv4(fields, own, "cidr_block")
        else:
            _read_ipv6(fields, own)
            if not own.ipv6 and not own.gaps:
                reason = f"the IPv6 CIDR of {resource.address} is assigned by AWS at apply"
                fields.note(reason)
                own.gaps.append(reason)
            own.ipv6_expected = True
        for vpc in vpcs:
            merged = found.setdefault(vpc, _Cidrs())
            for cidr in own.ipv4:
                merged.add(cidr, 4)
            for cidr in own.ipv6:
                merged.add(cidr, 6)
            merged.gaps.extend(own.gaps)
            merged.ipv6_expected = merged.ipv6_expected or own.ipv6_expected
            notes.setdefault(vpc, []).extend(fields.unknowns)
    return found, notes


def _main_switches(ctx: Context) -> dict[str, list[tuple[Resolved, str]]]:
    """Return, per VPC, the tables `aws_main_route_table_association`s make main (R-RT-1)."""
    switches: dict[str, list[tuple[Resolved, str]]] = {}
    for resource in ctx.resolver.of_type("aws_main_route_table_association"):
        fields = ctx.fields(resource)
        table = fields.one("route_table_id")
        for vpc in fields.one("vpc_id").addresses:
            switches.setdefault(vpc, []).append((table, resource.address))
    return switches


def _main_tables(
    ctx: Context, vpc: str, switches: list[tuple[Resolved, str]], notes: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the tables that may be the VPC's current main one (R-RT-1), the most likely
    first, and the reasons why there are several."""
    originals = ctx.default_candidates(vpc, "route_table")
    doubts = tuple(reason for table in originals for reason in ctx.uncertain(table))
    if not switches:
        return originals, doubts
    if len(switches) > 1:
        names = ", ".join(origin for _, origin in switches)
        notes.append(f"several resources set the main route table: {names}")
    table, origin = switches[0]
    if table.single is None:
        notes.extend(table.unknowns)
        notes.append(f"{origin} makes an unknown route table main")
        return originals, doubts
    switched = (*ctx.uncertain(origin), *ctx.uncertain(table.single))
    if not switched:
        return (table.single,), ()
    # The switch may not happen: the original main table then stays main.
    return (table.single, *originals), (*switched, *doubts)


def build_vpcs(ctx: Context, adopt_notes: dict[str, list[str]]) -> dict[str, VpcInfo]:
    """Return every VPC of the input (aws_vpc, aws_default_vpc) by address."""
    associations, association_notes = _associations(ctx)
    switches = _main_switches(ctx)
    built: dict[str, VpcInfo] = {}
    for resource in ctx.resolver.of_type(*VPC_TYPES):
        fields = ctx.fields(resource)
        cidrs = _Cidrs()
        default = DEFAULT_VPC_CIDR if resource.type == "aws_default_vpc" else None
        _read_ipv4(fields, cidrs, "cidr_block", default)
        _read_ipv6(fields, cidrs)
        extra = associations.get(resource.address, _Cidrs())
        for cidr in extra.ipv4:
            cidrs.add(cidr, 4)
        for cidr in extra.ipv6:
            cidrs.add(cidr, 6)
        cidrs.gaps.extend(extra.gaps)
        notes = list(fields.unknowns)
        notes.extend(association_notes.get(resource.address, []))
        notes.extend(adopt_notes.get(resource.address, []))
        defaults = ctx.defaults[resource.address]
        mains, main_doubts = _main_tables(
            ctx, resource.address, switches.get(resource.address, []), notes
        )
        vpc = Vpc(
            address=resource.address,
            location=ctx.location(resource),
            unknowns=tuple(dict.fromkeys(notes)),
            ipv4_cidrs=tuple(cidrs.ipv4),
            ipv6_cidrs=tuple(cidrs.ipv6),
            main_route_table=mains[0],
            default_nacl=defaults.nacl,
            default_security_group=defaults.security_group,
        )
        has_ipv6 = _has_ipv6(cidrs, extra)
        gaps = tuple(dict.fromkeys(cidrs.gaps))
        built[resource.address] = VpcInfo(
            vpc, has_ipv6, gaps, mains, tuple(dict.fromkeys(main_doubts))
        )
    if STANDIN_VPC in ctx.defaults:
        built[STANDIN_VPC] = _standin_vpc(ctx, adopt_notes.get(STANDIN_VPC, []))
    return built


def _standin_vpc(ctx: Context, notes: list[str]) -> VpcInfo:
    """Return the implicit default VPC, as AWS creates it: no IPv6 block (R-SG-9, R-NACL-8)."""
    defaults = ctx.defaults[STANDIN_VPC]
    vpc = Vpc(
        address=STANDIN_VPC,
        implicit=True,
        unknowns=tuple(dict.fromkeys([STANDIN_ASSUMPTION, *notes])),
        ipv4_cidrs=(DEFAULT_VPC_CIDR,),
        main_route_table=defaults.route_table,
        default_nacl=defaults.nacl,
        default_security_group=defaults.security_group,
    )
    return VpcInfo(vpc, has_ipv6=False, main_tables=(defaults.route_table,))


def _has_ipv6(own: _Cidrs, extra: _Cidrs) -> bool | None:
    if own.ipv6 or own.ipv6_expected or extra.ipv6_expected:
        return True
    if own.ipv6_expected is None or extra.ipv6_expected is None:
        return None
    return False


def build_subnets(ctx: Context, vpcs: dict[str, VpcInfo]) -> dict[str, SubnetInfo]:
    """Return every subnet (aws_subnet, aws_default_subnet) by address, without associations."""
    built: dict[str, SubnetInfo] = {}
    for resource in ctx.resolver.of_type("aws_subnet", "aws_default_subnet"):
        built[resource.address] = _subnet(ctx, resource, vpcs)
    if needs_default_subnet(ctx.resolver):
        for vpc in default_vpcs(ctx.resolver):
            if vpc in vpcs:
                standin = _standin_subnet(ctx, vpcs[vpc], built)
                built[standin.subnet.address] = standin
    return built


def standin_subnet_address(vpc: str) -> str:
    """Return the address of the implicit subnet that stands for the default subnets of the
    default VPC `vpc` which the input does not declare."""
    return implicit_address(vpc, "default_subnet")


def _standin_subnet(ctx: Context, info: VpcInfo, built: dict[str, SubnetInfo]) -> SubnetInfo:
    """Return the stand-in for the undeclared default subnets (one per AZ) of a default VPC.

    Default subnets map public IPv4 addresses on launch and use the main route table and the
    default NACL. It spans the VPC's CIDR; when declared default subnets take part of that
    CIDR, which part is left is unknown.
    """
    vpc = info.vpc.address
    declared = [
        resource.address
        for resource in ctx.resolver.of_type("aws_default_subnet")
        if built[resource.address].subnet.vpc == vpc
    ]
    reason = STANDIN_ASSUMPTION
    if vpc != STANDIN_VPC:
        others = f" other than {', '.join(declared)}" if declared else ""
        reason = (
            f"the default subnets of {vpc}{others} are not in the input; assumed as AWS "
            "creates them (public IPv4 addresses on launch, main route table, default NACL)"
        )
    subnet = Subnet(
        address=standin_subnet_address(vpc),
        location=info.vpc.location,
        unknowns=(reason,),
        implicit=True,
        vpc=vpc,
        ipv4_cidr=info.vpc.ipv4_cidrs[0] if info.vpc.ipv4_cidrs and not declared else None,
        map_public_ip_on_launch=True,
        assign_ipv6_address_on_creation=False,
    )
    return SubnetInfo(subnet, (vpc,))


def _subnet(ctx: Context, resource: ResourceInstance, vpcs: dict[str, VpcInfo]) -> SubnetInfo:
    fields = ctx.fields(resource)
    is_default = resource.type == "aws_default_subnet"
    if is_default and not fields.has("vpc_id"):
        vpc_ref = ctx.from_link(default_vpc_link(ctx.resolver, resource.address))
        for reason in vpc_ref.unknowns:
            fields.note(reason)
    else:
        vpc_ref = fields.one("vpc_id")
        if not vpc_ref.addresses and not vpc_ref.unknowns:
            fields.note(f"vpc_id of {resource.address} is not set")
    vpc = vpc_ref.single
    if vpc is not None and vpc not in vpcs:
        fields.note(f"VPC {vpc} of {resource.address} is not in the input")
    ipv4 = fields.cidr("cidr_block")
    ipv6_only = fields.flag("ipv6_native", False) is True
    if ipv4 is None and not fields.has("cidr_block") and not ipv6_only:
        fields.note(
            f"cidr_block of {resource.address} is chosen by AWS"
            if is_default
            else f"cidr_block of {resource.address} is not set"
        )
    # aws_default_subnet: default subnets map public IPv4 addresses on launch.
    subnet = Subnet(
        address=resource.address,
        location=ctx.location(resource),
        vpc=vpc,
        ipv4_cidr=ipv4,
        ipv6_cidr=fields.cidr("ipv6_cidr_block"),
        availability_zone=_zone(fields),
        map_public_ip_on_launch=fields.flag("map_public_ip_on_launch", is_default),
        assign_ipv6_address_on_creation=fields.flag("assign_ipv6_address_on_creation", False),
        unknowns=tuple(fields.unknowns),
    )
    candidates = tuple(address for address in vpc_ref.addresses if address in vpcs)
    return SubnetInfo(subnet, candidates)


def _zone(fields: Fields) -> str | None:
    """Return the subnet's availability zone, or None when unset or unknown.

    An unknown zone (typically from ``data.aws_availability_zones``) is not recorded among
    the subnet's unknowns: the zone decides no route, NACL or security-group outcome, so it
    must not make the findings about the subnet merely possible (R-MODEL-1 asks only that
    unknowns which could change an answer do).
    """
    zone = fields.raw("availability_zone")
    return zone if isinstance(zone, str) else None
