"""Benchmark: `tfvpc scan` on a generated plan of about 7,000 resources, against a bare json.load.

Run from the repository root with tfvpc installed:

    python benchmarks/plan_bench.py            # ~7,000 resources
    python benchmarks/plan_bench.py --vpcs 126 # about twice that
    python benchmarks/plan_bench.py --varied   # no two VPCs with the same rules

It writes the plan to benchmarks/out/, then runs each measurement in a fresh subprocess and
prints wall seconds (best of --repeat) and peak resident memory (MiB). Nothing here is a test:
no figure is asserted.

Every subprocess finds compiled modules as an installed package has them: in a bytecode cache
(benchmarks/out/pycache, filled before anything is timed), whatever PYTHONDONTWRITEBYTECODE
says. `--cold` writes no cache instead (PYTHONDONTWRITEBYTECODE=1): a source checkout without
__pycache__ then compiles every module of tfvpc on every run. `--phases` also prints the time
of each phase of one scan, measured in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"
SUBNETS_PER_VPC = 8
INSTANCES_PER_SUBNET = 6
NACL_RULES = 12
SG_PER_VPC = 10
ANY = "0.0.0.0/0"


class PlanWriter:
    """Accumulates resource_changes and configuration entries in Terraform 1.x plan shape."""

    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []
        self.config: list[dict[str, Any]] = []

    def add(
        self,
        rtype: str,
        name: str,
        after: dict[str, Any],
        refs: dict[str, str | list[str]],
        computed: tuple[str, ...] = ("id", "arn"),
    ) -> str:
        """Add one created resource; `refs` maps attributes to the address(es) they reference."""
        address = f"{rtype}.{name}"
        after_unknown: dict[str, Any] = dict.fromkeys(computed, True)
        after_unknown.update(dict.fromkeys(refs, True))
        expressions: dict[str, Any] = {
            key: {"constant_value": value} for key, value in after.items() if value is not None
        }
        for attr, target in refs.items():
            targets = target if isinstance(target, list) else [target]
            expressions[attr] = {"references": [r for t in targets for r in (f"{t}.id", t)]}
        self.changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": after,
                    "after_unknown": after_unknown,
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        )
        self.config.append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_config_key": "aws",
                "expressions": expressions,
                "schema_version": 1,
            }
        )
        return address

    def document(self) -> dict[str, Any]:
        """Return the whole plan document."""
        return {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "planned_values": {"root_module": {"resources": []}},
            "resource_changes": self.changes,
            "configuration": {
                "provider_config": {"aws": {"name": "aws", "full_name": "hashicorp/aws"}},
                "root_module": {"resources": self.config},
            },
        }


def sg_rule(port: int, cidr: str) -> dict[str, Any]:
    """Return an inline security-group rule object with every key Terraform prints."""
    return {
        "cidr_blocks": [cidr],
        "description": "",
        "from_port": port,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": "tcp",
        "security_groups": [],
        "self": False,
        "to_port": port,
    }


def add_vpc(plan: PlanWriter, v: int, varied: bool) -> None:
    """Add one VPC with gateways, subnets, tables, NACL rules, security groups and instances.

    Without `varied` every VPC repeats the same rules (as a module instantiated many times
    does); with it, each VPC's NACL and security-group ports and CIDRs differ from the others'.
    """
    shift = v if varied else 0
    base = f"10.{v % 250}.0.0/16"
    vpc = plan.add("aws_vpc", f"v{v}", {"cidr_block": base, "enable_dns_support": True}, {})
    igw = plan.add("aws_internet_gateway", f"v{v}", {}, {"vpc_id": vpc})
    public_rt = plan.add("aws_route_table", f"v{v}_public", {}, {"vpc_id": vpc})
    private_rt = plan.add("aws_route_table", f"v{v}_private", {}, {"vpc_id": vpc})
    plan.add(
        "aws_route",
        f"v{v}_default",
        {"destination_cidr_block": "0.0.0.0/0"},
        {"route_table_id": public_rt, "gateway_id": igw},
    )
    nacl = plan.add("aws_network_acl", f"v{v}", {}, {"vpc_id": vpc})
    for r in range(NACL_RULES):
        for egress in (False, True):
            plan.add(
                "aws_network_acl_rule",
                f"v{v}_{'out' if egress else 'in'}_{r}",
                {
                    "rule_number": 100 + r * 10,
                    "egress": egress,
                    "protocol": "tcp",
                    "rule_action": "deny" if r % 4 == 3 else "allow",
                    "cidr_block": f"{(r * 37 + shift * 11) % 223 + 1}.0.0.0/8" if r else ANY,
                    "from_port": 1024 if egress else 20 + r + shift,
                    "to_port": 65535 if egress else 20 + r * 50 + shift,
                },
                {"network_acl_id": nacl},
            )
    sgs = []
    for s in range(SG_PER_VPC):
        ingress = [
            sg_rule(port, f"{(s * 13 + port + shift * 7) % 223 + 1}.0.0.0/8") for port in (22, 443)
        ]
        ingress.append(sg_rule(8000 + s + shift * 10, "0.0.0.0/0"))
        sgs.append(
            plan.add(
                "aws_security_group",
                f"v{v}_sg{s}",
                {"name": f"v{v}-sg{s}", "description": "bench", "ingress": ingress},
                {"vpc_id": vpc},
                computed=("id", "arn", "owner_id", "egress"),
            )
        )
    for n in range(SUBNETS_PER_VPC):
        public = n < SUBNETS_PER_VPC // 2
        subnet = plan.add(
            "aws_subnet",
            f"v{v}_s{n}",
            {"cidr_block": f"10.{v % 250}.{n}.0/24", "map_public_ip_on_launch": public},
            {"vpc_id": vpc},
        )
        plan.add(
            "aws_route_table_association",
            f"v{v}_s{n}",
            {},
            {"subnet_id": subnet, "route_table_id": public_rt if public else private_rt},
        )
        plan.add(
            "aws_network_acl_association",
            f"v{v}_s{n}",
            {},
            {"subnet_id": subnet, "network_acl_id": nacl},
        )
        for i in range(INSTANCES_PER_SUBNET):
            plan.add(
                "aws_instance",
                f"v{v}_s{n}_i{i}",
                {"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro"},
                {"subnet_id": subnet, "vpc_security_group_ids": [sgs[(n + i) % SG_PER_VPC]]},
                computed=("id", "arn", "public_ip", "private_ip"),
            )


def generate(vpcs: int, varied: bool) -> Path:
    """Write a plan with `vpcs` VPCs (see `add_vpc` for `varied`) and return its path."""
    plan = PlanWriter()
    for v in range(vpcs):
        add_vpc(plan, v, varied)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"plan-{len(plan.changes)}{'-varied' if varied else ''}.json"
    path.write_text(json.dumps(plan.document()))
    return path


# The console script installed beside this interpreter, so that an unactivated venv works too.
_BESIDE = Path(sys.executable).with_name("tfvpc")
TFVPC = str(_BESIDE) if _BESIDE.exists() else "tfvpc"

PEAK_REPORT = (
    "\nimport resource, sys\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


PHASES = """
import gc, sys, time
gc.disable()
started = time.perf_counter()
from pathlib import Path
from tfvpc.analyse.registry import ANALYSERS
from tfvpc.aws import build_network
from tfvpc.load.plan import load_plan_file
from tfvpc.pipeline import scan, ScanSettings
times = {"imports": time.perf_counter() - started}
path = Path(sys.argv[1])
start = time.perf_counter()
loaded = load_plan_file(path)
times["load_plan_file"] = time.perf_counter() - start
start = time.perf_counter()
network = build_network(loaded.resources)
times["build_network"] = time.perf_counter() - start
for analyser in ANALYSERS:
    start = time.perf_counter()
    analyser(network)
    times[analyser.__name__] = time.perf_counter() - start
