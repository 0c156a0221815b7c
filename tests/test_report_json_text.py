"""The indented JSON writer writes exactly what json.dumps(indent=2, ensure_ascii=False) does."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tfvpc.report.json_text import dumps_indented

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=30,
)


def _standard(value: object) -> str:
    """Return the standard library's text for `value`."""
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(_VALUES)
def test_matches_the_standard_encoder(value: object) -> None:
    assert dumps_indented(value) == _standard(value)


def test_report_shaped_document() -> None:
    document = {
        "tool": {"name": "tfvpc", "version": "0.1"},
        "inputs": [],
        "summary": {"findings": 1, "by_severity": {}},
        "findings": [
            {
                "ports": [[22, 22]],
                "sources": None,
                "path": [{"hop": "aws_vpc.main"}, {"hop": 'é "q"\n', "detail": "\u2028"}],
                "certainty": "definite",
            }
        ],
    }
    expected = (
        '{\n  "tool": {\n    "name": "tfvpc",\n    "version": "0.1"\n  },\n  "inputs": [],\n'
        '  "summary": {\n    "findings": 1,\n    "by_severity": {}\n  },\n  "findings": [\n'
        '    {\n      "ports": [\n        [\n          22,\n          22\n        ]\n      ],\n'
        '      "sources": null,\n      "path": [\n        {\n          "hop": "aws_vpc.main"\n'
        '        },\n        {\n          "hop": "é \\"q\\"\\n",\n'
        '          "detail": "\u2028"\n        }\n      ],\n'
        '      "certainty": "definite"\n    }\n  ]\n}'
    )
    assert dumps_indented(document) == expected == _standard(document)


@pytest.mark.parametrize("value", [{1: object()}, [b"bytes"], {(1, 2): 3}, {1.5, 2.5}])
def test_unserialisable_values_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        _standard(value)
    with pytest.raises(TypeError):
        dumps_indented(value)
