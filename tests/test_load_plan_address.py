"""Addresses, references and their prefixes, as the plan front end reads them."""

from __future__ import annotations

import pytest

from tfvpc.load.plan_address import (
    InstanceAddress,
    format_steps,
    parse_instance_address,
    parse_traversal,
)
from tfvpc.load.plan_lines import address_lines
from tfvpc.load.plan_refs import significant


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("aws_vpc.main.id", ["aws_vpc", "main", "id"]),
        ('module.a["x.y"].out', ["module", "a", ("x.y",), "out"]),
        ("aws_subnet.public[0]", ["aws_subnet", "public", (0,)]),
        ('each.value["k"][2].id', ["each", "value", ("k",), (2,), "id"]),
        ("my-mod_1.x", ["my-mod_1", "x"]),
    ],
)
def test_traversals_parse_and_print_back(text: str, steps: list[object]) -> None:
    assert parse_traversal(text) == steps
    assert format_steps(steps) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["", "aws_vpc.", ".x", "a..b", "a[", "a[x]", 'a["x"', "a[0]b", "a b", "1abc"]
)
def test_non_traversals_are_rejected(text: str) -> None:
    assert parse_traversal(text) is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("aws_vpc.main", InstanceAddress((), "", "managed", "aws_vpc", "main", None)),
        ("data.aws_vpc.x", InstanceAddress((), "", "data", "aws_vpc", "x", None)),
        (
            'module.a["x"].module.b.aws_vpc.this',
            InstanceAddress(
                (("a", "x"), ("b", None)),
                'module.a["x"].module.b',
                "managed",
                "aws_vpc",
                "this",
                None,
            ),
        ),
        (
            "module.net.aws_subnet.public[0]",
            InstanceAddress((("net", None),), "module.net", "managed", "aws_subnet", "public", 0),
        ),
        (
            'module.m[1].data.aws_ami.u["k"]',
            InstanceAddress((("m", 1),), "module.m[1]", "data", "aws_ami", "u", "k"),
        ),
    ],
)
def test_instance_addresses_split_into_parts(text: str, parsed: InstanceAddress) -> None:
    found = parse_instance_address(text)
    assert found == parsed
    assert found is not None and found.module_text == parsed.module_text


@pytest.mark.parametrize(
    "text", ["aws_vpc", "aws_vpc.main.id", "module.net", "aws_vpc.main[0][1]", "module[0].x.y"]
)
def test_non_instance_addresses_are_rejected(text: str) -> None:
    assert parse_instance_address(text) is None


def test_resource_part_is_module_relative() -> None:
    parsed = parse_instance_address('module.a["café"].data.aws_subnet.s[3]')
    assert parsed is not None
    assert (parsed.resource, parsed.module_text) == ("data.aws_subnet.s", 'module.a["café"]')


def test_significant_drops_listed_prefixes_only() -> None:
    refs = (
        "aws_vpc.main.id",
        "aws_vpc.main",
        "aws_subnet.a[0].id",
        "aws_subnet.a[0]",
        "aws_subnet.a",
        "aws_subnet.ab",
        "var.x",
    )
    assert significant(refs) == ("aws_vpc.main.id", "aws_subnet.a[0].id", "aws_subnet.ab", "var.x")


def test_address_lines_per_section_and_minified() -> None:
    text = (
        '{"configuration": {"root_module": {"resources": [{"address": "aws_vpc.a"}]}},\n'
        '"resource_changes": [\n'
        '  {"address": "aws_vpc.a", "change": {"after": {"address": "x"}}},\n'
        '  {"address" : "module.m[\\"k\\"].aws_vpc.b"}\n'
        "],\n"
        '"planned_values": {"root_module": {"resources": [{"address": "aws_vpc.a"}]}}}'
    )
    lines = address_lines(text)
    assert lines["resource_changes"] == {"aws_vpc.a": 3, "x": 3, 'module.m["k"].aws_vpc.b': 4}
    assert lines["configuration"] == {"aws_vpc.a": 1}
    assert lines["planned_values"] == {"aws_vpc.a": 6}
    assert address_lines("[1, 2]") == {}
    assert address_lines('{"resource_changes": [{"address": "a.b"}') == {}
