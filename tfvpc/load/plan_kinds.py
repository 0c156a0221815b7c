"""Which resource types an id-holding attribute can name, to narrow reference candidates.

Configuration records only the references of an expression, and attribute-as-blocks fold every
block into one expression (§3.3): the ``route`` blocks of a route table list the internet
gateway, the transit gateway and the prefix list together. An unknown ``gateway_id`` cannot be a
prefix list, so candidates whose type the attribute cannot hold are dropped (R-LINK-1, R-RT-6).
Data sources of the same types count too (``data.aws_subnet`` is type ``aws_subnet``).
"""

from __future__ import annotations

from functools import lru_cache

from tfvpc.load.plan_address import parse_instance_address
from tfvpc.load.plan_refs import Candidate

_SUBNETS = frozenset({"aws_subnet", "aws_default_subnet", "aws_subnets"})
_VPCS = frozenset({"aws_vpc", "aws_default_vpc", "aws_vpcs"})
_SECURITY_GROUPS = frozenset(
    {"aws_security_group", "aws_default_security_group", "aws_security_groups"}
)
_NETWORK_ACLS = frozenset({"aws_network_acl", "aws_default_network_acl", "aws_network_acls"})
_ROUTE_TABLES = frozenset({"aws_route_table", "aws_default_route_table", "aws_route_tables"})
_INTERNET_GATEWAYS = frozenset({"aws_internet_gateway"})
_VPN_GATEWAYS = frozenset({"aws_vpn_gateway"})
_NAT_GATEWAYS = frozenset({"aws_nat_gateway", "aws_nat_gateways"})
_EGRESS_ONLY_GATEWAYS = frozenset({"aws_egress_only_internet_gateway"})
# R-RT-6: AWS accepts NAT gateway and egress-only gateway ids in a route's gateway_id too.
_GATEWAYS = _INTERNET_GATEWAYS | _VPN_GATEWAYS | _NAT_GATEWAYS | _EGRESS_ONLY_GATEWAYS
_TRANSIT_GATEWAYS = frozenset({"aws_ec2_transit_gateway"})
_PEERINGS = frozenset(
    {
        "aws_vpc_peering_connection",
        "aws_vpc_peering_connection_accepter",
        "aws_vpc_peering_connections",
    }
)
_ENDPOINTS = frozenset({"aws_vpc_endpoint"})
# A gateway endpoint's prefix_list_id names the service's AWS-managed list (R-RT-8).
_PREFIX_LISTS = frozenset(
    {
        "aws_ec2_managed_prefix_list",
        "aws_ec2_managed_prefix_lists",
        "aws_prefix_list",
        "aws_vpc_endpoint",
    }
)
_INTERFACES = frozenset({"aws_network_interface", "aws_network_interfaces"})
_INSTANCES = frozenset({"aws_instance", "aws_instances"})
_ELASTIC_IPS = frozenset({"aws_eip", "aws_eips"})

ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    "gateway_id": _GATEWAYS,
    "internet_gateway_id": _INTERNET_GATEWAYS,
    "vpn_gateway_id": _VPN_GATEWAYS,
    "propagating_vgws": _VPN_GATEWAYS,
    "nat_gateway_id": _NAT_GATEWAYS,
    "egress_only_gateway_id": _EGRESS_ONLY_GATEWAYS,
    "transit_gateway_id": _TRANSIT_GATEWAYS,
    "vpc_peering_connection_id": _PEERINGS,
    "vpc_endpoint_id": _ENDPOINTS,
    "carrier_gateway_id": frozenset({"aws_ec2_carrier_gateway"}),
    "local_gateway_id": frozenset({"aws_ec2_local_gateway"}),
    "core_network_arn": frozenset({"aws_networkmanager_core_network"}),
    "destination_prefix_list_id": _PREFIX_LISTS,
    "prefix_list_id": _PREFIX_LISTS,
    "prefix_list_ids": _PREFIX_LISTS,
    "network_interface_id": _INTERFACES,
    "network_interface": _INTERFACES,
    "primary_network_interface_id": _INTERFACES,
    "instance_id": _INSTANCES,
    "instance": _INSTANCES,
    "instances": _INSTANCES,
    "allocation_id": _ELASTIC_IPS,
    "subnet_id": _SUBNETS,
    "subnet_ids": _SUBNETS,
    "subnets": _SUBNETS,
    "vpc_zone_identifier": _SUBNETS,
    "vpc_id": _VPCS,
    "security_groups": _SECURITY_GROUPS,
    "security_group_id": _SECURITY_GROUPS,
    "security_group_ids": _SECURITY_GROUPS,
    "vpc_security_group_ids": _SECURITY_GROUPS,
    "source_security_group_id": _SECURITY_GROUPS,
    "referenced_security_group_id": _SECURITY_GROUPS,
    "default_security_group_id": _SECURITY_GROUPS,
    "network_acl_id": _NETWORK_ACLS,
    "default_network_acl_id": _NETWORK_ACLS,
    "route_table_id": _ROUTE_TABLES,
    "route_table_ids": _ROUTE_TABLES,
    "main_route_table_id": _ROUTE_TABLES,
    "default_route_table_id": _ROUTE_TABLES,
}
"""Attribute name -> the resource types whose id (or ARN) it can hold."""

# Types some attribute above can hold: a candidate of any other type is of a kind this table
# does not know, so it is never dropped.
_CLASSIFIED = frozenset().union(*ACCEPTED_TYPES.values())
# Attributes that are the object's own identity: the candidate is of its resource's kind.
_IDENTITY = frozenset({"id", "ids", "arn", "arns"})


def can_hold(attribute: str | None, candidate: Candidate, type_: str | None = None) -> bool:
    """Return True unless `attribute` provably cannot hold the value `candidate` refers to.

    A reference to a whole object (``aws_nat_gateway.this[count.index].id`` records only
    ``aws_nat_gateway.this``) or to its id is of its resource type; a reference to another
    attribute (``aws_vpc_endpoint.s3.prefix_list_id``) is of the kind that attribute holds.
    Attributes, types and referenced attributes this table does not know are never dropped.
    `type_` is the candidate's resource type when the caller knows it; else its address says.
    """
    accepted = ACCEPTED_TYPES.get(attribute) if attribute is not None else None
    if accepted is None:
        return True
    held = candidate.attr.split(".")[-1].split("[")[0] if candidate.attr is not None else None
    if held is not None and held not in _IDENTITY:
        kinds = ACCEPTED_TYPES.get(held)
        return kinds is None or not kinds.isdisjoint(accepted)
    if type_ is None:
        type_ = _type_of(candidate.address)
    return type_ is None or type_ in accepted or type_ not in _CLASSIFIED


@lru_cache(maxsize=4096)
def _type_of(address: str) -> str | None:
    """Return the resource type of instance `address`, None if it is no instance address."""
    parsed = parse_instance_address(address)
    return parsed.type if parsed is not None else None
