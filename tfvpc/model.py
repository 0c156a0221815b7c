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

AddressFamily = Literal[4, 6]
"""An IP address family: 4 or 6 (R-CIDR-2)."""


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

    def __hash__(self) -> int:
        # Addresses are unique within a network, so hashing them alone is enough to tell
        # objects apart, and analysers that cache per object avoid hashing every rule of it
        # each time; equality stays field by field.
        return hash((type(self).__name__, self.address))


def implicit_address(vpc_address: str, what: str) -> str:
    """Return the synthetic address of an implicit per-VPC object (``aws_vpc.main:default_nacl``).

    `what` is one of ``main_route_table``, ``default_nacl``, ``default_security_group``, and
    for default VPCs ``internet_gateway`` and ``default_subnet`` (the stand-in for the default
    subnets the input does not declare). When the input has no ``aws_default_vpc`` but some
    resource names no VPC, the region's default VPC itself is the implicit VPC ``default_vpc``
    (so ``default_vpc:default_subnet``), assumed exactly as AWS creates it and saying so in
    its `unknowns`.
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
    `family` is the address family the entry matches, known from the attribute that holds the
    CIDR (`cidr_block` 4, `ipv6_cidr_block` 6) even when the CIDR itself is unknown; ``None``
    when even that is unknown (R-NACL-5). The final ``*`` rule of each direction and family is
    present with `rule_no` 32767 and `is_default_deny` True (R-NACL-3).
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
    family: AddressFamily | None = None


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
    `family` is the address family of an address peer (CIDR or prefix list), known from the
    attribute that names it (`cidr_blocks`/`cidr_ipv4` 4, `ipv6_cidr_blocks`/`cidr_ipv6` 6,
    a prefix list's `address_family`) even when the value is unknown (R-CIDR-2); ``None`` when
    it is unknown or the peer is a security group (``self`` included).
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
    family: AddressFamily | None = None


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
    placed_in_one_of: tuple[str, ...] = ()
    """For a resource AWS puts in *one* subnet of a group at apply (a single-AZ database), when
    the candidates are alike and each gets its own attachment: all candidate subnets. Whatever
    holds for every candidate is certain; that the resource sits in a given one is not."""


LbKind = Literal["application", "network", "gateway", "classic"]
TargetType = Literal["instance", "ip", "lambda", "alb"]


class LbListener(BaseModel):
    """One listener of a load balancer and the target groups its actions forward to.

    `protocol` is the IANA number of the transport (tcp for HTTP/HTTPS/TLS, ``-1`` when it is
    unknown or both tcp and udp); `lb_protocol` keeps the load balancer's own word (``HTTPS``,
    ``TCP_UDP``). `port` is ``None`` when unknown. `target_groups` are model addresses from the
    default action, ``forward`` blocks and listener rules (R-LB-6).
    """

    model_config = ConfigDict(frozen=True)

    address: str
    protocol: int
    lb_protocol: str | None = None
    port: int | None = None
    target_groups: tuple[str, ...] = ()
    origin: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()


class TargetMember(BaseModel):
    """A registered target of a target group.

    `target` is the address of the registered resource (instance, auto-scaling group, ECS
    service, Lambda function, load balancer) or the raw id/IP when the input does not declare
    it. `attachments` are the `Network.attachments` that receive the traffic. `port` overrides
    the target group's port (``aws_lb_target_group_attachment.port``, an ECS container port).
    `origin` is the resource that registers it.
    """

    model_config = ConfigDict(frozen=True)

    target: str
    attachments: tuple[str, ...] = ()
    port: int | None = None
    origin: str
    unknowns: tuple[str, ...] = ()


class TargetGroup(Node):
    """A target group (or, for a classic load balancer, one instance port of its listeners).

    `protocol` is the transport number as for `LbListener`; `port` ``None`` when unknown.
    `preserve_client_ip` is the effective client-IP preservation (R-LB-4), ``None`` when unknown.
    """

    protocol: int
    lb_protocol: str | None = None
    port: int | None = None
    target_type: TargetType = "instance"
    preserve_client_ip: bool | None = False
    vpc: str | None = None
    members: tuple[TargetMember, ...] = ()


class LoadBalancer(Node):
    """A load balancer: its nodes (attachments, one per subnet), groups and listeners.

    `internet_facing` is ``None`` when unknown. `security_groups` are the effective groups
    (an ALB or classic load balancer without groups has its VPC's default group, R-LB-5; an
    NLB without groups has none, R-LB-4).
    """

    kind: LbKind
    internet_facing: bool | None = True
    vpc: str | None = None
    attachments: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    listeners: tuple[LbListener, ...] = ()


class PublicEndpoint(Node):
    """A service endpoint the internet reaches outside any VPC path (EKS API, OpenSearch).

    `enabled` is ``None`` when unknown; `sources` are the CIDRs it admits (``None`` when
    unknown); `ports` are inclusive ranges of `protocol`. `governed_by` says what else decides
    access (``"an access policy"``, ``"IAM authentication"``).
    """

    kind: str
    resource: str
    enabled: bool | None = True
    protocol: int
    ports: tuple[tuple[int, int], ...]
    sources: tuple[str, ...] | None = None
    governed_by: str
    related: tuple[str, ...] = ()


TransitKind = Literal["vpc", "vpn", "peering", "connect"]


class TransitAttachment(Node):
    """Something attached to a transit gateway: a VPC (with its subnets), a VPN, a peering.

    `default_association`/`default_propagation` say whether it joins the transit gateway's
    default route table (``None`` when unknown).
    """

    kind: TransitKind
    transit_gateway: str | None = None
    vpc: str | None = None
    subnets: tuple[str, ...] = ()
    default_association: bool | None = True
    default_propagation: bool | None = True


class TransitRoute(BaseModel):
    """A static route of a transit gateway route table; `blackhole` routes drop (R-TGW-1)."""

    model_config = ConfigDict(frozen=True)

    destination: str | None = None
    prefix_list: str | None = None
    attachment: str | None = None
    blackhole: bool = False
    origin: str
    location: Location | None = None
    unknowns: tuple[str, ...] = ()


class TransitRouteTable(Node):
    """A transit gateway route table: static routes, associated and propagating attachments.

    The default route table of a transit gateway that no resource declares is implicit
    (``aws_ec2_transit_gateway.hub:default_route_table``). Propagated routes are not listed:
    each propagating attachment contributes its VPC's CIDRs (or its VPN's routes).
    """

    transit_gateway: str | None = None
    is_default: bool = False
    routes: tuple[TransitRoute, ...] = ()
    associations: tuple[str, ...] = ()
    propagations: tuple[str, ...] = ()


class VpnConnection(Node):
    """A site-to-site VPN: a source of private traffic from on-premises (R-VPN-1).

    `gateway` is the VGW or transit gateway it terminates on; `static_routes` the on-premises
    CIDRs declared statically (``None`` when unknown); with BGP the routes are learned at run
    time and `static_routes_only` is False.
    """

    gateway: str | None = None
    customer_gateway: str | None = None
    static_routes_only: bool | None = False
    static_routes: tuple[str, ...] | None = ()


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
    load_balancers: dict[str, LoadBalancer] = Field(default_factory=dict)
    target_groups: dict[str, TargetGroup] = Field(default_factory=dict)
    public_endpoints: dict[str, PublicEndpoint] = Field(default_factory=dict)
    transit_attachments: dict[str, TransitAttachment] = Field(default_factory=dict)
    transit_route_tables: dict[str, TransitRouteTable] = Field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = Field(default_factory=dict)
    skipped_types: dict[str, int] = Field(default_factory=dict)
    """Resource types the builder does not model, with how many instances were skipped."""
    locations: dict[str, Location] = Field(default_factory=dict)
    """Declaration site of every resource address seen, for reporting."""
