"""Time the reachability (TFV201-204) and conflict (TFV301-304) analysers on a synthetic model.

Usage: python benchmarks/analyse_bench.py [--vpcs N] [--repeat R] [--seed S]

Each synthetic VPC (default 10 of them, about 7,000 model objects in all, counting every route,
NACL entry and security-group rule as an object) has an internet gateway, a NAT gateway, three
route tables, 30 subnets, three NACLs of 12 entries (some shadowed, some missing return rules),
50 security groups of 6 rules (some redundant, some blocked by a NACL) and 250 attachments.
Neighbouring VPCs are peered and all share one transit gateway. The model is built directly
(no front end, no builder), so only the analysers are timed. Prints objects, findings per rule
and the best and median time of each analyser.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.findings import Finding
from tfvpc.model import (
    Attachment,
    Gateway,
    Nacl,
    NaclRule,
    Network,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    implicit_address,
)

TCP, UDP, ALL = 6, 17, -1
SUBNETS, GROUPS, RULES, ATTACHMENTS = 30, 50, 6, 250


def _nacl_rule(
    no: int,
    egress: bool,
    action: str,
    proto: int,
    cidr: str,
    ports: tuple[int, int] | None,
    origin: str,
) -> NaclRule:
    return NaclRule(
        rule_no=no,
        egress=egress,
        action=action,  # type: ignore[arg-type]
        protocol=proto,
        cidr=cidr,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        origin=origin,
    )


def _nacl(address: str, vpc: str, tier: int, rng: random.Random) -> Nacl:
    """A NACL: web tier opens 80/443, app 8080 from the VPC, db 5432 from the app range."""
    service = [(443, "0.0.0.0/0"), (8080, "10.0.0.0/8"), (5432, "10.0.0.0/8")][tier]
    ingress = [
        _nacl_rule(100, False, "allow", TCP, service[1], (service[0], service[0]), address),
        _nacl_rule(110, False, "allow", TCP, "0.0.0.0/0", (1024, 65535), address),
        _nacl_rule(120, False, "deny", TCP, "203.0.113.0/24", (22, 22), address),
        _nacl_rule(130, False, "allow", UDP, "10.0.0.0/8", (53, 53), address),
        _nacl_rule(140, False, "allow", TCP, "10.0.0.0/8", (22, 22), address),
        _nacl_rule(150, False, "allow", ALL, "10.0.0.0/8", None, address),
    ]
    egress = [
        _nacl_rule(100, True, "allow", TCP, "0.0.0.0/0", (80, 80), address),
        _nacl_rule(110, True, "allow", TCP, "0.0.0.0/0", (443, 443), address),
        _nacl_rule(120, True, "allow", TCP, "10.0.0.0/8", (1024, 65535), address),
        _nacl_rule(130, True, "allow", UDP, "10.0.0.0/8", (1024, 65535), address),
        _nacl_rule(
            140, True, "allow", TCP, "0.0.0.0/0", (rng.choice((1024, 32768)), 65535), address
        ),
        _nacl_rule(150, True, "deny", TCP, "10.9.0.0/16", (443, 443), address),
    ]
    denies = [
        _nacl_rule(32767, e, "deny", ALL, c, None, address).model_copy(
            update={"is_default_deny": True}
        )
        for e in (False, True)
        for c in ("0.0.0.0/0", "::/0")
    ]
    return Nacl(
        address=address,
        vpc=vpc,
        ingress=(*ingress, *denies[:2]),
        egress=(*egress, *denies[2:]),
    )


def _group(address: str, vpc: str, octet: int, rng: random.Random) -> SecurityGroup:
    rules: list[SgRule] = []
    for k in range(RULES):
        port = rng.choice((22, 80, 443, 5432, 8080, 3306))
        cidr = rng.choice(("0.0.0.0/0", f"10.{octet}.0.0/16", "10.0.0.0/8", f"10.{octet}.{k}.0/24"))
        direction = "egress" if k == RULES - 1 else "ingress"
        rules.append(
            SgRule(
                direction=direction,  # type: ignore[arg-type]
                protocol=rng.choice((TCP, TCP, TCP, UDP)),
                from_port=port,
                to_port=port,
                peer_kind="cidr",
                peer=cidr,
                origin=f"{address}_rule{k}" if k % 2 else address,
            )
        )
    return SecurityGroup(address=address, vpc=vpc, rules=tuple(rules))


def synthetic_network(vpcs: int, seed: int) -> tuple[Network, int]:
    """Return the synthetic network and how many objects (rules and routes included) it has."""
    rng = random.Random(seed)
    net = Network()
    objects = 0
    tgw = "aws_ec2_transit_gateway.hub"
    net.gateways[tgw] = Gateway(
        address=tgw, kind="tgw", vpcs=tuple(f"aws_vpc.v{i}" for i in range(vpcs))
    )
    for i in range(vpcs):
        vpc = f"aws_vpc.v{i}"
        octet = i % 250
        cidr = f"10.{octet}.0.0/16"
        main = implicit_address(vpc, "main_route_table")
        net.vpcs[vpc] = Vpc(
            address=vpc,
            ipv4_cidrs=(cidr,),
            main_route_table=main,
            default_nacl=f"aws_network_acl.v{i}_0",
            default_security_group=f"aws_security_group.v{i}_0",
        )
        igw, nat = f"aws_internet_gateway.v{i}", f"aws_nat_gateway.v{i}"
        net.gateways[igw] = Gateway(address=igw, kind="igw", vpcs=(vpc,))
        net.gateways[nat] = Gateway(
            address=nat, kind="nat", vpcs=(vpc,), subnet=f"aws_subnet.v{i}_0", public=True
        )
        if i:
            pcx = f"aws_vpc_peering_connection.v{i - 1}_v{i}"
            net.gateways[pcx] = Gateway(
                address=pcx, kind="pcx", vpcs=(f"aws_vpc.v{i - 1}", vpc), accepted=True
            )
        local = Route(destination=cidr, target_kind="local", origin=main)
        tables = {
            "public": [
                Route(
                    destination="0.0.0.0/0",
                    target_kind="igw",
                    target=igw,
                    origin=f"aws_route.v{i}_public",
                )
            ],
            "private": [
                Route(
                    destination="0.0.0.0/0",
                    target_kind="nat",
                    target=nat,
                    origin=f"aws_route.v{i}_private",
                )
            ],
            "isolated": [
                Route(
                    destination="10.0.0.0/8",
                    target_kind="tgw",
                    target=tgw,
                    origin=f"aws_route.v{i}_tgw",
                )
            ],
        }
        if i:
            peer = f"aws_vpc_peering_connection.v{i - 1}_v{i}"
            tables["private"].append(
                Route(
                    destination=f"10.{(i - 1) % 250}.0.0/16",
                    target_kind="pcx",
                    target=peer,
                    origin=f"aws_route.v{i}_pcx",
                )
            )
        net.route_tables[main] = RouteTable(
            address=main, vpc=vpc, routes=(local,), is_main=True, implicit=True
        )
        for name, routes in tables.items():
            address = f"aws_route_table.v{i}_{name}"
            net.route_tables[address] = RouteTable(
                address=address, vpc=vpc, routes=(local, *routes)
            )
            objects += 1 + len(routes)
        for tier in range(3):
            nacl = _nacl(f"aws_network_acl.v{i}_{tier}", vpc, tier, rng)
            net.nacls[nacl.address] = nacl
            objects += 1 + len(nacl.ingress) + len(nacl.egress) - 4
        for k in range(SUBNETS):
            address = f"aws_subnet.v{i}_{k}"
            tier = k % 3
            net.subnets[address] = Subnet(
                address=address,
                vpc=vpc,
                ipv4_cidr=f"10.{octet}.{k}.0/24",
                map_public_ip_on_launch=tier == 0,
                route_tables=(f"aws_route_table.v{i}_{('public', 'private', 'isolated')[tier]}",),
                nacls=(f"aws_network_acl.v{i}_{tier}",),
            )
        for k in range(GROUPS):
            group = _group(f"aws_security_group.v{i}_{k}", vpc, octet, rng)
            net.security_groups[group.address] = group
            objects += 1 + len(group.rules)
        for k in range(ATTACHMENTS):
            address = f"aws_instance.v{i}_{k}"
            subnet = k % SUBNETS
            net.attachments[address] = Attachment(
                address=address,
                kind="aws_instance",
                resource=address,
                subnets=(f"aws_subnet.v{i}_{subnet}",),
                security_groups=tuple(
                    f"aws_security_group.v{i}_{g}" for g in rng.sample(range(GROUPS), 2)
                ),
                public_ipv4=subnet % 3 == 0,
            )
        objects += 1 + 2 + (1 if i else 0) + SUBNETS + ATTACHMENTS
    return net, objects + 1


def _time(
    analyser: Callable[[Network], list[Finding]], network: Network, repeat: int
) -> tuple[list[float], list[Finding]]:
    times: list[float] = []
    findings: list[Finding] = []
    for _ in range(repeat):
        start = time.perf_counter()
        findings = analyser(network)
        times.append(time.perf_counter() - start)
    return times, findings


def main() -> None:
    """Build the synthetic model, run both analysers `--repeat` times and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    network, objects = synthetic_network(args.vpcs, args.seed)
    print(
        f"{objects} objects: {len(network.vpcs)} VPCs, {len(network.subnets)} subnets,"
        f" {len(network.security_groups)} security groups, {len(network.attachments)} attachments"
    )
    for name, analyser in (
        ("reachability", find_reachability_problems),
        ("conflicts", find_conflicts),
    ):
        times, findings = _time(analyser, network, args.repeat)
        by_rule = Counter(f.rule_id for f in findings)
        print(
            f"{name}: best {min(times):.2f}s, median {statistics.median(times):.2f}s"
            f" (first run {times[0]:.2f}s); findings {dict(sorted(by_rule.items()))}"
        )


if __name__ == "__main__":
    main()
