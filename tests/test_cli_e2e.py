"""End to end: real front ends, builder and analysers on small hand-written inputs.

tests/data/plans/public_ssh.json (and its state and HCL twins) describe one VPC 10.0.0.0/16 with
an internet gateway, a subnet 10.0.1.0/24 whose route table sends 0.0.0.0/0 to it, the VPC's
default NACL (unmanaged: allows everything both ways, R-NACL-8), a security group allowing tcp 22
from 0.0.0.0/0, and an instance in the subnet with that group and a public IPv4 address
(associate_public_ip_address = true, R-IP-1). Following semantics.md §1.6 step by step, the
instance accepts tcp 22 from the internet: one definite TFV101 finding, critical (port 22).
private_ssh.json is the same with associate_public_ip_address = false: no public address, no
IPv6, so nothing is exposed.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from tfvpc.cli import main

DATA = Path(__file__).parent / "data"
PLANS = DATA / "plans"
HCL = DATA / "cli" / "public_ssh"
SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = Path(__file__).parent.parent / "tfvpc" / "data" / "tfvpc-report.schema.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def exposures(*args: str) -> tuple[int, list[dict[str, Any]]]:
    """Return the exit code and the TFV101 findings of `tfvpc scan --format json ARGS`."""
    result = run("scan", "--format", "json", "--select", "TFV1", *args)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(REPORT_SCHEMA.read_text()))
    return result.exit_code, document["findings"]


def assert_bastion_exposed(finding: dict[str, Any]) -> None:
    """The one exposure of the public_ssh inputs, as reasoned in the module docstring."""
    assert finding["rule_id"] == "TFV101"
    assert finding["resource"] == "aws_instance.bastion"
    assert finding["severity"] == "critical"
    assert finding["certainty"] == "definite"
    assert (finding["protocol"], finding["ports"]) == ("tcp", [[22, 22]])
    assert finding["path"][0] == {"hop": "internet"}
    assert finding["path"][-1]["hop"] == "aws_instance.bastion"
    assert {"aws_security_group.ssh", "aws_internet_gateway.igw"} <= set(finding["related"])
    sources = [ipaddress.ip_network(source) for source in finding["sources"]]
    # IPv4 only (no IPv6 anywhere), and any public client, 8.8.8.8 for one, gets through.
    assert {source.version for source in sources} == {4}
    assert any(ipaddress.ip_address("8.8.8.8") in source for source in sources)


@pytest.mark.parametrize("name", ["public_ssh.json", "public_ssh_state.json"])
def test_a_public_instance_with_ssh_open_is_exposed(name: str) -> None:
    code, findings = exposures(str(PLANS / name))
    assert code == 1
    assert len(findings) == 1
    assert_bastion_exposed(findings[0])


def test_without_a_public_address_nothing_is_exposed() -> None:
    assert exposures(str(PLANS / "private_ssh.json")) == (0, [])


def test_the_text_report_shows_the_path_as_a_chain() -> None:
    result = run("scan", "--select", "TFV1", str(PLANS / "public_ssh.json"))
    assert result.exit_code == 1
    assert "aws_instance.bastion" in result.stdout
    assert "CRITICAL  TFV101 internet-exposure: tcp 22 from " in result.stdout
    assert "path: internet → aws_internet_gateway.igw → " in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("1 finding: 1 critical")


def test_sarif_of_a_real_scan_is_valid() -> None:
    result = run("scan", "--format", "sarif", str(PLANS / "public_ssh.json"))
    log = json.loads(result.stdout)
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TFV101"]
    assert len(results) == 1
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_fail_on_and_baseline_on_a_real_scan(tmp_path: Path) -> None:
    plan = str(PLANS / "public_ssh.json")
    assert run("scan", "--select", "TFV1", "--fail-on", "never", plan).exit_code == 0
    baseline = tmp_path / "baseline.json"
    run("scan", "--format", "json", "-o", str(baseline), plan)
    assert exposures("--baseline", str(baseline), plan) == (0, [])


def test_two_inputs_are_analysed_each_on_its_own() -> None:
    code, findings = exposures(str(PLANS / "public_ssh.json"), str(PLANS / "private_ssh.json"))
    assert code == 1
    assert [f["resource"] for f in findings] == ["aws_instance.bastion"]


def test_an_unreadable_input_among_readable_ones_is_tfv001(tmp_path: Path) -> None:
    binary = tmp_path / "plan.out"
    binary.write_bytes(b"PK\x03\x04" + bytes(60))
    result = run("scan", "--format", "json", str(binary), str(PLANS / "public_ssh.json"))
    findings = json.loads(result.stdout)["findings"]
    broken = [f for f in findings if f["rule_id"] == "TFV001"]
    assert [f["resource"] for f in broken] == [str(binary)]
    assert "terraform show -json" in broken[0]["message"]


def test_a_binary_plan_alone_exits_2_saying_what_to_run(tmp_path: Path) -> None:
    binary = tmp_path / "plan.out"
    binary.write_bytes(b"PK\x03\x04" + bytes(60))
    result = run("scan", str(binary))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tfvpc: {binary}: ")
    assert "terraform show -json" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_graph_highlights_the_exposed_instance(tmp_path: Path) -> None:
    target = tmp_path / "topology.svg"
    result = run("graph", str(PLANS / "public_ssh.json"), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "EXPOSED tcp 22 from" in target.read_text()


def test_hcl_directory_with_variables() -> None:
    # Default public_ip = false: no public address, nothing exposed.
    assert exposures(str(HCL)) == (0, [])
    for args in (("--var", "public_ip=true"), ("--var-file", str(HCL.parent / "public.tfvars"))):
        code, findings = exposures(*args, str(HCL))
        assert code == 1
        assert len(findings) == 1
        assert_bastion_exposed(findings[0])
        assert findings[0]["location"]["file"].endswith("main.tf")
        assert findings[0]["location"]["line"] == 55


def test_a_directory_without_terraform_files_exits_2() -> None:
    empty = DATA / "cli" / "empty_dir"
    result = run("scan", str(empty))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tfvpc: {empty}: ")
    assert len(result.stderr.splitlines()) == 1


def test_verbose_names_skipped_types_and_the_unmodelled_ones_that_shape_paths(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text(
        (HCL / "main.tf").read_text()
        + '\nresource "aws_networkfirewall_firewall" "edge" {\n  name = "edge"\n}\n'
        + '\nresource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
    )
    result = run("scan", str(tmp_path), "-v", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "aws_networkfirewall_firewall x1" in result.stderr
    assert "aws_s3_bucket x1" in result.stderr
    # Only the firewall shapes network paths; a bucket is merely skipped.
    shaping = [line for line in result.stderr.splitlines() if "shapes network paths" in line]
    assert len(shaping) == 1
    assert "aws_networkfirewall_firewall" in shaping[0]
