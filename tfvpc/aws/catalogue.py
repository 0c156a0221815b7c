"""The resource types the AWS builder models, with what it takes from each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
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
        "aws_vpc_endpoint_subnet_association": "subnet of an interface endpoint",
        "aws_vpc_endpoint_security_group_association": "security group of an interface endpoint",
        "aws_ec2_transit_gateway_route_table": "transit gateway route table",
        "aws_ec2_transit_gateway_route": "static or blackhole route of a transit gateway table",
        "aws_ec2_transit_gateway_prefix_list_reference": "prefix-list route of a transit table",
        "aws_ec2_transit_gateway_route_table_association": "attachment associated with a table",
        "aws_ec2_transit_gateway_route_table_propagation": "attachment propagating into a table",
        "aws_ec2_transit_gateway_default_route_table_association": "default association table",
        "aws_ec2_transit_gateway_default_route_table_propagation": "default propagation table",
        "aws_ec2_transit_gateway_peering_attachment": "peering between two transit gateways",
        "aws_ec2_transit_gateway_connect": "Connect attachment of a transit gateway",
        "aws_vpn_connection": "site-to-site VPN on a VPN or transit gateway (private source)",
        "aws_vpn_connection_route": "static on-premises route of a VPN connection",
        "aws_lb": "load balancer: scheme, type, subnets, groups; one node per subnet",
        "aws_alb": "load balancer (alias of aws_lb)",
        "aws_lb_listener": "listener: port, protocol, target groups of its default action",
        "aws_alb_listener": "listener (alias of aws_lb_listener)",
        "aws_lb_listener_rule": "listener rule: target groups it forwards to",
        "aws_alb_listener_rule": "listener rule (alias of aws_lb_listener_rule)",
        "aws_lb_target_group": "target group: port, protocol, target type, client IP preservation",
        "aws_alb_target_group": "target group (alias of aws_lb_target_group)",
        "aws_lb_target_group_attachment": "target registered in a target group, with its port",
        "aws_alb_target_group_attachment": "target registration (alias)",
        "aws_elb": "classic load balancer: scheme, subnets, groups, listeners, instances",
        "aws_elb_attachment": "instance registered with a classic load balancer",
        "aws_autoscaling_group": "auto-scaling group: one instance per subnet, from its template",
        "aws_autoscaling_attachment": "auto-scaling group registered with a load balancer",
        "aws_autoscaling_traffic_source_attachment": "auto-scaling group traffic source",
        "aws_launch_template": "launch template: security groups, public IP flag, IPv6",
        "aws_launch_configuration": "launch configuration: security groups, public IP flag",
        "aws_db_instance": "RDS instance: subnet group, groups, publicly accessible, port",
        "aws_db_subnet_group": "DB subnet group (linked by name)",
        "aws_rds_cluster": "Aurora cluster: groups, port and subnet group of its instances",
        "aws_rds_cluster_instance": "Aurora instance: publicly accessible, placement",
        "aws_redshift_cluster": "Redshift cluster: publicly accessible (provider-version default)",
        "aws_redshift_subnet_group": "Redshift subnet group (linked by name)",
        "aws_dms_replication_instance": "DMS replication instance: publicly accessible, groups",
        "aws_dms_replication_subnet_group": "DMS replication subnet group",
        "aws_elasticache_cluster": "ElastiCache cluster: never public, occupies its subnets",
        "aws_elasticache_replication_group": "ElastiCache replication group: never public",
        "aws_elasticache_serverless_cache": "ElastiCache serverless cache: never public",
        "aws_elasticache_subnet_group": "ElastiCache subnet group (linked by name)",
        "aws_eks_cluster": "EKS cluster: public API endpoint and its CIDRs; interfaces",
        "aws_ecs_service": "ECS service (awsvpc): task interfaces, public IP, load balancers",
        "aws_lambda_function": "Lambda function in a VPC: interfaces, never inbound",
        "aws_opensearch_domain": "OpenSearch domain: VPC interfaces, or a public endpoint",
        "aws_elasticsearch_domain": "Elasticsearch domain: VPC interfaces, or a public endpoint",
    }
)

RELEVANT_UNMODELLED: Mapping[str, str] = MappingProxyType(
    {
        "aws_networkfirewall_*": "Network Firewall filters traffic on the paths it sits on",
        "aws_globalaccelerator_*": "Global Accelerator exposes endpoints (ALB, NLB, EC2, EIP)",
        "aws_cloudfront_*": "CloudFront may front origins inside the VPC",
        "aws_apigatewayv2_vpc_link": "API Gateway reaches private load balancers through it",
        "aws_api_gateway_vpc_link": "API Gateway reaches private NLBs through it",
        "aws_vpc_endpoint_service": "a PrivateLink service exposes an NLB to other accounts",
        "aws_wafv2_web_acl_association": "a WAF filters requests to a load balancer",
        "aws_ec2_client_vpn_*": "Client VPN lets remote users into the VPC",
        "aws_dx_*": "Direct Connect links on-premises networks to the VPC",
        "aws_vpclattice_*": "VPC Lattice connects services across VPCs",
        "aws_ec2_instance_connect_endpoint": "EC2 Instance Connect endpoint opens SSH/RDP paths",
        "aws_mq_broker": "an Amazon MQ broker may be publicly accessible",
        "aws_msk_cluster": "an MSK cluster may have public access",
        "aws_docdb_cluster": "DocumentDB interfaces occupy subnets",
        "aws_neptune_cluster": "Neptune interfaces occupy subnets",
        "aws_memorydb_cluster": "MemoryDB interfaces occupy subnets",
        "aws_transfer_server": "a Transfer Family server may have a public endpoint",
        "aws_sagemaker_notebook_instance": "a notebook may have direct internet access",
        "aws_lightsail_instance": "Lightsail instances are public outside any VPC",
        "aws_ec2_traffic_mirror_*": "traffic mirroring copies traffic to other targets",
    }
)
"""Resource types (``*`` = any suffix) that change exposure or reachability but are not modelled;
`tfvpc scan -v` names those present so that a reviewer looks at them."""


def relevant_unmodelled(types: Iterable[str]) -> dict[str, str]:
    """Return, for each of `types` that `RELEVANT_UNMODELLED` matches, why it matters."""
    found: dict[str, str] = {}
    for type_ in sorted(set(types)):
        if type_ in SUPPORTED_TYPES:
            continue
        for pattern, why in RELEVANT_UNMODELLED.items():
            if fnmatchcase(type_, pattern):
                found[type_] = why
                break
    return found


RESOURCES_DOC_HEADER = """# Resource types

Generated from `tfvpc.aws.catalogue` by `render_markdown_table()`; do not edit by hand. Rewrite
it with:

    python -c "from tfvpc.aws.catalogue import render_markdown_table as r; print(r(), end='')" \\
        > docs/resources.md

A test fails when this page is stale.
"""


def render_markdown_table() -> str:
    """Return docs/resources.md: the modelled types and the relevant unmodelled ones."""
    lines = [RESOURCES_DOC_HEADER, "## Modelled", "", "| resource type | what tfvpc reads |"]
    lines.append("|---|---|")
    lines += [f"| `{type_}` | {what} |" for type_, what in SUPPORTED_TYPES.items()]
    lines += [
        "",
        "## Relevant but not modelled",
        "",
        "`tfvpc scan -v` names these when the input has them: they can change what is exposed",
        "or reachable, and tfvpc does not evaluate them.",
        "",
        "| resource type | why it matters |",
        "|---|---|",
    ]
    lines += [f"| `{pattern}` | {why} |" for pattern, why in RELEVANT_UNMODELLED.items()]
    return "\n".join(lines) + "\n"