for name, seconds in times.items():
    print(f"  {name:28}: {seconds:6.3f} s")
"""
"""Times each phase as `scan` runs it (the collector paused as `tfvpc.pipeline` does)."""


def python_env(cold: bool) -> dict[str, str]:
    """Return the environment of the measured subprocesses (see the module docstring)."""
    env = dict(os.environ)
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(OUT_DIR / "pycache")
    return env


def measure(code: str, repeat: int, env: dict[str, str]) -> tuple[float, float]:
    """Run `code` in fresh interpreters; return (best wall seconds, largest peak RSS in MiB)."""
    best = float("inf")
    peak_kib = 0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code + PEAK_REPORT],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        best = min(best, time.perf_counter() - start)
        peak_kib = max(peak_kib, int(done.stderr.strip().splitlines()[-1]))
    return best, peak_kib / 1024


def main() -> None:
    """Generate the plan, then time json.load, the in-process scan and the CLI."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=63)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="no bytecode cache")
    parser.add_argument("--phases", action="store_true", help="also time each phase")
    parser.add_argument(
        "--varied", action="store_true", help="every VPC with its own rules (no two alike)"
    )
    args = parser.parse_args()
    path = generate(args.vpcs, args.varied)
    resources = len(json.loads(path.read_text())["resource_changes"])
    print(f"plan: {path} ({resources} resources, {path.stat().st_size / 2**20:.1f} MiB)")
    env = python_env(args.cold)
    print("bytecode: " + ("none, compiled on every run" if args.cold else "cached, warmed"))

    # Each figure comes from its own subprocess so that peak memory is not shared between them.
    load_code = f"import json; json.load(open({str(path)!r}))"
    scan_code = (
        "from pathlib import Path; from tfvpc.pipeline import scan, ScanSettings; "
        f"r = scan([Path({str(path)!r})], ScanSettings()); print(len(r.findings))"
    )
    if not args.cold:
        # Fill the bytecode cache, as installing a package does, before anything is timed.
        measure(load_code, 1, env)
        measure(scan_code, 1, env)
    load_s, load_mib = measure(load_code, args.repeat, env)
    print(f"json.load            : {load_s:6.2f} s   peak {load_mib:7.1f} MiB")
    scan_s, scan_mib = measure(scan_code, args.repeat, env)
    print(f"scan (in process)    : {scan_s:6.2f} s   peak {scan_mib:7.1f} MiB")

    cli_s = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        command = [TFVPC, "scan", str(path), "--format", "json", "--fail-on", "never"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        cli_s = min(cli_s, time.perf_counter() - start)
    print(f"tfvpc scan (CLI)     : {cli_s:6.2f} s")
    print(f"ratio scan/json.load : {scan_s / load_s:6.1f}x")
    if args.phases:
        print("phases of one scan (fresh process):")
        subprocess.run([sys.executable, "-c", PHASES, str(path)], check=True, env=env)


if __name__ == "__main__":
    main()
