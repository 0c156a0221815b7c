"""Variables: every precedence layer (R-EVAL-3), type conversion, optional() defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hcl_helpers import DATA, load, write

from tfvpc.load.hcl import load_directory
from tfvpc.load.hcl.adapter import parse_expression
from tfvpc.load.hcl.typeconv import convert, parse_type
from tfvpc.load.hcl.values import EvalError, Val
from tfvpc.load.resources import Unknown


def typed(type_text: str, value: Val) -> Val:
    """Convert `value` to the type written as `type_text`."""
    return convert(value, parse_type(parse_expression(type_text)))


def test_primitive_conversions() -> None:
    assert typed("string", 22) == "22"
    assert typed("string", True) == "true"
    assert typed("number", "443") == 443
    assert typed("bool", "false") is False
    with pytest.raises(EvalError):
        typed("number", "http")
    with pytest.raises(EvalError):
        typed("string", [1])


def test_collection_conversions() -> None:
    assert typed("list(number)", ["1", 2]) == [1, 2]
    assert typed("set(string)", ["b", "a", "b"]) == ["a", "b"]
    assert typed("map(string)", {"a": 1}) == {"a": "1"}
    assert typed("tuple([string, number])", [1, "2"]) == ["1", 2]
    assert typed("list(any)", ["a", 1]) == ["a", "1"]


def test_object_optional_defaults_apply_when_absent_or_null() -> None:
    spec = "object({ cidr = string, public = optional(bool, false), tags = optional(map(string)) })"
    assert typed(spec, {"cidr": "10.0.0.0/16", "extra": 1}) == {
        "cidr": "10.0.0.0/16",
        "public": False,
        "tags": None,
    }
    assert typed(spec, {"cidr": "x", "public": None})["public"] is False  # type: ignore[index]
    with pytest.raises(EvalError, match="'cidr' is required"):
        typed(spec, {"public": True})


def test_nested_optional_object_defaults() -> None:
    spec = "object({ nat = optional(object({ enabled = optional(bool, true) }), {}) })"
    assert typed(spec, {}) == {"nat": {"enabled": True}}


def test_unknown_parts_survive_conversion() -> None:
    unknown = Unknown("no value")
    assert typed("list(string)", [unknown, 1]) == [unknown, "1"]
    assert typed("number", unknown) == unknown


def test_legacy_quoted_types() -> None:
    assert typed('"list"', ["a"]) == ["a"]
    assert typed('"string"', 1) == "1"


def layers(
    *,
    var_files: list[Path] | None = None,
    cli: dict[str, str] | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, Val]:
    """Load the tfvars_layers tree and return the variables it encodes."""
    loaded = load_directory(
        DATA / "tfvars_layers",
        var_files=var_files or [],
        variables=cli or {},
        environ=environ or {},
        display_path="tfvars_layers",
    )
    value = loaded.resources[0].values["value"]
    assert isinstance(value, str)
    decoded = json.loads(value)
    assert isinstance(decoded, dict)
    return decoded


def test_every_precedence_layer_wins_over_the_ones_below() -> None:
    values = layers(
        var_files=[DATA / "tfvars_layers" / "extra" / "prod.tfvars"],
        cli={"from_cli": "cli"},
        environ={"TF_VAR_from_env": "env", "TF_VAR_from_tfvars": "env"},
    )
    assert values == {
        "from_default": "default",
        "from_env": "env",
        "from_tfvars": "terraform.tfvars",
        "from_tfvars_json": "terraform.tfvars.json",
        "from_auto_a": "a.auto.tfvars",
        "from_auto_b": "b.auto.tfvars.json",
        "from_var_file": "prod.tfvars",
        "from_cli": "cli",
        "ports": [],
    }


def test_without_cli_layers_the_files_decide() -> None:
    values = layers()
    assert values["from_var_file"] == "b.auto.tfvars.json"
    assert values["from_cli"] == "b.auto.tfvars.json"
    assert values["from_env"] == "default"


def test_cli_values_parse_as_hcl_only_for_complex_types() -> None:
    values = layers(cli={"ports": "[80, 443]", "from_cli": "[1]"})
    assert values["ports"] == [80, 443]
    assert values["from_cli"] == "[1]"  # untyped variables take -var literally, like Terraform


def test_env_values_for_typed_variables() -> None:
    assert layers(environ={"TF_VAR_ports": "[22]"})["ports"] == [22]


SUBNET = """
variable "cidr" {
  type = string
}
variable "public" {
  type     = bool
  default  = true
  nullable = false
}
resource "aws_subnet" "s" {
  vpc_id                  = "vpc-1"
  cidr_block              = var.cidr
  map_public_ip_on_launch = var.public
}
"""


def test_variable_without_value_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": SUBNET})
    values = load(tmp_path).resources[0].values
    assert values["cidr_block"] == Unknown("var.cidr has no value (no default and not set)")


def test_non_nullable_variable_set_to_null_takes_its_default(tmp_path: Path) -> None:
    write(
        tmp_path, {"main.tf": SUBNET, "terraform.tfvars": 'cidr = "10.0.0.0/24"\npublic = null\n'}
    )
    values = load(tmp_path).resources[0].values
    assert values == {
        "vpc_id": "vpc-1",
        "cidr_block": "10.0.0.0/24",
        "map_public_ip_on_launch": True,
    }


def test_broken_tfvars_makes_variables_unknown_not_default(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": SUBNET, "terraform.tfvars": 'cidr = "10.0.0.0/24\n'})
    loaded = load(tmp_path)
    values = loaded.resources[0].values
    assert isinstance(values["map_public_ip_on_launch"], Unknown)
    assert "terraform.tfvars could not be read" in values["map_public_ip_on_launch"].reason
    assert [(p.rule_id, p.subject) for p in loaded.problems] == [("TFV001", "cfg/terraform.tfvars")]


def test_value_that_does_not_fit_the_type_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": SUBNET})
    values = (
        load(tmp_path, variables={"cidr": "10.0.0.0/24", "public": "maybe"}).resources[0].values
    )
    assert isinstance(values["map_public_ip_on_launch"], Unknown)
    assert "does not fit its type" in values["map_public_ip_on_launch"].reason


def test_undeclared_cli_variable_is_noted(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": SUBNET})
    loaded = load(tmp_path, variables={"cidr": "10.0.0.0/24", "nope": "1"})
    assert any("nope" in note for note in loaded.notes)
