"""The plan text is decoded once: its top-level sections give both the document (exactly what
json.loads gives) and where each instance's entry starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from load_plan_helpers import change, plan

from tfvpc.errors import InputError
from tfvpc.load.plan import load_plan_file
from tfvpc.load.plan_lines import address_lines, top_level_sections

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


@settings(deadline=None)
@given(st.dictionaries(st.text(max_size=6), json_values, max_size=4), st.booleans())
def test_sections_make_the_document_json_loads_makes(
    doc: dict[str, object], indented: bool
) -> None:
    text = json.dumps(doc, indent=2 if indented else None)
    sections = top_level_sections(text)
    assert sections.complete
    assert sections.document() == json.loads(text)
    for section in sections.members:
        assert json.loads(text[section.start : section.end]) == section.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"a": 1, "a": 2}', {"a": 2}, id="the last duplicate wins, as json.loads"),
        pytest.param(" \n{ } \r\n", {}, id="empty object within JSON whitespace"),
        pytest.param('{"a":[1,{"b":null}],"c":"x\\"y"}', {"a": [1, {"b": None}], "c": 'x"y'}),
    ],
)
def test_sections_of_valid_documents(text: str, expected: dict[str, object]) -> None:
    sections = top_level_sections(text)
    assert sections.complete
    assert sections.document() == expected == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"a": 1} x', id="extra data"),
        pytest.param('{"a": 1,}', id="trailing comma"),
        pytest.param('{"a": 1', id="unterminated"),
        pytest.param("{\u00a0}", id="no-break space is no JSON whitespace"),
        pytest.param("{1: 2}", id="a key that is no string"),
        pytest.param("\ufeff{}", id="a byte order mark left in the text"),
    ],
)
def test_sections_leave_other_texts_to_json_loads(text: str) -> None:
    sections = top_level_sections(text)
    assert not sections.complete
    assert sections.document() is None
    with pytest.raises(ValueError):
        json.loads(text)


def test_a_top_level_array_is_no_document() -> None:
    sections = top_level_sections("[1, 2]")
    assert not sections.complete
    assert sections.document() is None


def test_address_lines_of_wanted_sections_only() -> None:
    text = (
        '{"configuration": {"root_module": {"resources": [{"address": "aws_vpc.a"}]}},\n'
        '"resource_changes": [\n'
        '  {"address":"aws_vpc.a"},\n'
        '  {"address" : "module.m[\\"k\\"].aws_vpc.b"},\n'
        '  {"address": "aws_vpc.a"}\n'
        "]}"
    )
    sections = top_level_sections(text)
    lines = address_lines(text, sections, {"resource_changes"})
    assert lines == {"resource_changes": {"aws_vpc.a": 3, 'module.m["k"].aws_vpc.b': 4}}
    assert address_lines(text)["configuration"] == {"aws_vpc.a": 1}


def test_a_plan_is_read_as_before_and_errors_keep_their_words(tmp_path: Path) -> None:
    doc = plan([change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, {"id": True})])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, indent=1))
    (vpc,) = load_plan_file(path).resources
    assert vpc.values["cidr_block"] == "10.0.0.0/16"
    assert vpc.location is not None and vpc.location.line == 6
    path.write_text(json.dumps(doc) + ",")
    with pytest.raises(InputError, match=r"not JSON \(line 1, column \d+: Extra data\)"):
        load_plan_file(path)
