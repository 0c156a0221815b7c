"""The resource types the AWS builder models, with what it takes from each."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SUPPORTED_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "aws_vpc": "VPC: IPv4/IPv6 CIDRs; implicit main route table, default NACL and SG",
        "aws_default_vpc": "default VPC: 172.31.0.0/16, implicit internet gateway and 0/0 route",
        "aws_vpc_ipv4_cidr_block_association": "secondary IPv4 CIDR of a VPC",
        "aws_vpc_ipv6_cidr_block_association": "IPv6 CIDR of a VPC",
        "aws_subnet": "subnet: CIDRs, public-IP and IPv6 defaults, effective route table and NACL",
        "aws_default_subnet": "default subnet (maps public IPv4 on launch)",
        "aws_internet_gateway": "internet gateway and the VPC it is attached to",
        "aws_internet_gateway_attachment": "attachment of an internet gateway to a VPC",
        "aws_egress_only_internet_gateway": "egress-only internet gateway (IPv6 outbound only)",
        "aws_nat_gateway": "NAT gateway: subnet, public or private, EIP",
        "aws_eip": "Elastic IP on an instance or network interface (public IPv4)",
        "aws_eip_association": "association of an Elastic IP with an instance or interface",
        "aws_route_table": "route table with inline routes, local routes and propagation",
        "aws_default_route_table": "adopted main route table of a VPC",
        "aws_route": "route in a route table",
        "aws_route_table_association": "subnet or edge (gateway) association of a route table",
        "aws_main_route_table_association": "switch of a VPC's main route table",
        "aws_network_acl": "network ACL: ordered rules and subnets",
        "aws_default_network_acl": "adopted default network ACL of a VPC",
        "aws_network_acl_rule": "rule of a network ACL",
        "aws_network_acl_association": "association of a subnet with a network ACL",
        "aws_security_group": "security group and its inline rules",
        "aws_default_security_group": "adopted default security group of a VPC",
        "aws_security_group_rule": "security group rule (list form, one rule per peer)",
        "aws_vpc_security_group_ingress_rule": "security group ingress rule (single peer)",
        "aws_vpc_security_group_egress_rule": "security group egress rule (single peer)",
        "aws_ec2_managed_prefix_list": "customer-managed prefix list and its entries",
        "aws_ec2_managed_prefix_list_entry": "entry of a customer-managed prefix list",
        "aws_instance": "instance: subnet, security groups, public IPv4 and IPv6",
        "aws_network_interface": "network interface: subnet, security groups, EIP, IPv6",
        "aws_network_interface_sg_attachment": "security group added to a network interface",
        "aws_network_interface_attachment": "network interface attached to an instance",
        "aws_vpn_gateway": "virtual private gateway (VPN) and its VPC",
        "aws_vpn_gateway_attachment": "attachment of a VPN gateway to a VPC",
        "aws_vpn_gateway_route_propagation": "VPN gateway routes propagated into a route table",
        "aws_vpc_peering_connection": "VPC peering: both VPCs and whether it is accepted",
        "aws_vpc_peering_connection_accepter": "acceptance of a VPC peering connection",
        "aws_ec2_transit_gateway": "transit gateway, joined to the VPCs of its attachments",
        "aws_ec2_transit_gateway_vpc_attachment": "attachment of a VPC to a transit gateway",
        "aws_vpc_endpoint": "VPC endpoint; gateway endpoints add prefix-list routes",
        "aws_vpc_endpoint_route_table_association": "gateway endpoint route in a route table",
    }
)
