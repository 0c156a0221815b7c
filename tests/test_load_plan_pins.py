"""Instances that repeat a configured reference listing share what it pins them to, whatever
the listing holds, and never each other's reasons (R-LINK-1)."""

from __future__ import annotations

from pathlib import Path

from load_plan_helpers import by_address, change, load, plan, refs, resource_config

from tfvpc.load.resources import Ref, Unknown


def test_instances_repeating_a_listing_share_its_pin_but_not_their_reasons(
    tmp_path: Path,
) -> None:
    subnet = refs("aws_subnet.x.id", "aws_subnet.x")
    # Not strings, or listed twice: no references, or the same ones (a hand-made file).
    odd = {"references": [{"not": "a reference"}, "aws_subnet.x.id", "aws_subnet.x.id"]}
    either = refs("aws_vpc.p.id", "aws_vpc.q.id")
    unknown = {"id": True, "subnet_id": True, "vpc_id": True}
    doc = plan(
        [
            change("aws_subnet.x", {}, {"id": True}),
            change("aws_vpc.p", {}, {"id": True}),
            change("aws_vpc.q", {}, {"id": True}),
            *(change(f"aws_instance.{name}", {}, unknown) for name in ("a", "b", "c")),
        ],
        {
            "resources": [
                resource_config("aws_subnet.x"),
                resource_config("aws_vpc.p"),
                resource_config("aws_vpc.q"),
                resource_config("aws_instance.a", subnet_id=subnet, vpc_id=either),
                resource_config("aws_instance.b", subnet_id=subnet, vpc_id=either),
                resource_config("aws_instance.c", subnet_id=odd, vpc_id=either),
            ]
        },
    )
    found = by_address(load(tmp_path, doc))
    candidates = (Ref("aws_vpc.p"), Ref("aws_vpc.q"))
    for name in ("a", "b", "c"):
        values = found[f"aws_instance.{name}"].values
        assert values["subnet_id"] == Ref("aws_subnet.x")
        vpc_id = values["vpc_id"]
        assert isinstance(vpc_id, Unknown) and vpc_id.candidates == candidates
        assert vpc_id.reason.startswith(f"vpc_id of aws_instance.{name} is unknown until apply")
