"""The neutral model of AWS networking that every analyser reads.

The builder (`tfvpc.aws`) produces one `Network` from the resource instances of all inputs.
Every object is keyed by the Terraform address of the resource that declares it. Objects AWS
creates implicitly get a synthetic address derived from their VPC (see `implicit_address`), so
that nothing an analyser needs is left implicit: the main route table and its local routes,
the default NACL, the default security group and the final ``*`` deny of every NACL.

Values that could not be known are never silently replaced by a default. A field that may be
unknown is ``None`` (or an empty tuple) and the object's `unknowns` says why, in words that go
into findings verbatim ("cidr_block of aws_subnet.a is unknown until apply"). Links to other
objects are tuples of addresses: normally one element; several when a reference was ambiguous
(the object then carries an unknown naming the ambiguity).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_ALL = -1
"""Protocol number meaning every protocol (``-1`` / ``"all"``, R-SG-7)."""


class Location(BaseModel):
    """A source position: file relative to the scanned input, and 1-based line when known."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None


class Node(BaseModel):
    """Fields shared by every addressed object of the model."""

    model_config = ConfigDict(frozen=True)

    address: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()
    implicit: bool = False
    """True for objects AWS creates on its own and no resource in the input manages."""


def implicit_address(vpc_address: str, what: str) -> str:
    """Return the synthetic address of an implicit per-VPC object (``aws_vpc.main:default_nacl``).

    `what` is one of ``main_route_table``, ``default_nacl``, ``default_security_group``.
    """
    return f"{vpc_address}:{what}"


class Vpc(Node):
    """A VPC with all its CIDRs (primary and associated) and its implicit default objects."""

    ipv4_cidrs: tuple[str, ...] = ()
    ipv6_cidrs: tuple[str, ...] = ()
    main_route_table: str
    """Address of the *current* main route table (R-RT-1)."""
    default_nacl: str
    default_security_group: str


class Subnet(Node):
    """A subnet with its effective route table and NACL resolved (R-RT-1, R-NACL-10).

    `route_tables` / `nacls` normally hold one address; several when an association was
    ambiguous. `map_public_ip_on_launch` / `assign_ipv6_address_on_creation` are ``None``
    when unknown.
    """

    vpc: str | None = None
    ipv4_cidr: str | None = None
    ipv6_cidr: str | None = None
    availability_zone: str | None = None
    map_public_ip_on_launch: bool | None = False
    assign_ipv6_address_on_creation: bool | None = False
    route_tables: tuple[str, ...] = ()
    nacls: tuple[str, ...] = ()


GatewayKind = Literal[
    "igw",  # internet gateway
    "eigw",  # egress-only internet gateway (IPv6 outbound only, R-IP-5)
    "nat",  # NAT gateway
    "vgw",  # virtual private gateway (VPN)
    "tgw",  # transit gateway
    "pcx",  # VPC peering connection
    "vpce",  # VPC endpoint (gateway, interface or GWLB)
    "eni",  # network interface used as a route target (appliance)
    "instance",  # legacy instance_id route target
    "carrier",
    "local_gateway",
    "core_network",
    "odb_network",
]


class Gateway(Node):
    """Anything a route can point at other than ``local``.

    `vpcs` are the VPCs the gateway is attached to (IGW/EIGW/VGW attachment, NAT and endpoint
    VPC, both sides of a peering, TGW attachments). `subnet` is the NAT gateway's subnet or an
    appliance ENI's subnet. `public` is, for a NAT gateway, whether it is the public type with
    an address; `accepted` is, for a peering, whether it is active (R-PEER-1).
    """

    kind: GatewayKind
    vpcs: tuple[str, ...] = ()
    subnet: str | None = None
    public: bool | None = None
    accepted: bool | None = None
    external_id: str | None = None
    """Set when the gateway is only known by an id that no resource in the input declares."""


RouteTargetKind = Literal[GatewayKind, "local", "unknown"]


class Route(BaseModel):
    """One route. Exactly one of `destination` (a CIDR) or `prefix_list` is the destination.

    `target` is the model address of the gateway (or ``None`` for ``local`` and for targets the
    model does not hold, in which case `target_ref` keeps the raw id or reference text).
    `origin` is the address of the resource that declared the route (``aws_route.x``,
    ``aws_route_table.y``) or the implicit route table for local routes.
    """

    model_config = ConfigDict(frozen=True)

    destination: str | None = None
    prefix_list: str | None = None
    target_kind: RouteTargetKind
    target: str | None = None
    target_ref: str | None = None
    origin: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()
    propagated: bool = False


class RouteTable(Node):
    """A route table with every route in effect, including the implicit local routes (R-RT-4)."""

    vpc: str | None = None
    routes: tuple[Route, ...] = ()
    is_main: bool = False
    edge_gateways: tuple[str, ...] = ()
    """Gateways edge-associated with this table (R-RT-3): it is then an ingress table."""
    propagating_gateways: tuple[str, ...] = ()


