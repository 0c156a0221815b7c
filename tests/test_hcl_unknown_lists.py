"""Lists whose elements are unknown but whose length is not: slice() of a data-source list.

The idiom ``azs = slice(data.aws_availability_zones.available.names, 0, 3)`` is in nearly every
terraform-aws-modules example. slice() fails unless the list has at least ``end`` elements, so
a configuration that applies has exactly three zones: counts and per-index CIDRs built on them
are known, only the zone names are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hcl_helpers import by_address, ev, load, write

from tfvpc.load.hcl.values import EvalError
from tfvpc.load.resources import Ref, Unknown

ZONES = Unknown("data.aws_availability_zones.available.names is read from the provider")


def test_slice_of_an_unknown_list_has_a_known_length_and_unknown_elements() -> None:
    assert ev("slice(zones, 0, 3)", zones=ZONES) == [ZONES, ZONES, ZONES]
    assert ev("length(slice(zones, 1, 3))", zones=ZONES) == 2
    assert ev("slice(zones, 2, 2)", zones=ZONES) == []


def test_slice_of_a_reference_keeps_each_element_addressable() -> None:
    ids = Ref("aws_subnet.public", "ids")
    assert ev("slice(ids, 1, 3)", ids=ids) == [
        Ref("aws_subnet.public", "ids.1"),
        Ref("aws_subnet.public", "ids.2"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slice(zones, -1, 2)", "less than zero"),
        ("slice(zones, 3, 1)", "greater than end index"),
    ],
)
def test_slice_of_an_unknown_list_still_rejects_impossible_indexes(text: str, message: str) -> None:
    with pytest.raises(EvalError, match=message):
        ev(text, zones=ZONES)


def test_unknown_indexes_leave_the_slice_unknown() -> None:
    result = ev("slice(zones, 0, n)", zones=ZONES, n=Unknown("n is unknown"))
    assert isinstance(result, Unknown)


def test_per_zone_subnets_are_counted_and_addressed_exactly(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
data "aws_availability_zones" "available" {}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  availability_zone = local.azs[count.index]
  cidr_block        = [for k, v in local.azs : cidrsubnet("10.0.0.0/16", 4, k)][count.index]
}
"""
        },
    )
    loaded = load(tmp_path)
    subnets = {a: r for a, r in by_address(loaded).items() if r.type == "aws_subnet"}
    assert sorted(subnets) == [f"aws_subnet.private[{i}]" for i in range(3)]
    assert [subnets[f"aws_subnet.private[{i}]"].values["cidr_block"] for i in range(3)] == [
        "10.0.0.0/20",
        "10.0.16.0/20",
        "10.0.32.0/20",
    ]
    assert all(not subnet.uncertain for subnet in subnets.values())
    zone = subnets["aws_subnet.private[0]"].values["availability_zone"]
    assert isinstance(zone, Unknown) and "availability_zones" in zone.reason


def test_remote_state_outputs_say_where_they_come_from(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
data "terraform_remote_state" "net" {
  backend = "local"
  config  = { path = "../net/terraform.tfstate" }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = [data.terraform_remote_state.net.outputs.vpn_cidr]
}
"""
        },
    )
    rule = by_address(load(tmp_path))["aws_security_group_rule.ssh"]
    cidrs = rule.values["cidr_blocks"]
    assert isinstance(cidrs, list) and isinstance(cidrs[0], Unknown)
    assert cidrs[0].reason == (
        "data.terraform_remote_state.net.outputs comes from the state of another configuration"
    )
