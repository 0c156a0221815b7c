"""Which resource manages each VPC's default route table, NACL and security group.

AWS creates a main route table, a default NACL and a default security group with every VPC.
`aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group`
*adopt* them; otherwise the model holds an implicit object at `implicit_address`.

Resources that name no VPC live in the region's default VPC. When the input has no
`aws_default_vpc` but such a resource exists, the build adds an implicit stand-in for it at
`STANDIN_VPC`, assumed exactly as AWS creates it (semantics §5 trap 3).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from tfvpc.aws.context import VPC_TYPES, VpcDefaults
from tfvpc.aws.links import Link, Resolver, Target
from tfvpc.aws.values import is_unset
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import implicit_address

STANDIN_VPC = "default_vpc"
"""Model address of the implicit stand-in for the region's default VPC."""

STANDIN_ASSUMPTION = (
    "the account's default VPC is not in the input; assumed as AWS creates it (172.31.0.0/16, "
    "internet gateway, public default subnets, default NACL and security group unchanged)"
)

PLACEMENT_ATTRS: dict[str, tuple[str, ...]] = {
    "aws_security_group": ("vpc_id",),
    "aws_default_security_group": ("vpc_id",),
    "aws_default_subnet": ("vpc_id",),
    # A launch template may choose the subnet: such instances keep their unknown placement.
    "aws_instance": (
        "subnet_id",
        "network_interface",
        "primary_network_interface",
        "launch_template",
    ),
}
"""Per type, the attributes that place a resource; with none of them set, AWS puts it in the
region's default VPC (`in_default_vpc`)."""

SUBNET_USERS = frozenset({"aws_instance"})
"""Types that `in_default_vpc` places in a default subnet, not only in the default VPC."""

_placed_by_default: WeakKeyDictionary[Resolver, frozenset[str]] = WeakKeyDictionary()

# The attribute through which each adopting resource names what it adopts.
ADOPTERS: dict[str, str] = {
    "aws_default_route_table": "default_route_table_id",
    "aws_default_network_acl": "default_network_acl_id",
    "aws_default_security_group": "vpc_id",
}


def adopted_vpc(resolver: Resolver, resource: ResourceInstance) -> Link:
    """Return the VPC whose default object an adopting resource manages.

    The link's targets are VPCs of the input; otherwise it carries the external id or the
    reason why the VPC is unknown.
    """
    attr = ADOPTERS[resource.type]
    value = resource.values.get(attr)
    link = resolver.link(value, f"{attr} of {resource.address}")
    vpcs = _vpc_targets(resolver, link)
    if vpcs:
        return Link(targets=vpcs, unknown=link.unknown)
    fallback = resource.values.get("vpc_id")
    if attr != "vpc_id" and not is_unset(fallback):
        # State files also record the adopted object's VPC in `vpc_id`.
        found = resolver.link(fallback, f"vpc_id of {resource.address}")
        fallback_vpcs = _vpc_targets(resolver, found)
        if fallback_vpcs or found.external is not None:
            return Link(fallback_vpcs, None if fallback_vpcs else found.external, found.unknown)
    if attr == "vpc_id" and is_unset(value):
        # Without vpc_id the provider manages the default security group of the default VPC.
        return default_vpc_link(resolver, resource.address)
    return link


def default_vpc_link(resolver: Resolver, address: str) -> Link:
    """Return a link to the region's default VPC, for resources that name no VPC.

    The link targets the `aws_default_vpc` of the input or the stand-in (`default_vpcs`);
    several distinct default VPCs (several regions) make it ambiguous.
    """
    vpcs = default_vpcs(resolver)
    if len(vpcs) == 1:
        return Link(targets=(Target(vpcs[0]),))
    if vpcs:
        names = ", ".join(vpcs)
        return Link(
            targets=tuple(Target(vpc) for vpc in vpcs),
            unknown=f"{address} uses the region's default VPC, which may be any of: {names}",
        )
    return Link(unknown=f"{address} uses the region's default VPC, which is not in the input")