NaclAction = Literal["allow", "deny"]


class NaclRule(BaseModel):
    """One NACL entry in one direction.

    `protocol` is an IANA number or `PROTOCOL_ALL`. Ports are inclusive; ``None`` means the
    protocol has no ports or every port. For ICMP/ICMPv6, `icmp_type`/`icmp_code` apply and
    ``-1`` means any (R-NACL-6/7). `cidr` is an IPv4 or IPv6 CIDR; ``None`` when unknown.
    The final ``*`` rule of each direction and family is present with `rule_no` 32767 and
    `is_default_deny` True (R-NACL-3).
    """

    model_config = ConfigDict(frozen=True)

    rule_no: int
    egress: bool
    action: NaclAction
    protocol: int
    cidr: str | None
    from_port: int | None = None
    to_port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    origin: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()
    is_default_deny: bool = False


class Nacl(Node):
    """A network ACL; `ingress`/`egress` are sorted by `rule_no` and end with the ``*`` denies."""

    vpc: str | None = None
    is_default: bool = False
    ingress: tuple[NaclRule, ...] = ()
    egress: tuple[NaclRule, ...] = ()


PeerKind = Literal["cidr", "prefix_list", "security_group", "self", "unknown"]


class SgRule(BaseModel):
    """One security-group rule as AWS stores it (Terraform list forms are expanded, R-SG-4).

    `protocol` is an IANA number or `PROTOCOL_ALL`; ports inclusive, ``None`` for all. For
    ICMP, `from_port` is the type and `to_port` the code, ``-1`` meaning any (R-SG-8).
    The peer (source for ingress, destination for egress) is one of: a CIDR (`peer`), a prefix
    list (`peer` is its model address or external id, `prefix_list_cidrs` its entries when
    known), a security group (`peer` its model address or external id), ``self``, or unknown.
    """

    model_config = ConfigDict(frozen=True)

    direction: Literal["ingress", "egress"]
    protocol: int
    from_port: int | None = None
    to_port: int | None = None
    peer_kind: PeerKind
    peer: str | None = None
    prefix_list_cidrs: tuple[str, ...] | None = None
    description: str | None = None
    origin: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()


class SecurityGroup(Node):
    """A security group and all its rules, however they were declared (R-TF-1)."""

    vpc: str | None = None
    is_default: bool = False
    rules: tuple[SgRule, ...] = ()


class PrefixList(Node):
    """A customer-managed prefix list; `cidrs` is ``None`` when its entries are unknown."""

    family: Literal["ipv4", "ipv6"] | None = None
    cidrs: tuple[str, ...] | None = None


PublicIpSource = Literal["auto-assign", "associate_public_ip_address", "eip", "lb", "service"]


class Listener(BaseModel):
    """A port a service answers on (load-balancer listener, database port)."""

    model_config = ConfigDict(frozen=True)

    protocol: int
    from_port: int
    to_port: int
    origin: str


class Attachment(Node):
    """Something that holds addresses in a subnet and carries security groups.

    One attachment per network interface the analysers must consider: an instance's primary
    interface, a standalone ENI, and (for exposable services) one per subnet of a load
    balancer or auto-scaling group. `resource` is the address to report (the instance, the
    load balancer); `address` is unique per attachment (``aws_instance.web`` or
    ``aws_lb.front@aws_subnet.a``).

    `subnets` normally holds one subnet; several when the placement is ambiguous.
    `public_ipv4` is True/False/``None`` (unknown); `public_ipv4_via` says why it has one and
    `public_ipv4_evidence` names the resource that gives it (the EIP, the subnet).
    `ipv6` likewise for global IPv6 addresses (R-IP-4). `listeners` restricts what the
    internet can open to the attachment, for services that only answer on given ports (a load
    balancer's listeners); empty means "whatever the security groups allow".
    """

    kind: str
    resource: str
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    public_ipv4: bool | None = False
    public_ipv4_via: PublicIpSource | None = None
    public_ipv4_evidence: str | None = None
    ipv6: bool | None = False
    listeners: tuple[Listener, ...] = ()
    related: tuple[str, ...] = ()


class Network(BaseModel):
    """The whole model: every object by address, plus what the builder could not model."""

    vpcs: dict[str, Vpc] = Field(default_factory=dict)
    subnets: dict[str, Subnet] = Field(default_factory=dict)
    route_tables: dict[str, RouteTable] = Field(default_factory=dict)
    gateways: dict[str, Gateway] = Field(default_factory=dict)
    nacls: dict[str, Nacl] = Field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = Field(default_factory=dict)
    prefix_lists: dict[str, PrefixList] = Field(default_factory=dict)
    attachments: dict[str, Attachment] = Field(default_factory=dict)
    skipped_types: dict[str, int] = Field(default_factory=dict)
    """Resource types the builder does not model, with how many instances were skipped."""
    locations: dict[str, Location] = Field(default_factory=dict)
    """Declaration site of every resource address seen, for reporting."""
