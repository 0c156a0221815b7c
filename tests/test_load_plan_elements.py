"""A static index into a module output or variable picks that element (R-LINK-1 step 3).

Configuration records ``aws_subnet.public[*].id`` as the bare reference ``aws_subnet.public``, and
``module.vpc.public_subnet_ids[0]`` as ``["module.vpc.public_subnet_ids[0]", ..., "module.vpc"]``:
element k of the splat of a counted resource is its instance k, key "k" of a for_each resource
(a map of its instances) is its instance "k".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from load_plan_helpers import by_address, call, change, load, module, plan, refs
from load_plan_helpers import resource_config as res

from tfvpc.load.resources import Ref, Unknown, Value


def _vpc_module(output: dict[str, Any]) -> dict[str, Any]:
    """Return a child module body with counted or for_each subnets and output `ids`."""
    return module([res("aws_subnet.public")], outputs={"ids": output})


def _subnets(prefix: str, keys: list[str]) -> list[dict[str, Any]]:
    """Return changes creating `prefix`aws_subnet.public<key> for each key text."""
    return [change(f"{prefix}aws_subnet.public{key}", {}, {"id": True}) for key in keys]


def _subnet_id(tmp_path: Path, changes: list[Any], root: dict[str, Any], address: str) -> Value:
    """Return the loaded subnet_id of instance `address`."""
    return by_address(load(tmp_path, plan(changes, root=root)))[address].values["subnet_id"]


def _nat_referring(reference: str, body: dict[str, Any]) -> dict[str, Any]:
    """Return a root module whose NAT gateway's subnet_id is `reference` into module "vpc"."""
    prefix = reference.split("[")[0]
    return module(
        [res("aws_nat_gateway.main", subnet_id=refs(reference, prefix, "module.vpc"))],
        calls={"vpc": call(body)},
    )


