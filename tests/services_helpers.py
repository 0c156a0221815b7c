"""Resource factories for the exposable-services tests: one VPC with public and app subnets.

``aws_vpc.main`` (10.0.0.0/16) has an internet gateway; ``aws_subnet.pub_a`` (10.0.1.0/24) and
``aws_subnet.pub_b`` (10.0.2.0/24) route 0.0.0.0/0 to it through ``aws_route_table.pub``;
``aws_subnet.app`` (10.0.10.0/24) keeps the main table (local routes only). NACLs are the
VPC's default (allow all).
"""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, vpc

from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.service_exposure import find_service_exposures
from tfvpc.findings import Finding
from tfvpc.load.resources import ResourceInstance, Value
from tfvpc.model import Network

PUB_A = "aws_subnet.pub_a"
PUB_B = "aws_subnet.pub_b"
APP = "aws_subnet.app"


def base(*, public_ips: bool = False) -> list[ResourceInstance]:
    """Return the VPC, its internet gateway, two public subnets and one app subnet."""
    return [
        vpc(),
        res("aws_internet_gateway.igw", {"vpc_id": ref("aws_vpc.main")}),
        subnet(
            "pub_a",
            "10.0.1.0/24",
            availability_zone="eu-west-1a",
            map_public_ip_on_launch=public_ips,
        ),
        subnet(
            "pub_b",
            "10.0.2.0/24",
            availability_zone="eu-west-1b",
            map_public_ip_on_launch=public_ips,
        ),
        subnet("app", "10.0.10.0/24", availability_zone="eu-west-1a"),
        res(
            "aws_route_table.pub",
            {
                "vpc_id": ref("aws_vpc.main"),
                "route": [
                    {"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.igw")}
                ],
            },
        ),
        res(
            "aws_route_table_association.a",
            {"subnet_id": ref(PUB_A), "route_table_id": ref("aws_route_table.pub")},
        ),
        res(
            "aws_route_table_association.b",
            {"subnet_id": ref(PUB_B), "route_table_id": ref("aws_route_table.pub")},
        ),
    ]


def rule(
    low: int, high: int, *, cidrs: list[str] | None = None, groups: list[Value] | None = None
) -> dict[str, Value]:
    """Return an inline tcp rule block from CIDRs or security groups."""
    return {
        "from_port": low,
        "to_port": high,
        "protocol": "tcp",
        "cidr_blocks": list(cidrs or []),
        "security_groups": list(groups or []),
    }


def group(
    name: str, ingress: list[dict[str, Value]], egress: list[dict[str, Value]] | None = None
) -> ResourceInstance:
    """Return an `aws_security_group` in the VPC (no egress unless given, R-SG-10)."""
    values: dict[str, Value] = {"vpc_id": ref("aws_vpc.main"), "ingress": list(ingress)}
    values["egress"] = list(egress or [])
    return res(f"aws_security_group.{name}", values)


def instance(name: str, subnet_name: str, groups: list[str]) -> ResourceInstance:
    """Return an instance without a public address in `aws_subnet.<subnet_name>`."""
    return res(
        f"aws_instance.{name}",
        {
            "subnet_id": ref(f"aws_subnet.{subnet_name}"),
            "vpc_security_group_ids": [ref(f"aws_security_group.{g}") for g in groups],
        },
    )


def load_balancer(name: str, **values: Value) -> ResourceInstance:
    """Return an `aws_lb` in both public subnets (internet-facing ALB unless told)."""
    merged: dict[str, Value] = {"subnets": [ref(PUB_A), ref(PUB_B)], **values}
    return res(f"aws_lb.{name}", merged)


def listener(name: str, lb: str, port: int, protocol: str, group_name: str) -> ResourceInstance:
    """Return a listener of `aws_lb.<lb>` forwarding to `aws_lb_target_group.<group_name>`."""
    return res(
        f"aws_lb_listener.{name}",
        {
            "load_balancer_arn": ref(f"aws_lb.{lb}", "arn"),
            "port": port,
            "protocol": protocol,
            "default_action": [
                {
                    "type": "forward",
                    "target_group_arn": ref(f"aws_lb_target_group.{group_name}", "arn"),
                }
            ],
        },
    )


def target_group(name: str, port: int, protocol: str, **values: Value) -> ResourceInstance:
    """Return an `aws_lb_target_group` in the VPC."""
    return res(
        f"aws_lb_target_group.{name}",
        {"port": port, "protocol": protocol, "vpc_id": ref("aws_vpc.main"), **values},
    )


def register(name: str, group_name: str, target: Value, **values: Value) -> ResourceInstance:
    """Return an `aws_lb_target_group_attachment` registering `target`."""
    return res(
        f"aws_lb_target_group_attachment.{name}",
        {
            "target_group_arn": ref(f"aws_lb_target_group.{group_name}", "arn"),
            "target_id": target,
            **values,
        },
    )


def network_of(*extra: ResourceInstance, public_ips: bool = False) -> Network:
    """Return the network of `base()` plus `extra`."""
    return build(*base(public_ips=public_ips), *extra)


def exposures(network: Network) -> list[Finding]:
    """Return the TFV101 findings of both exposure analysers."""
    return find_exposures(network) + find_service_exposures(network)


def summary(findings: list[Finding]) -> list[tuple[object, ...]]:
    """Return (resource, protocol, ports, sources, certainty, severity) per finding, sorted."""
    return sorted(
        (f.resource, f.protocol, f.ports, f.sources, f.certainty, f.severity.value)
        for f in findings
    )
