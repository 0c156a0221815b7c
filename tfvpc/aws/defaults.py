"""Which resource manages each VPC's default route table, NACL and security group.

AWS creates a main route table, a default NACL and a default security group with every VPC.
`aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group`
*adopt* them; otherwise the model holds an implicit object at `implicit_address`.
"""

from __future__ import annotations

from tfvpc.aws.context import VPC_TYPES, VpcDefaults
from tfvpc.aws.links import Link, Resolver, Target
from tfvpc.aws.values import is_unset
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import implicit_address

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
    """Return a link to the region's default VPC, for resources that name no VPC."""
    defaults = resolver.of_type("aws_default_vpc")
    if len(defaults) == 1:
        return Link(targets=(Target(defaults[0].address),))
    return Link(unknown=f"{address} uses the region's default VPC, which is not in the input")


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
    for vpc in resolver.of_type(*VPC_TYPES):
        address = vpc.address
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
