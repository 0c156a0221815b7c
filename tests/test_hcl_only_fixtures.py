"""Issue #3 acceptance: HCL-only fixtures (fixtures/hcl_*/) give their hand-reasoned findings.

These fixtures have no plan: they pin down what only the static evaluator decides (variable
precedence, module count/for_each, dynamic blocks, data sources and remote state). Each holds
`main.tf` (and modules, tfvars), a `README.md` with the reasoning, and `expected_hcl.json` in
the format of `expected.json` (`{"checks": [...], "findings": [...]}`: the findings of the
`checks` rules must be exactly `findings`). The golden is not named `expected.json` because
`tests/test_golden.py` runs every `*/expected.json` against a plan or state, which these
fixtures cannot have.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest

from tfvpc.findings import RULES_BY_ID, Finding, Severity
from tfvpc.load.hcl import load_directory
from tfvpc.pipeline import ScanSettings, failed_analysers, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = "expected_hcl.json"
CASES = sorted(path.parent for path in FIXTURES.glob(f"hcl_*/{GOLDEN}"))
KEYS = ("rule_id", "resource", "protocol", "ports", "sources", "certainty", "severity")

TOOL_GAPS: dict[tuple[str, str], str] = {}
"""(fixture, resource) whose hand-reasoned findings the tool does not reach yet (reported to the
lead). They are left out of the fixture's main comparison and checked by a strict xfail, which
fails as soon as the tool gets them right, so the entry must then go."""

Record = dict[str, Any]


def _record(finding: Finding) -> Record:
    return {
        "rule_id": finding.rule_id,
        "resource": finding.resource,
        "protocol": finding.protocol,
        "ports": [list(pair) for pair in finding.ports] if finding.ports is not None else None,
        "sources": list(finding.sources) if finding.sources is not None else None,
        "certainty": finding.certainty,
        "severity": finding.severity.value,
    }


def _cidr_key(cidr: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address), network.prefixlen


def _canonical(record: Record) -> Record:
    out = dict(record)
    if out["ports"] is not None:
        out["ports"] = sorted([list(pair) for pair in out["ports"]])
    if out["sources"] is not None:
        out["sources"] = sorted(out["sources"], key=_cidr_key)
    return out


def _sorted(records: list[Record]) -> list[Record]:
    return sorted((_canonical(r) for r in records), key=lambda r: json.dumps(r, sort_keys=True))


def _expected(case: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((case / GOLDEN).read_text(encoding="utf-8"))
    return document


def _actual(case: Path, checks: set[str], settings: ScanSettings | None = None) -> list[Record]:
    report = scan([case], settings or ScanSettings(environ={}))
    assert failed_analysers(report) == [], "an analyser crashed; its findings are missing"
    return [_record(f) for f in report.findings if f.rule_id in checks]


def _gaps(case: Path) -> set[str]:
    return {resource for (fixture, resource) in TOOL_GAPS if fixture == case.name}


def test_the_four_hcl_only_fixtures_are_there() -> None:
    names = {case.name for case in CASES}
    assert {
        "hcl_tfvars_precedence",
        "hcl_module_count",
        "hcl_dynamic_blocks",
        "hcl_unknown_data",
    } <= names
    for case in CASES:
        assert (case / "main.tf").is_file() and (case / "README.md").is_file()
        assert not (case / "plan.json").exists() and not (case / "expected.json").exists()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_expected_findings_are_well_formed(case: Path) -> None:
    expected = _expected(case)
    assert set(expected) == {"checks", "findings"}
    assert "TFV101" in expected["checks"]
    assert all(rule in RULES_BY_ID for rule in expected["checks"])
    for record in expected["findings"]:
        assert tuple(sorted(record)) == tuple(sorted(KEYS))
        assert record["rule_id"] in expected["checks"]
        assert record["severity"] in {severity.value for severity in Severity}
        assert record["certainty"] in ("definite", "possible")
        networks = [ipaddress.ip_network(cidr, strict=True) for cidr in record["sources"] or []]
        for version in (4, 6):
            same = [n for n in networks if n.version == version]
            assert sorted(same) == sorted(ipaddress.collapse_addresses(same))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_directory_scan_gives_the_hand_reasoned_findings(case: Path) -> None:
    expected = _expected(case)
    gaps = _gaps(case)
    actual = [r for r in _actual(case, set(expected["checks"])) if r["resource"] not in gaps]
    wanted = [r for r in expected["findings"] if r["resource"] not in gaps]
    assert _sorted(actual) == _sorted(wanted)


@pytest.mark.parametrize(
    ("fixture", "resource"),
    [
        pytest.param(fixture, resource, marks=pytest.mark.xfail(reason=reason, strict=True))
        for (fixture, resource), reason in sorted(TOOL_GAPS.items())
    ],
)
def test_tool_gap(fixture: str, resource: str) -> None:
    case = FIXTURES / fixture
    expected = _expected(case)
    actual = [r for r in _actual(case, set(expected["checks"])) if r["resource"] == resource]
    wanted = [r for r in expected["findings"] if r["resource"] == resource]
    assert wanted, "a gap must name a resource with expected findings"
    assert _sorted(actual) == _sorted(wanted)


def test_a_var_file_given_on_the_command_line_beats_every_automatic_layer() -> None:
    case = FIXTURES / "hcl_tfvars_precedence"
    settings = ScanSettings(environ={}, var_files=(case / "prod.tfvars",))
    bastion = [
        r for r in _actual(case, {"TFV101"}, settings) if r["resource"].endswith('["bastion"]')
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
