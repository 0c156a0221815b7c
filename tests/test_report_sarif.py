"""The SARIF reporter: valid SARIF 2.1.0 that code-scanning services accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_helpers import BASTION, BROKEN, SHADOWED, WEB, sample_report

from tfvpc.model import Location
from tfvpc.report import sarif
from tfvpc.report.rule_docs import rule_page

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


def _run(**kwargs: Any) -> dict[str, Any]:
    log = json.loads(sarif.render(sample_report(), **kwargs))
    run: dict[str, Any] = log["runs"][0]
    return run


def test_output_validates_against_the_sarif_schema(validator: jsonschema.Draft7Validator) -> None:
    log = json.loads(sarif.render(sample_report(notes=("plan.json: partial plan",)), failed=True))
    validator.validate(log)
    assert log["version"] == "2.1.0"


def test_rules_are_only_those_that_matched_and_indices_point_at_them() -> None:
    run = _run()
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["TFV001", "TFV101", "TFV303"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_security_severity_is_the_worst_finding_of_the_rule() -> None:
    rules = {rule["id"]: rule for rule in _run()["tool"]["driver"]["rules"]}
    # TFV101 has a critical (BASTION) and a low (WEB) finding: the rule is rated critical.
    assert rules["TFV101"]["properties"]["security-severity"] == "9.5"
    assert rules["TFV001"]["properties"]["security-severity"] == "5.5"
    assert rules["TFV303"]["properties"]["security-severity"] == "3.0"
    assert rules["TFV101"]["name"] == "internet-exposure"
    assert rules["TFV101"]["helpUri"].endswith("/docs/rules/TFV101.md")


def test_rule_help_carries_the_shipped_page() -> None:
    rules = {rule["id"]: rule for rule in _run()["tool"]["driver"]["rules"]}
    assert rules["TFV101"]["help"]["markdown"] == rule_page("TFV101")


def test_results_levels_fingerprints_and_locations() -> None:
    results = _run()["results"]
    bastion, broken, web, shadowed = results
    assert [r["level"] for r in results] == ["error", "warning", "note", "note"]
    assert bastion["partialFingerprints"] == {"tfvpcFingerprint/v1": BASTION.fingerprint}
    assert bastion["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42},
    }
    assert bastion["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "aws_instance.bastion", "kind": "resource"}
    ]
    # An unknown line points at the whole file: GitHub needs region.startLine.
    assert web["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert broken["message"]["text"] == BROKEN.message
    assert "possible" in web["message"]["text"]
    assert web["properties"]["certainty"] == "possible"
    # No location at all: only the logical location (the Terraform address).
    assert shadowed["locations"] == [
        {"logicalLocations": [{"fullyQualifiedName": SHADOWED.resource, "kind": "resource"}]}
    ]


def test_related_locations_only_for_related_addresses_with_a_location() -> None:
    bastion = _run()["results"][0]
    # related = ssh (0), subnet (1), route table (2), igw (3); only the first two are located.
    assert bastion["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": {"uri": "infra/sg.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 7},
            },
            "logicalLocations": [
                {"fullyQualifiedName": "aws_security_group.ssh", "kind": "resource"}
            ],
            "message": {"text": "aws_security_group.ssh"},
        },
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12},
            },
            "logicalLocations": [{"fullyQualifiedName": "aws_subnet.public", "kind": "resource"}],
            "message": {"text": "aws_subnet.public"},
        },
    ]
    assert "relatedLocations" not in _run()["results"][2]


def test_absolute_paths_become_relative_to_the_source_root(tmp_path: Path) -> None:
    inside = WEB.model_copy(update={"location": Location(file=str(tmp_path / "a b.tf"), line=3)})
    outside = WEB.model_copy(update={"location": Location(file="/elsewhere/x.tf", line=1)})
    log = json.loads(sarif.render(sample_report(inside, outside), source_root=tmp_path))
    first, second = (r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"])
    assert first["artifactLocation"] == {"uri": "a%20b.tf", "uriBaseId": "%SRCROOT%"}
    assert second["artifactLocation"] == {"uri": "file:///elsewhere/x.tf"}


def test_notes_and_failure_go_into_the_invocation() -> None:
    run = json.loads(sarif.render(sample_report(notes=("plan.json: partial",)), failed=True))[
        "runs"
    ][0]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {"level": "warning", "message": {"text": "plan.json: partial"}}
    ]
    assert _run()["invocations"][0]["executionSuccessful"] is True


def test_an_empty_report_has_no_rules_and_no_results(validator: jsonschema.Draft7Validator) -> None:
    report = sample_report().model_copy(update={"findings": ()})
    log = json.loads(sarif.render(report))
    validator.validate(log)
    assert log["runs"][0]["tool"]["driver"]["rules"] == []
    assert log["runs"][0]["results"] == []
