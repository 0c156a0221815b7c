"""Small factories for hand-built `Network`s in analyser tests.

Defaults describe one VPC ``aws_vpc.main`` (10.0.0.0/16) with one public subnet
``aws_subnet.public`` (10.0.1.0/24), its route table ``aws_route_table.public`` sending
0.0.0.0/0 to ``aws_internet_gateway.igw``, an allow-all NACL ``aws_network_acl.public``, and
an instance ``aws_instance.bastion`` whose group ``aws_security_group.ssh`` admits tcp 22 from
anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfvpc.model import (
    Attachment,
    Gateway,
    Listener,
    Nacl,
    NaclAction,
    NaclRule,
    Network,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    implicit_address,
)

VPC = "aws_vpc.main"
SUBNET = "aws_subnet.public"
TABLE = "aws_route_table.public"
IGW = "aws_internet_gateway.igw"
NACL = "aws_network_acl.public"
SG = "aws_security_group.ssh"
INSTANCE = "aws_instance.bastion"


def vpc(
    address: str = VPC, ipv4: Iterable[str] = ("10.0.0.0/16",), ipv6: Iterable[str] = ()
) -> Vpc:
    """Return a VPC whose implicit objects have their synthetic addresses."""
    return Vpc(
        address=address,
        ipv4_cidrs=tuple(ipv4),
        ipv6_cidrs=tuple(ipv6),
        main_route_table=implicit_address(address, "main_route_table"),
        default_nacl=implicit_address(address, "default_nacl"),
        default_security_group=implicit_address(address, "default_security_group"),
    )


def subnet(
    address: str = SUBNET,
    cidr: str | None = "10.0.1.0/24",
    *,
    vpc_address: str | None = VPC,
    ipv6_cidr: str | None = None,
    tables: Iterable[str] = (TABLE,),
    nacls: Iterable[str] = (NACL,),
    map_public: bool | None = True,
    unknowns: Iterable[str] = (),
) -> Subnet:
    """Return a subnet with its route table and NACL already resolved."""
    return Subnet(
        address=address,
        vpc=vpc_address,
        ipv4_cidr=cidr,
        ipv6_cidr=ipv6_cidr,
        map_public_ip_on_launch=map_public,
        route_tables=tuple(tables),
        nacls=tuple(nacls),
        unknowns=tuple(unknowns),
    )


def gateway(
    address: str = IGW, kind: Any = "igw", vpcs: Iterable[str] = (VPC,), **extra: Any
) -> Gateway:
    """Return a gateway (an internet gateway attached to the main VPC by default)."""
    return Gateway(address=address, kind=kind, vpcs=tuple(vpcs), **extra)


def route(destination: str | None, target: str | None, kind: Any = "igw", **extra: Any) -> Route:
    """Return a route declared by the public table."""
    return Route(destination=destination, target_kind=kind, target=target, origin=TABLE, **extra)


def local_route(cidr: str = "10.0.0.0/16") -> Route:
    """Return the implicit local route of a VPC CIDR (R-RT-4)."""
    return Route(destination=cidr, target_kind="local", origin=TABLE)


def table(
    address: str = TABLE,
    routes: Iterable[Route] = (),
    *,
    local: Iterable[str] = ("10.0.0.0/16",),
    edge_gateways: Iterable[str] = (),
    unknowns: Iterable[str] = (),
) -> RouteTable:
    """Return a route table holding the local routes of `local` and then `routes`."""
    return RouteTable(
        address=address,
        vpc=VPC,
        routes=(*(local_route(cidr) for cidr in local), *routes),
        edge_gateways=tuple(edge_gateways),
        unknowns=tuple(unknowns),
    )


def nacl_rule(
    rule_no: int,
    action: NaclAction,
    protocol: int,
    cidr: str | None = "0.0.0.0/0",
    ports: tuple[int, int] | None = None,
    *,
    egress: bool = False,
    icmp: tuple[int, int] | None = None,
    unknowns: Iterable[str] = (),
) -> NaclRule:
    """Return one NACL entry; `ports` for tcp/udp, `icmp` (type, code) for icmp/icmpv6."""
    return NaclRule(
        rule_no=rule_no,
        egress=egress,
        action=action,
        protocol=protocol,
        cidr=cidr,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        icmp_type=icmp[0] if icmp else None,
        icmp_code=icmp[1] if icmp else None,
        origin=NACL,
        unknowns=tuple(unknowns),
    )


def final_denies(*, egress: bool) -> tuple[NaclRule, ...]:
    """Return the ``*`` deny entries of one direction, IPv4 and IPv6 (R-NACL-3)."""
    return tuple(
        NaclRule(
            rule_no=32767,
            egress=egress,
            action="deny",
            protocol=-1,
            cidr=cidr,
            origin=NACL,
            is_default_deny=True,
        )
        for cidr in ("0.0.0.0/0", "::/0")
    )


def nacl(
    address: str = NACL,
    ingress: Iterable[NaclRule] | None = None,
    egress: Iterable[NaclRule] | None = None,
    *,
    unknowns: Iterable[str] = (),
) -> Nacl:
    """Return a NACL; each direction defaults to rule 100 allow all from/to 0.0.0.0/0 and
    rule 101 allow all ::/0, then the ``*`` denies."""

    def side(rules: Iterable[NaclRule] | None, out: bool) -> tuple[NaclRule, ...]:
        if rules is None:
            rules = (
                nacl_rule(100, "allow", -1, "0.0.0.0/0", egress=out),
                nacl_rule(101, "allow", -1, "::/0", egress=out),
            )
        return (*rules, *final_denies(egress=out))

    return Nacl(
        address=address,
        vpc=VPC,
        ingress=side(ingress, False),
        egress=side(egress, True),
        unknowns=tuple(unknowns),
    )


def sg_rule(
    protocol: int,
    ports: tuple[int, int] | None,
    peer: str | None = "0.0.0.0/0",
    *,
    peer_kind: Any = "cidr",
    direction: Any = "ingress",
    origin: str = SG,
    unknowns: Iterable[str] = (),
    prefix_list_cidrs: tuple[str, ...] | None = None,
) -> SgRule:
    """Return one security-group rule (for icmp, `ports` is (type, code))."""
    return SgRule(
        direction=direction,
        protocol=protocol,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        peer_kind=peer_kind,
        peer=peer,
        prefix_list_cidrs=prefix_list_cidrs,
        origin=origin,
        unknowns=tuple(unknowns),
    )


def group(
    address: str = SG, rules: Iterable[SgRule] = (), *, unknowns: Iterable[str] = ()
) -> SecurityGroup:
    """Return a security group of the main VPC."""
    return SecurityGroup(address=address, vpc=VPC, rules=tuple(rules), unknowns=tuple(unknowns))


def instance(
    address: str = INSTANCE,
    *,
    subnets: Iterable[str] = (SUBNET,),
    groups: Iterable[str] = (SG,),
    public_ipv4: bool | None = True,
    via: Any = "auto-assign",
    evidence: str | None = SUBNET,
    ipv6: bool | None = False,
    resource: str | None = None,
    kind: str = "aws_instance",
    listeners: Iterable[Listener] = (),
    related: Iterable[str] = (),
    unknowns: Iterable[str] = (),
) -> Attachment:
    """Return an attachment (an instance's primary interface by default)."""
    return Attachment(
        address=address,
        kind=kind,
        resource=resource or address,
        subnets=tuple(subnets),
        security_groups=tuple(groups),
        public_ipv4=public_ipv4,
        public_ipv4_via=via if public_ipv4 else None,
        public_ipv4_evidence=evidence if public_ipv4 is not False else None,
        ipv6=ipv6,
        listeners=tuple(listeners),
        related=tuple(related),
        unknowns=tuple(unknowns),
    )


def network(*objects: Any) -> Network:
    """Return a Network holding `objects`, each filed under its kind."""
    slots: dict[type, str] = {
        Vpc: "vpcs",
        Subnet: "subnets",
        RouteTable: "route_tables",
        Gateway: "gateways",
        Nacl: "nacls",
        SecurityGroup: "security_groups",
        PrefixList: "prefix_lists",
        Attachment: "attachments",
    }
    fields: dict[str, dict[str, Any]] = {slot: {} for slot in slots.values()}
    for item in objects:
        fields[slots[type(item)]][item.address] = item
    return Network(**fields)


def public_network(*replacements: Any, extra: Iterable[Any] = ()) -> Network:
    """Return the default public setup, with objects of `replacements` taking the place of the
    default object of the same address, plus `extra` objects."""
    defaults: list[Any] = [
        vpc(),
        subnet(),
        table(routes=(route("0.0.0.0/0", IGW),)),
        gateway(),
        nacl(),
        group(rules=(sg_rule(6, (22, 22)),)),
        instance(),
    ]
    replaced = {item.address: item for item in replacements}
    chosen = [replaced.pop(item.address, item) for item in defaults]
    return network(*chosen, *replaced.values(), *extra)
