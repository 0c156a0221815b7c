"""Time the packet-space algebra on realistic rule-shaped sets and print operations per second.

Run: ``python benchmarks/space_bench.py [--ops N] [--seed S]``. Each set is one SG/NACL-like rule:
a random /8-/32 IPv4 CIDR (some IPv6 /32-/128) x tcp/udp/all x a single port, a range or all ports.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import time
from collections.abc import Callable

from tfvpc.space import FlowSet, icmp_code_range

PROTOCOLS = (6, 6, 6, 17, -1)
COMMON_PORTS = (22, 80, 443, 3389, 5432, 3306, 8080, 53, 123)


def random_rule(rng: random.Random) -> FlowSet:
    """Return one random rule-shaped set."""
    protocol = rng.choice(PROTOCOLS)
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    if rng.random() < 0.15:
        prefix = rng.randint(32, 128)
        network = ipaddress.IPv6Network((rng.getrandbits(128), prefix), strict=False)
    else:
        prefix = rng.randint(8, 32)
        network = ipaddress.IPv4Network((rng.getrandbits(32), prefix), strict=False)
    if protocol == -1:
        return FlowSet.of(-1, str(network))
    shape = rng.random()
    if shape < 0.6:
        port = rng.choice(COMMON_PORTS)
        ports = (port, port)
    elif shape < 0.9:
        lo = rng.randint(0, 65000)
        ports = (lo, min(65535, lo + rng.randint(0, 5000)))
    else:
        ports = (0, 65535)
    return FlowSet.of(protocol, str(network), ports)


def timed(label: str, count: int, work: Callable[[], object]) -> None:
    """Run work once, print its rate as count operations per second."""
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {count:>7} ops {elapsed:7.3f} s {count / elapsed:>10,.0f} ops/s")


def main() -> None:
    """Run the benchmark suite and print one line per scenario."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rules = [random_rule(rng) for _ in range(args.ops)]

    # SG-style: groups of 1-40 rules unioned one at a time, as an SG's ingress is built.
    def sg_unions() -> None:
        k = 0
        while k < len(rules):
            size = rng.randint(1, 40)
            acc = FlowSet.empty()
            for rule in rules[k : k + size]:
                acc = acc | rule
            k += size

    timed("union, SG-shaped accumulations of 1-40 rules", len(rules), sg_unions)

    # NACL-style first match: each rule decides (rule & remaining), then remaining -= rule.
    def nacl_first_match() -> None:
        k = 0
        while k < len(rules):
            size = rng.randint(1, 20)
            remaining = FlowSet.universe()
            for rule in rules[k : k + size]:
                _ = rule & remaining
                remaining = remaining - rule
            k += size

    timed("first-match (& and -), NACLs of 1-20 rules", 2 * len(rules), nacl_first_match)

    # Big operands: pairwise ops between unions of 50 rules each.
    bigs = [FlowSet.union_all(rules[k : k + 50]) for k in range(0, len(rules), 50)]
    pairs = [(rng.choice(bigs), rng.choice(bigs)) for _ in range(args.ops // 10)]

    def big_ops() -> None:
        for a, b in pairs:
            _ = a | b
            _ = a - b
            _ = a & b

    timed("|, -, & between unions of 50 rules", 3 * len(pairs), big_ops)

    everything = FlowSet.union_all(rules)
    boxes = len(everything.boxes())
    timed("union_all of every rule", len(rules), lambda: FlowSet.union_all(rules))
    print(f"union of all {len(rules)} rules: {boxes} disjoint boxes")

    def render() -> None:
        for big in bigs:
            big.cidrs()
            repr(big)

    timed("cidrs() + repr() of unions of 50 rules", len(bigs), render)
    echo = FlowSet.of(1, "0.0.0.0/0", icmp_code_range(8, 0))
    timed(
        "contains()", len(rules), lambda: [echo.contains(4, 1, k, 2048) for k in range(len(rules))]
    )


if __name__ == "__main__":
    main()