def default_vpcs(resolver: Resolver) -> tuple[str, ...]:
    """Return the model addresses of the region's default VPC.

    These are the `aws_default_vpc`s of the input (those declaring one literal id count
    once), else `STANDIN_VPC` when `needs_standin`, else nothing.
    """
    declared = resolver.of_type("aws_default_vpc")
    if not declared:
        return (STANDIN_VPC,) if needs_standin(resolver) else ()
    found: list[str] = []
    for vpc in declared:
        literal = vpc.values.get("id")
        canonical = resolver.lookup_id(literal) if isinstance(literal, str) else None
        owner = resolver.resource(canonical.address) if canonical is not None else None
        address = owner.address if owner is not None and owner.type == vpc.type else vpc.address
        if address not in found:
            found.append(address)
    return tuple(found)


def is_default_vpc(resolver: Resolver, address: str) -> bool:
    """Return True when the VPC at `address` is a default VPC (declared or the stand-in)."""
    if address == STANDIN_VPC:
        return True
    resource = resolver.resource(address)
    return resource is not None and resource.type == "aws_default_vpc"


def needs_standin(resolver: Resolver) -> bool:
    """Return True when the build adds the default-VPC stand-in at `STANDIN_VPC`.

    That is when the input has no `aws_default_vpc` and some resource is `in_default_vpc`.
    """
    return not resolver.of_type("aws_default_vpc") and bool(placed_by_default(resolver))


def needs_default_subnet(resolver: Resolver) -> bool:
    """Return True when some resource of the input goes into a default subnet (a stand-in
    subnet per default VPC then stands for the default subnets the input does not declare)."""
    placed = placed_by_default(resolver)
    return any(resource.address in placed for resource in resolver.of_type(*SUBNET_USERS))


def placed_by_default(resolver: Resolver) -> frozenset[str]:
    """Return the addresses of the resources of the input that are `in_default_vpc`.

    The answer is computed once per resolver.
    """
    found = _placed_by_default.get(resolver)
    if found is None:
        found = frozenset(
            resource.address
            for resource in resolver.of_type(*PLACEMENT_ATTRS)
            if in_default_vpc(resource)
        )
        _placed_by_default[resolver] = found
    return found


def in_default_vpc(resource: ResourceInstance) -> bool:
    """Return True when `resource` sets none of its `PLACEMENT_ATTRS`: AWS then puts it in
    the region's default VPC (the types of `SUBNET_USERS` in a default subnet of it)."""
    attrs = PLACEMENT_ATTRS.get(resource.type)
    if attrs is None:
        return False
    values = resource.values
    for attr in attrs:
        value = values.get(attr)
        if not (is_unset(value) or (isinstance(value, (list, dict)) and not value)):
            return False
    return True


def _vpc_targets(resolver: Resolver, link: Link) -> tuple[Target, ...]:
    found: list[Target] = []
    for target in link.targets:
        resource = resolver.resource(target.address)
        if resource is not None and resource.type in VPC_TYPES:
            found.append(Target(target.address))
    return tuple(dict.fromkeys(found))


def find_defaults(resolver: Resolver) -> tuple[dict[str, VpcDefaults], dict[str, list[str]]]:
    """Return each VPC's default-object addresses and, per VPC, notes on conflicting adopters.

    An adopter whose VPC is ambiguous adopts nothing: the VPC keeps its implicit objects.
    """
    adopted: dict[tuple[str, str], str] = {}
    notes: dict[str, list[str]] = {}
    for type_ in ADOPTERS:
        for resource in resolver.of_type(type_):
            link = adopted_vpc(resolver, resource)
            if len(link.targets) != 1:
                continue
            key = (link.targets[0].address, type_)
            if key in adopted:
                notes.setdefault(key[0], []).append(
                    f"{adopted[key]} and {resource.address} both manage the same default object"
                )
                continue
            adopted[key] = resource.address
    defaults: dict[str, VpcDefaults] = {}
    addresses = [vpc.address for vpc in resolver.of_type(*VPC_TYPES)]
    if needs_standin(resolver):
        addresses.append(STANDIN_VPC)
    for address in addresses:
        defaults[address] = VpcDefaults(
            route_table=adopted.get(
                (address, "aws_default_route_table"),
                implicit_address(address, "main_route_table"),
            ),
            nacl=adopted.get(
                (address, "aws_default_network_acl"), implicit_address(address, "default_nacl")
            ),
            security_group=adopted.get(
                (address, "aws_default_security_group"),
                implicit_address(address, "default_security_group"),
            ),
        )
    return defaults, notes
