"""Modules (R-EVAL-8): local sources, count/for_each on calls, outputs, nesting,
``.terraform/modules/modules.json``, unresolved sources (TFV002) and cycles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hcl_helpers import DATA, by_address, write

from tfvpc.errors import InputError
from tfvpc.load.hcl import load_directory
from tfvpc.load.resources import LoadedInput, Ref, SourceLocation, Unknown


@pytest.fixture(scope="module")
def local_modules() -> LoadedInput:
    """The modules_local tree, loaded once."""
    return load_directory(DATA / "modules_local", display_path="m", environ={})


def test_for_each_module_instances_and_their_resources(local_modules: LoadedInput) -> None:
    addresses = set(by_address(local_modules))
    assert {
        'module.network["dev"].aws_vpc.this',
        'module.network["dev"].aws_subnet.public[0]',
        'module.network["prod"].aws_subnet.public[0]',
        'module.network["prod"].aws_subnet.public[1]',
        'module.network["prod"].aws_security_group.this',
    } <= addresses
    assert 'module.network["dev"].aws_subnet.public[1]' not in addresses  # optional() default 1


def test_module_inputs_with_optional_defaults(local_modules: LoadedInput) -> None:
    r = by_address(local_modules)
    dev = r['module.network["dev"].aws_subnet.public[0]']
    assert dev.values == {
        "vpc_id": Ref('module.network["dev"].aws_vpc.this'),
        "cidr_block": "10.2.0.0/24",
        "map_public_ip_on_launch": False,
    }
    assert dev.module == 'module.network["dev"]' and dev.index == 0
    assert dev.location == SourceLocation("m/modules/network/main.tf", 24)
    assert r['module.network["prod"].aws_subnet.public[1]'].values["cidr_block"] == "10.1.1.0/24"


def test_outputs_carry_references_to_module_resources(local_modules: LoadedInput) -> None:
    bastion = by_address(local_modules)["aws_instance.bastion"]
    assert bastion.values == {
        "subnet_id": Ref('module.network["prod"].aws_subnet.public[0]'),
        "vpc_security_group_ids": [Ref('module.network["prod"].aws_security_group.this')],
        "associate_public_ip_address": True,
    }


def test_count_on_a_module_call(local_modules: LoadedInput) -> None:
    r = by_address(local_modules)
    rules = [
        r[f"module.bastion_rules[{i}].aws_vpc_security_group_ingress_rule.this"] for i in (0, 1)
    ]
    assert [rule.values["from_port"] for rule in rules] == [22, 23]
    assert all(
        rule.values["security_group_id"] == Ref('module.network["prod"].aws_security_group.this')
        for rule in rules
    )


def test_nested_modules_with_parent_relative_sources(local_modules: LoadedInput) -> None:
    flow_log = by_address(local_modules)[
        'module.network["prod"].module.flow_logs.aws_flow_log.this'
    ]
    assert flow_log.values["vpc_id"] == Ref('module.network["prod"].aws_vpc.this')
    assert flow_log.module == 'module.network["prod"].module.flow_logs'
    assert flow_log.location == SourceLocation("m/modules/flow_logs/main.tf", 5)
    assert local_modules.problems == []


def test_registry_modules_resolve_through_modules_json() -> None:
    loaded = load_directory(DATA / "modules_registry", display_path="reg", environ={})
    r = by_address(loaded)
    assert r["module.vpc.aws_subnet.public[1]"].values["cidr_block"] == "10.30.2.0/24"
    assert r["aws_security_group.app"].values["vpc_id"] == Ref("module.vpc.aws_vpc.this")
    endpoint = r["module.vpc.module.endpoints.aws_vpc_endpoint.s3"]
    assert endpoint.values["vpc_id"] == Ref("module.vpc.aws_vpc.this")
    assert endpoint.location == SourceLocation(
        "reg/.terraform/modules/vpc/modules/endpoints/main.tf", 5
    )


def test_module_missing_from_modules_json_is_tfv002() -> None:
    loaded = load_directory(DATA / "modules_registry", display_path="reg", environ={})
    (problem,) = loaded.problems
    assert problem.rule_id == "TFV002"
    assert problem.subject == "module.unlisted"
    assert problem.location == SourceLocation("reg/main.tf", 9)
    vpc_id = by_address(loaded)["aws_security_group.other"].values["vpc_id"]
    assert isinstance(vpc_id, Unknown) and vpc_id.reason == problem.message
    assert "git source" in problem.message


def test_registry_module_without_terraform_init_is_tfv002(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}
resource "aws_subnet" "extra" {
  vpc_id     = module.vpc.vpc_id
  cidr_block = "10.0.99.0/24"
}
"""
        },
    )
    loaded = load_directory(tmp_path, display_path="cfg", environ={})
    (problem,) = loaded.problems
    assert (problem.rule_id, problem.subject) == ("TFV002", "module.vpc")
    expected = "module vpc is not resolved (registry source, no .terraform/modules)"
    assert problem.message == expected
    assert loaded.resources[0].values["vpc_id"] == Unknown(expected)


def test_unknown_module_count_marks_its_resources_uncertain(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "n" {
  type = number
}
module "m" {
  source = "./m"
  count  = var.n
}
resource "aws_eip" "x" {
  count    = length(module.m)
  domain   = "vpc"
}
""",
            "m/main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    r = by_address(load_directory(tmp_path, display_path="cfg", environ={}))
    assert r["module.m[0].aws_vpc.v"].uncertain == (
        "count of module.m is unknown (var.n has no value (no default and not set))",
    )
    assert r["aws_eip.x[0]"].uncertain[0].startswith("count of aws_eip.x is unknown")


def test_module_cycle_is_refused() -> None:
    with pytest.raises(InputError, match="module cycle"):
        load_directory(DATA / "module_cycle", display_path="cycle", environ={})


def test_module_calling_its_own_directory_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'module "self" {\n  source = "./"\n}\n'})
    with pytest.raises(InputError, match="module cycle"):
        load_directory(tmp_path, display_path="cfg", environ={})


def test_broken_file_inside_a_module_is_tfv001(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n}\n',
            "m/good.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
            "m/bad.tf": "resource {\n",
        },
    )
    loaded = load_directory(tmp_path, display_path="cfg", environ={})
    assert [r.address for r in loaded.resources] == ["module.m.aws_vpc.v"]
    assert [(p.rule_id, p.subject) for p in loaded.problems] == [("TFV001", "cfg/m/bad.tf")]
