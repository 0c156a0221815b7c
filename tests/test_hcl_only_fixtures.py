"""HCL-only fixtures (fixtures/hcl_*/): what only the static evaluator decides, beyond their
golden findings (checked in tests/test_hcl_fixtures.py) — every variable layer, module addresses,
and how values from outside the configuration are reported."""

from __future__ import annotations

from golden import FIXTURES, scanned

from tfvpc.load.hcl import load_directory
from tfvpc.pipeline import ScanSettings


def test_a_var_file_given_on_the_command_line_beats_every_automatic_layer() -> None:
    case = FIXTURES / "hcl_tfvars_precedence"
    settings = ScanSettings(environ={}, var_files=(case / "prod.tfvars",))
    bastion = [
        r for r in scanned(case, {"TFV101"}, settings) if r["resource"].endswith('["bastion"]')
    ]
    assert [r["sources"] for r in bastion] == [["0.0.0.0/0"]]


def test_tf_var_environment_sits_below_the_tfvars_files() -> None:
    case = FIXTURES / "hcl_tfvars_precedence"
    loaded = load_directory(
        case, environ={"TF_VAR_rdp_cidr": "8.8.8.0/24", "TF_VAR_ssh_cidr": "8.8.4.0/24"}
    )
    opened = {
        r.address: r.values["ingress"] for r in loaded.resources if r.type == "aws_security_group"
    }
    # rdp_cidr is set nowhere else, so the environment beats its default; ssh_cidr is set
    # in the tfvars files, which beat the environment.
    assert opened['aws_security_group.service["jump"]'] == [_rule(3389, "8.8.8.0/24")]
    assert opened['aws_security_group.service["bastion"]'] == [_rule(22, "91.198.174.10/32")]


def _rule(port: int, cidr: str) -> dict[str, object]:
    return {"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": [cidr]}


def test_module_instances_are_addressed_by_count_index_and_for_each_key() -> None:
    loaded = load_directory(FIXTURES / "hcl_module_count", environ={})
    instances = sorted(r.address for r in loaded.resources if r.type == "aws_instance")
    assert instances == [
        "module.app[0].aws_instance.web",
        "module.app[1].aws_instance.web",
        'module.support["admin"].aws_instance.web',
        'module.support["db"].aws_instance.web',
    ]


def test_unknown_count_gives_one_uncertain_instance_never_none() -> None:
    loaded = load_directory(FIXTURES / "hcl_unknown_data", environ={})
    debug = [r for r in loaded.resources if r.address.startswith("aws_instance.debug")]
    assert [r.address for r in debug] == ["aws_instance.debug[0]"]
    assert debug[0].uncertain and "count of aws_instance.debug is unknown" in debug[0].uncertain[0]
    assert "state of another configuration" in debug[0].uncertain[0]