def test_static_index_into_a_splat_output_picks_that_instance(tmp_path: Path) -> None:
    # The modules fixture: output ids = aws_subnet.public[*].id; subnet_id = module.vpc.ids[1].
    changes = [
        *_subnets("module.vpc.", ["[0]", "[1]"]),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = _nat_referring("module.vpc.ids[1]", _vpc_module(refs("aws_subnet.public")))
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert value == Ref("module.vpc.aws_subnet.public[1]", "id")


def test_string_key_into_a_for_each_output_picks_that_instance(tmp_path: Path) -> None:
    # output ids = { for k, s in aws_subnet.public : k => s.id }; subnet_id = module.vpc.ids["b"]
    changes = [
        *_subnets("module.vpc.", ['["a"]', '["b"]']),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = _nat_referring('module.vpc.ids["b"]', _vpc_module(refs("aws_subnet.public")))
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert value == Ref('module.vpc.aws_subnet.public["b"]', "id")


def test_number_into_a_for_each_output_keeps_every_instance(tmp_path: Path) -> None:
    # values(aws_subnet.public)[*].id orders by key, but the plan does not say values() was
    # used: index 0 of a map of instances is not followed, both stay candidates.
    changes = [
        *_subnets("module.vpc.", ['["a"]', '["b"]']),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = _nat_referring("module.vpc.ids[0]", _vpc_module(refs("aws_subnet.public")))
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert isinstance(value, Unknown)
    assert value.candidates == (
        Ref('module.vpc.aws_subnet.public["a"]', "id"),
        Ref('module.vpc.aws_subnet.public["b"]', "id"),
    )


def test_index_past_the_instances_keeps_every_instance(tmp_path: Path) -> None:
    changes = [
        *_subnets("module.vpc.", ["[0]", "[1]"]),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = _nat_referring("module.vpc.ids[2]", _vpc_module(refs("aws_subnet.public")))
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert isinstance(value, Unknown)
    assert len(value.candidates) == 2


def test_output_of_several_references_is_not_indexed(tmp_path: Path) -> None:
    # output ids = concat(aws_subnet.public[*].id, aws_subnet.extra[*].id): element 0 is the
    # first public subnet only if there is one; the plan cannot say, so every subnet stays.
    body = module(
        [res("aws_subnet.public"), res("aws_subnet.extra")],
        outputs={"ids": refs("aws_subnet.public", "aws_subnet.extra")},
    )
    changes = [
        *_subnets("module.vpc.", ["[0]", "[1]"]),
        change("module.vpc.aws_subnet.extra[0]", {}, {"id": True}),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    value = _subnet_id(
        tmp_path, changes, _nat_referring("module.vpc.ids[0]", body), "aws_nat_gateway.main"
    )
    assert isinstance(value, Unknown)
    assert len(value.candidates) == 3


def test_output_naming_one_instance_is_not_indexed_again(tmp_path: Path) -> None:
    # output first = aws_subnet.public[0].id is one id: [1] into it cannot pick instance 1.
    body = module(
        [res("aws_subnet.public")],
        outputs={
            "ids": refs("aws_subnet.public[0].id", "aws_subnet.public[0]", "aws_subnet.public")
        },
    )
    changes = [
        *_subnets("module.vpc.", ["[0]", "[1]"]),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    value = _subnet_id(
        tmp_path, changes, _nat_referring("module.vpc.ids[1]", body), "aws_nat_gateway.main"
    )
    assert value == Ref("module.vpc.aws_subnet.public[0]", "id")


def test_index_follows_an_output_through_a_variable_of_a_repeated_module(tmp_path: Path) -> None:
    # The modules fixture end to end: module "web" (for_each) gets
    # subnet_id = module.vpc.public_subnet_ids[0] and uses var.subnet_id.
    web = module([res("aws_instance.this", subnet_id=refs("var.subnet_id"))])
    vpc = _vpc_module(refs("aws_subnet.public"))
    changes = [
        *_subnets("module.vpc.", ["[0]", "[1]"]),
        change('module.web["blue"].aws_instance.this', {}, {"subnet_id": True}),
        change('module.web["green"].aws_instance.this', {}, {"subnet_id": True}),
    ]
    root = module(
        calls={
            "vpc": call(vpc),
            "web": call(
                web,
                "for_each",
                subnet_id=refs("module.vpc.ids[0]", "module.vpc.ids", "module.vpc"),
            ),
        }
    )
    resources = by_address(load(tmp_path, plan(changes, root=root)))
    for colour in ("blue", "green"):
        value = resources[f'module.web["{colour}"].aws_instance.this'].values["subnet_id"]
        assert value == Ref("module.vpc.aws_subnet.public[0]", "id")


def test_index_into_a_variable_picks_the_callers_instance(tmp_path: Path) -> None:
    # module "app" { subnet_ids = aws_subnet.public[*].id }; inside: subnet_id = var.subnet_ids[1]
    app = module(
        [
            res(
                "aws_instance.web",
                subnet_id=refs("var.subnet_ids[1]", "var.subnet_ids"),
            )
        ]
    )
    changes = [
        *_subnets("", ["[0]", "[1]"]),
        change("module.app.aws_instance.web", {}, {"subnet_id": True}),
    ]
    root = module(calls={"app": call(app, subnet_ids=refs("aws_subnet.public"))})
    value = _subnet_id(tmp_path, changes, root, "module.app.aws_instance.web")
    assert value == Ref("aws_subnet.public[1]", "id")


def test_index_passes_through_an_output_that_forwards_another_module(tmp_path: Path) -> None:
    # module "net" { output ids = module.inner.ids }, module "inner" { output ids = splat }
    inner = _vpc_module(refs("aws_subnet.public"))
    net = module(calls={"inner": call(inner)}, outputs={"ids": refs("module.inner.ids")})
    changes = [
        *_subnets("module.net.module.inner.", ["[0]", "[1]"]),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = module(
        [res("aws_nat_gateway.main", subnet_id=refs("module.net.ids[1]", "module.net"))],
        calls={"net": call(net)},
    )
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert value == Ref("module.net.module.inner.aws_subnet.public[1]", "id")


def test_static_module_key_and_element_index_together(tmp_path: Path) -> None:
    # module "vpc" { count = 2 }; subnet_id = module.vpc[1].ids[0]
    vpc = _vpc_module(refs("aws_subnet.public"))
    changes = [
        *_subnets("module.vpc[0].", ["[0]", "[1]"]),
        *_subnets("module.vpc[1].", ["[0]", "[1]"]),
        change("aws_nat_gateway.main", {}, {"subnet_id": True}),
    ]
    root = module(
        [
            res(
                "aws_nat_gateway.main",
                subnet_id=refs("module.vpc[1].ids[0]", "module.vpc[1].ids", "module.vpc[1]"),
            )
        ],
        calls={"vpc": call(vpc, "count")},
    )
    value = _subnet_id(tmp_path, changes, root, "aws_nat_gateway.main")
    assert value == Ref("module.vpc[1].aws_subnet.public[0]", "id")


def test_indexed_reference_cycle_in_hostile_configuration_ends_unresolved(tmp_path: Path) -> None:
    # module m's output o = var.x and the caller sets x = module.m.o: Terraform refuses the
    # cycle; following module.m.o[0] through it must stop and call the value unknown.
    inner = module(
        [res("aws_instance.web", subnet_id=refs("var.x[0]", "var.x"))], outputs={"o": refs("var.x")}
    )
    doc = plan(
        [change("module.m.aws_instance.web", {}, {"subnet_id": True})],
        root=module(calls={"m": call(inner, x=refs("module.m.o", "module.m"))}),
    )
    value = load(tmp_path, doc).resources[0].values["subnet_id"]
    assert isinstance(value, Unknown)
    assert value.candidates == ()
    assert "cannot be followed in a plan" in value.reason
