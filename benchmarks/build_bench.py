"""Time `build_network` on a synthetic input of about 7,000 resource instances.

Usage: python benchmarks/build_bench.py [--resources N] [--repeat R] [--style ref|id]

Each synthetic VPC holds an internet gateway, a NAT gateway and its EIP, two route tables
with routes and associations, eight subnets, a NACL with inline and separate rules, ten
security groups with inline and separate rules, twenty instances, five ENIs and five EIPs.
`--style ref` links resources by `Ref` (as the HCL front end and plans do); `--style id`
links them by literal ids (as state files do), exercising the id index.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tfvpc.aws import build_network
from tfvpc.load.resources import Ref, ResourceInstance, Value


def _res(type_: str, name: str, values: dict[str, Value]) -> ResourceInstance:
    return ResourceInstance(address=f"{type_}.{name}", type=type_, name=name, values=values)


class _Vpc:
    """Generates the resources of one synthetic VPC."""

    def __init__(self, index: int, style: str) -> None:
        self.i = index
        self.style = style
        self.out: list[ResourceInstance] = []

    def link(self, type_: str, name: str) -> Value:
        """Return a reference to resource `type_.name`: a `Ref` or its literal id."""
        return Ref(f"{type_}.{name}") if self.style == "ref" else f"{type_}-{name}"

    def add(self, type_: str, name: str, values: dict[str, Value]) -> None:
        """Append resource `type_.name` (with a literal id in ``id`` style)."""
        if self.style == "id":
            values = {"id": f"{type_}-{name}", **values}
        self.out.append(_res(type_, name, values))

    def generate(self) -> list[ResourceInstance]:
        """Return every resource of this VPC."""
        i = self.i
        octet = i % 250
        vpc = f"v{i}"
        self.add("aws_vpc", vpc, {"cidr_block": f"10.{octet}.0.0/16"})
        vpc_id = self.link("aws_vpc", vpc)
        self.add("aws_internet_gateway", vpc, {"vpc_id": vpc_id})
        self.add("aws_eip", f"nat{i}", {"domain": "vpc"})
        subnets = [f"s{i}_{k}" for k in range(8)]
        for k, name in enumerate(subnets):
            self.add(
                "aws_subnet",
                name,
                {
                    "vpc_id": vpc_id,
                    "cidr_block": f"10.{octet}.{k}.0/24",
                    "map_public_ip_on_launch": k < 4,
                },
            )
        self.add(
            "aws_nat_gateway",
            vpc,
            {
                "subnet_id": self.link("aws_subnet", subnets[0]),
                "allocation_id": self.link("aws_eip", f"nat{i}"),
            },
        )
        for table, target_attr, target_type in (
            ("pub", "gateway_id", "aws_internet_gateway"),
            ("priv", "nat_gateway_id", "aws_nat_gateway"),
        ):
            name = f"{table}{i}"
            self.add("aws_route_table", name, {"vpc_id": vpc_id})
            self.add(
                "aws_route",
                name,
                {
                    "route_table_id": self.link("aws_route_table", name),
                    "destination_cidr_block": "0.0.0.0/0",
                    target_attr: self.link(target_type, vpc),
                },
            )
        for k, name in enumerate(subnets):
            table = f"pub{i}" if k < 4 else f"priv{i}"
            self.add(
                "aws_route_table_association",
                name,
                {
                    "subnet_id": self.link("aws_subnet", name),
                    "route_table_id": self.link("aws_route_table", table),
                },
            )
        self._nacl(vpc_id, subnets)
        self._groups(vpc_id, subnets)
        return self.out

    def _nacl(self, vpc_id: Value, subnets: list[str]) -> None:
        name = f"acl{self.i}"
        inline: list[Value] = [
            {
                "rule_no": 100 + k,
                "action": "allow",
                "protocol": "tcp",
                "cidr_block": "0.0.0.0/0",
                "from_port": 80 + k,
                "to_port": 80 + k,
            }
            for k in range(6)
        ]
        self.add("aws_network_acl", name, {"vpc_id": vpc_id, "ingress": inline})
        for k in range(4):
            self.add(
                "aws_network_acl_rule",
                f"{name}_{k}",
                {
                    "network_acl_id": self.link("aws_network_acl", name),
                    "rule_number": 200 + k,
                    "egress": True,
                    "rule_action": "allow",
                    "protocol": "-1",
                    "cidr_block": "0.0.0.0/0",
                },
            )
        for subnet in subnets[:4]:
            self.add(
                "aws_network_acl_association",
                subnet,
                {
                    "network_acl_id": self.link("aws_network_acl", name),
                    "subnet_id": self.link("aws_subnet", subnet),
                },
            )

    def _groups(self, vpc_id: Value, subnets: list[str]) -> None:
        groups = [f"g{self.i}_{k}" for k in range(10)]
        for k, name in enumerate(groups):
            rules: list[Value] = [
                {
                    "protocol": "tcp",
                    "from_port": 443 + p,
                    "to_port": 443 + p,
                    "cidr_blocks": ["0.0.0.0/0", f"10.{k}.0.0/16"],
                }
                for p in range(3)
            ]
            self.add("aws_security_group", name, {"vpc_id": vpc_id, "ingress": rules})
            self.add(
                "aws_security_group_rule",
                name,
                {
                    "type": "egress",
                    "security_group_id": self.link("aws_security_group", name),
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": ["0.0.0.0/0"],
                },
            )
        for k in range(20):
            name = f"i{self.i}_{k}"
            self.add(
                "aws_instance",
                name,
                {
                    "subnet_id": self.link("aws_subnet", subnets[k % 8]),
                    "vpc_security_group_ids": [self.link("aws_security_group", groups[k % 10])],
                },
            )
        for k in range(5):
            name = f"e{self.i}_{k}"
            self.add(
                "aws_network_interface",
                name,
                {
                    "subnet_id": self.link("aws_subnet", subnets[k]),
                    "security_groups": [self.link("aws_security_group", groups[k])],
                },
            )
            self.add(
                "aws_eip", name, {"network_interface": self.link("aws_network_interface", name)}
            )


def synthetic(count: int, style: str) -> list[ResourceInstance]:
    """Return about `count` resource instances (padded with unmodelled buckets)."""
    resources: list[ResourceInstance] = []
    index = 0
    while True:
        batch = _Vpc(index, style).generate()
        if len(resources) + len(batch) > count:
            break
        resources.extend(batch)
        index += 1
    resources.extend(_res("aws_s3_bucket", f"b{k}", {}) for k in range(count - len(resources)))
    return resources


def main() -> None:
    """Print the build time of the synthetic input (best and median of the repeats)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=7000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--style", choices=("ref", "id"), default="ref")
    args = parser.parse_args()
    resources = synthetic(args.resources, args.style)
    times: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        network = build_network(resources)
        times.append(time.perf_counter() - start)
    sizes = {
        "vpcs": len(network.vpcs),
        "subnets": len(network.subnets),
        "route_tables": len(network.route_tables),
        "nacls": len(network.nacls),
        "security_groups": len(network.security_groups),
        "attachments": len(network.attachments),
        "gateways": len(network.gateways),
    }
    print(f"{len(resources)} resources ({args.style} style) -> {sizes}")
    print(f"build_network: best {min(times):.3f}s, median {statistics.median(times):.3f}s")


if __name__ == "__main__":
    main()
