"""Whatever the bytes, the plan loader returns instances or raises InputError, nothing else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfvpc.errors import InputError
from tfvpc.load.plan import load_plan_file
from tfvpc.load.resources import LoadedInput, Ref, Unknown

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ADDRESSES = st.sampled_from(
    [
        "aws_vpc.main",
        "aws_subnet.a[0]",
        "aws_subnet.a[1]",
        'module.m["k"].aws_instance.web',
        "module.m.aws_instance.web",
        "data.aws_vpc.x",
        "module.m[0].data.aws_ami.u",
        "not an address",
        "module.m",
        "",
    ]
)
_REFERENCES = st.sampled_from(
    [
        "aws_vpc.main",
        "aws_vpc.main.id",
        "aws_subnet.a",
        "aws_subnet.a[0].id",
        "var.x",
        "local.y",
        "each.value",
        "each.key",
        "count.index",
        "module.m.out",
        "module.m",
        "data.aws_vpc.x.id",
        "self.x",
        "[bad",
    ]
)
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_MARKERS = st.recursive(
    st.booleans(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "vpc_id", "subnet_ids", "ingress"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
_EXPRESSION = st.one_of(
    st.builds(lambda refs: {"references": refs}, st.lists(_REFERENCES, max_size=4)),
    st.builds(lambda value: {"constant_value": value}, _JSON),
    _JSON,
)
_ATTRS = st.sampled_from(
    ["id", "vpc_id", "subnet_ids", "ingress", "subnet_id", "tags", "cidr_block"]
)
_MODULE: st.SearchStrategy[dict[str, Any]] = st.deferred(
    lambda: st.fixed_dictionaries(
        {},
        optional={
            "resources": st.lists(
                st.fixed_dictionaries(
                    {
                        "address": st.sampled_from(
                            ["aws_vpc.main", "aws_subnet.a", "aws_instance.web"]
                        )
                    },
                    optional={
                        "expressions": st.dictionaries(_ATTRS, _EXPRESSION, max_size=3) | _JSON,
                        "for_each_expression": _EXPRESSION,
                        "count_expression": _EXPRESSION,
                    },
                ),
                max_size=3,
            )
            | _JSON,
            "outputs": st.dictionaries(
                st.sampled_from(["out", "x"]),
                st.fixed_dictionaries({"expression": _EXPRESSION}),
                max_size=2,
            )
            | _JSON,
            "module_calls": st.dictionaries(
                st.sampled_from(["m", "n"]),
                st.fixed_dictionaries(
                    {"module": _MODULE},
                    optional={
                        "expressions": st.dictionaries(
                            st.sampled_from(["x", "y"]), _EXPRESSION, max_size=2
                        ),
                        "for_each_expression": _EXPRESSION,
                    },
                ),
                max_size=2,
            )
            | _JSON,
        },
    )
)
_AFTER = st.dictionaries(_ATTRS, _JSON | st.lists(st.none() | st.text(max_size=4), max_size=3))
_CHANGE = st.fixed_dictionaries(
    {
        "address": _ADDRESSES,
        "change": st.fixed_dictionaries(
            {
                "actions": st.sampled_from([["create"], ["no-op"], ["read"], ["delete"], "x"]),
                "after": _AFTER | _JSON,
                "after_unknown": st.dictionaries(_ATTRS, _MARKERS, max_size=4) | _MARKERS,
            }
        )
        | _JSON,
    },
    optional={
        "mode": st.sampled_from(["managed", "data", "ephemeral", 3]),
        "deposed": st.sampled_from(["", "0001"]),
    },
)
_PLAN = st.fixed_dictionaries(
    {"format_version": st.sampled_from(["0.1", "1.2"])},
    optional={
        "resource_changes": st.lists(_CHANGE, max_size=6) | st.lists(_CHANGE | _JSON) | _JSON,
        "planned_values": st.fixed_dictionaries(
            {
                "root_module": st.fixed_dictionaries(
                    {}, optional={"resources": _JSON, "child_modules": _JSON}
                )
            }
        )
        | _JSON,
        "configuration": st.fixed_dictionaries(
            {"root_module": _MODULE}, optional={"provider_config": _JSON}
        )
        | _JSON,
        "prior_state": _JSON,
        "complete": _JSON,
    },
)


_LINKED_ADDRESSES = (
    "aws_vpc.main",
    "aws_subnet.a[0]",
    "aws_subnet.a[1]",
    "aws_instance.web",
    "module.m.aws_instance.web",
    'module.n["k"].aws_subnet.a',
)
_LINK_MARKERS = st.dictionaries(
    st.sampled_from(["id", "vpc_id", "subnet_id", "subnet_ids", "ingress"]),
    st.just(True) | _MARKERS,
    max_size=4,
)
_LINK_EXPRESSIONS = st.dictionaries(
    st.sampled_from(["vpc_id", "subnet_id", "subnet_ids", "ingress"]),
    st.builds(lambda refs: {"references": refs}, st.lists(_REFERENCES, min_size=1, max_size=3)),
    max_size=4,
)


def _linked_plan(
    markers: list[dict[str, Any]], expressions: list[dict[str, Any]], repeated: bool
) -> dict[str, Any]:
    """Return a plan whose instances all have configuration, so references get followed."""
    changes = [
        {"address": a, "change": {"actions": ["create"], "after": {}, "after_unknown": m}}
        for a, m in zip(_LINKED_ADDRESSES, markers, strict=False)
    ]
    resources = [
        {"address": a, "expressions": e}
        for a, e in zip(
            ["aws_vpc.main", "aws_subnet.a", "aws_instance.web"], expressions, strict=False
        )
    ]
    child = {"resources": resources, "outputs": {"out": {"expression": {"references": ["var.x"]}}}}
    call = {"expressions": {"x": {"references": ["aws_vpc.main", "module.m.out"]}}, "module": child}
    if repeated:
        call["for_each_expression"] = {"references": ["aws_subnet.a"]}
    root = {"resources": resources, "module_calls": {"m": call, "n": call}}
    return {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {"root_module": root},
    }


_LINKED_PLAN = st.builds(
    _linked_plan,
    st.lists(_LINK_MARKERS, min_size=6, max_size=6),
    st.lists(_LINK_EXPRESSIONS, min_size=3, max_size=3),
    st.booleans(),
)


def _check(content: bytes) -> None:
    """Load `content`; assert the result is well-formed or the error an InputError."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "input.json"
        path.write_bytes(content)
        try:
            loaded = load_plan_file(path)
        except InputError as error:
            assert error.problem
            return
    assert isinstance(loaded, LoadedInput)
    for resource in loaded.resources:
        _assert_values(resource.values)


def _assert_values(value: Any) -> None:
    """Assert `value` holds only the types of `tfvpc.load.resources.Value`."""
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for child in value.values():
            _assert_values(child)
    elif isinstance(value, list):
        for child in value:
            _assert_values(child)
    elif isinstance(value, Unknown):
        assert value.reason and all(isinstance(c, Ref) for c in value.candidates)
    else:
        assert value is None or isinstance(value, (bool, int, float, str, Ref))


@_SETTINGS
@given(_PLAN)
def test_random_plans_never_crash(doc: dict[str, Any]) -> None:
    _check(json.dumps(doc).encode())


@_SETTINGS
@given(_LINKED_PLAN)
def test_random_references_never_crash(doc: dict[str, Any]) -> None:
    _check(json.dumps(doc).encode())


@_SETTINGS
@given(_JSON)
def test_random_json_never_crashes(doc: Any) -> None:
    _check(json.dumps(doc).encode())


@_SETTINGS
@given(st.binary(max_size=64))
def test_random_bytes_never_crash(content: bytes) -> None:
    _check(content)
