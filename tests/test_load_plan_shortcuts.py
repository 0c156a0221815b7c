"""The plan loader's short cuts give what the general paths give: simple addresses, attributes
known as planned, computed attributes the configuration does not set, links shared by many
instances."""

from __future__ import annotations

from pathlib import Path

import pytest
from load_plan_helpers import by_address, change, const, load, plan, refs, resource_config

from tfvpc.load.plan_address import InstanceAddress, parse_instance_address
from tfvpc.load.resources import Ref, Unknown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_vpc.main", InstanceAddress((), "", "managed", "aws_vpc", "main", None)),
        ("aws_subnet.a-b_c", InstanceAddress((), "", "managed", "aws_subnet", "a-b_c", None)),
        ("aws_subnet.a[2]", InstanceAddress((), "", "managed", "aws_subnet", "a", 2)),
        ("data.aws_vpc.x", InstanceAddress((), "", "data", "aws_vpc", "x", None)),
        (
            "module.net.aws_vpc.x",
            InstanceAddress((("net", None),), "module.net", "managed", "aws_vpc", "x", None),
        ),
        ("data.x", None),
        ("module.x", None),
        ("aws_vpc.1main", None),
        ("aws_vpc.main.id", None),
        ("aws_vpc.main ", None),
    ],
)
def test_instance_addresses(text: str, expected: InstanceAddress | None) -> None:
    found = parse_instance_address(text)
    assert found == expected
    if found is not None and expected is not None:
        assert found.module_text == expected.module_text


def _sg_config(name: str) -> dict[str, object]:
    return resource_config(
        f"aws_instance.{name}",
        subnet_id=refs("aws_subnet.a.id", "aws_subnet.a"),
        vpc_security_group_ids=refs("aws_security_group.web.id", "aws_security_group.web"),
        ingress=const([{"from_port": 22}]),
    )


def test_known_unknown_and_unset_attributes(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_subnet.a", {"cidr_block": "10.0.1.0/24"}, {"id": True, "arn": True}),
            change("aws_security_group.web", {"name": "web"}, {"id": True}),
            change(
                "aws_instance.one",
                {"ami": "ami-1", "ingress": [{"from_port": 22, "cidr_blocks": ["10.0.0.0/8"]}]},
                {
                    "id": True,
                    "arn": True,
                    "subnet_id": True,
                    "vpc_security_group_ids": True,
                    "ingress": [{"cidr_blocks": [False]}],
                    "tags": False,
                },
            ),
            change(
                "aws_instance.two",
                {"ami": "ami-1"},
                {"id": True, "subnet_id": True, "vpc_security_group_ids": True},
            ),
        ],
        {
            "resources": [
                resource_config("aws_subnet.a", cidr_block=const("10.0.1.0/24")),
                resource_config("aws_security_group.web", name=const("web")),
                _sg_config("one"),
                _sg_config("two"),
            ]
        },
    )
    found = by_address(load(tmp_path, doc))
    one, two = found["aws_instance.one"].values, found["aws_instance.two"].values
    # Known as planned, marker of false leaves included; computed and unset (R-TF-3): dropped.
    assert one == {
        "ami": "ami-1",
        "ingress": [{"from_port": 22, "cidr_blocks": ["10.0.0.0/8"]}],
        "tags": None,
        "subnet_id": Ref("aws_subnet.a"),
        "vpc_security_group_ids": [Ref("aws_security_group.web")],
    }
    assert two["vpc_security_group_ids"] == one["vpc_security_group_ids"]
    # Instances share the resolution, never the list: the builder may keep either.
    assert two["vpc_security_group_ids"] is not one["vpc_security_group_ids"]
    assert found["aws_subnet.a"].values == {"cidr_block": "10.0.1.0/24"}


def test_unknown_attributes_without_configuration_stay_unknown(tmp_path: Path) -> None:
    doc = plan([change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, {"id": True})])
    (vpc,) = load(tmp_path, doc).resources
    assert vpc.values == {
        "cidr_block": "10.0.0.0/16",
        "id": Unknown("id is unknown until apply"),
    }
