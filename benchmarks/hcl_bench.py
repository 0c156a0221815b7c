"""Time `load_directory` on a generated Terraform directory of about 2,000 resources.

Usage: python benchmarks/hcl_bench.py [--vpcs N] [--repeat R] [--keep DIR]

Each generated VPC lives in its own file and declares, as real networking code does: a VPC,
an internet gateway, subnets from a ``for_each`` over a local map built with ``cidrsubnet``,
route tables with inline routes, ``count``-ed associations, security groups with static and
``dynamic`` ingress blocks, and instances indexed into the subnets. A local module called
with ``for_each`` adds flow logs. Parsing (python-hcl2) and evaluation are timed separately.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tfvpc.load.hcl import load_directory
from tfvpc.load.hcl.sources import read_module

_VARIABLES = """
variable "base_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

variable "admin_ports" {
  type    = list(number)
  default = [22, 3389, 5985]
}

module "flow_logs" {
  source   = "./modules/flow_logs"
  for_each = toset([for i in range(VPCS) : tostring(i)])
  vpc_id   = "vpc-${each.key}"
}
"""

_MODULE = """
variable "vpc_id" {
  type = string
}

resource "aws_flow_log" "this" {
  vpc_id       = var.vpc_id
  traffic_type = "ALL"
}
"""

_VPC = """
locals {
  subnets_@N@ = {
    for index in range(6) : "az${index}" => cidrsubnet(cidrsubnet(var.base_cidr, 8, @N@), 8, index)
  }
}

resource "aws_vpc" "v@N@" {
  cidr_block = cidrsubnet(var.base_cidr, 8, @N@)
  tags       = { Name = format("vpc-%03d", @N@) }
}

resource "aws_internet_gateway" "v@N@" {
  vpc_id = aws_vpc.v@N@.id
}

resource "aws_subnet" "v@N@" {
  for_each                = local.subnets_@N@
  vpc_id                  = aws_vpc.v@N@.id
  cidr_block              = each.value
  map_public_ip_on_launch = startswith(each.key, "az0")
}

resource "aws_route_table" "v@N@_public" {
  vpc_id = aws_vpc.v@N@.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.v@N@.id
  }
}

resource "aws_route_table_association" "v@N@" {
  count          = length(local.subnets_@N@)
  subnet_id      = values(aws_subnet.v@N@)[count.index].id
  route_table_id = aws_route_table.v@N@_public.id
}

resource "aws_security_group" "v@N@_web" {
  name   = "web-@N@"
  vpc_id = aws_vpc.v@N@.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  dynamic "ingress" {
    for_each = var.admin_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [aws_vpc.v@N@.cidr_block]
    }
  }
}

resource "aws_instance" "v@N@" {
  count                  = 4
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = element(values(aws_subnet.v@N@)[*].id, count.index)
  vpc_security_group_ids = [aws_security_group.v@N@_web.id]
  tags                   = { Name = "vm-@N@-${count.index}" }
}
"""


def generate(root: Path, vpcs: int) -> int:
    """Write the directory under `root`; return its number of lines."""
    (root / "modules" / "flow_logs").mkdir(parents=True)
    (root / "modules" / "flow_logs" / "main.tf").write_text(_MODULE, encoding="utf-8")
    files = {"variables.tf": _VARIABLES.replace("VPCS", str(vpcs))}
    for n in range(vpcs):
        files[f"vpc_{n:03d}.tf"] = _VPC.replace("@N@", str(n))
    lines = 0
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        lines += text.count("\n")
    return lines


def main() -> None:
    """Generate the directory, load it `--repeat` times and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=95, help="VPC files to generate (95: ~2,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this (new) directory and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch) / "tf"
        lines = generate(root, args.vpcs)
        parse_times, load_times = [], []
        count = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_module(root, "tf")
            parse_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            loaded = load_directory(root, environ={}, display_path="tf")
            load_times.append(time.perf_counter() - start)
            count = len(loaded.resources)
            if loaded.problems:
                raise SystemExit(f"generated input has problems: {loaded.problems[0]}")
    print(f"{args.vpcs + 2} files, {lines} lines, {count} resource instances")
    print(f"parse only (python-hcl2 + syntax tree): median {statistics.median(parse_times):.2f} s")
    print(f"load_directory (parse + evaluate):      median {statistics.median(load_times):.2f} s")


if __name__ == "__main__":
    main()
