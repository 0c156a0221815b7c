"""The JSON reporter follows the contract of design.md and the shipped JSON Schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from report_helpers import BASTION, BROKEN, SHADOWED, WEB, sample_report

from tfvpc.findings import Finding, Hop, make_finding
from tfvpc.model import Location
from tfvpc.report import json_report


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema_text = (resources.files("tfvpc") / "data" / "tfvpc-report.schema.json").read_text()
    schema = json.loads(schema_text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_output_validates_against_the_shipped_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    document = json.loads(json_report.render(sample_report()))
    validator.validate(document)


def test_a_traffic_finding_is_rendered_field_by_field() -> None:
    document = json.loads(json_report.render(sample_report(BASTION)))
    assert document["findings"] == [
        {
            "rule_id": "TFV101",
            "rule": "internet-exposure",
            "severity": "critical",
            "certainty": "definite",
            "resource": "aws_instance.bastion",
            "related": [
                "aws_security_group.ssh",
                "aws_subnet.public",
                "aws_route_table.public",
                "aws_internet_gateway.igw",
            ],
            "protocol": "tcp",
            "ports": [[22, 22]],
            "sources": ["0.0.0.0/0"],
            "path": [
                {"hop": "internet"},
                {"hop": "aws_internet_gateway.igw"},
                {
                    "hop": "aws_route_table.public",
                    "detail": "0.0.0.0/0 -> aws_internet_gateway.igw",
                },
                {"hop": "aws_network_acl.public", "detail": "inbound rule 100 allow"},
                {"hop": "aws_security_group.ssh", "detail": "ingress tcp 22 from 0.0.0.0/0"},
                {"hop": "aws_instance.bastion"},
            ],
            "message": BASTION.message,
            "location": {"file": "infra/main.tf", "line": 42},
            "fingerprint": BASTION.fingerprint,
        }
    ]


def test_a_finding_not_about_traffic_has_null_protocol_ports_and_sources() -> None:
    (finding,) = json.loads(json_report.render(sample_report(SHADOWED)))["findings"]
    assert (finding["protocol"], finding["ports"], finding["sources"]) == (None, None, None)
    assert finding["location"] is None
    assert finding["path"] == []


def test_tool_inputs_and_summary() -> None:
    document = json.loads(json_report.render(sample_report()))
    assert document["tool"] == {"name": "tfvpc", "version": "0.1.0"}
    assert document["inputs"] == [
        {"path": "infra", "kind": "hcl"},
        {"path": "plan.json", "kind": "plan"},
    ]
    # BASTION critical, BROKEN medium (TFV001 default), WEB low, SHADOWED low (TFV303 default).
    assert document["summary"] == {
        "findings": 4,
        "by_severity": {"critical": 1, "high": 0, "medium": 1, "low": 2, "info": 0},
    }


def test_findings_keep_the_report_order_and_multi_range_ports() -> None:
    document = json.loads(json_report.render(sample_report()))
    assert [f["resource"] for f in document["findings"]] == [
        "aws_instance.bastion",
        "infra/broken.tf",
        "aws_lb.front",
        "aws_network_acl.public",
    ]
    web = document["findings"][2]
    assert web["ports"] == [[80, 80], [443, 443]]
    assert web["certainty"] == "possible"
    assert web["location"] == {"file": "infra/lb.tf", "line": None}
    assert document["findings"][1]["rule"] == BROKEN.rule == "input-not-analysed"
    assert WEB.fingerprint != BASTION.fingerprint


def test_an_empty_report_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    report = sample_report().model_copy(update={"findings": ()})
    document = json.loads(json_report.render(report))
    validator.validate(document)
    assert document["findings"] == []
    assert document["summary"]["findings"] == 0


def test_the_shipped_schema_rejects_a_broken_finding(
    validator: jsonschema.Draft202012Validator,
) -> None:
    document = json.loads(json_report.render(sample_report(BASTION)))
    document["findings"][0]["ports"] = [[22]]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(document)


def _standard_text(rendered: str) -> str:
    """Return what json.dumps(indent=2, ensure_ascii=False) writes for the same document."""
    return json.dumps(json.loads(rendered), indent=2, ensure_ascii=False) + "\n"


ODD = make_finding(
    "TFV301",
    resource='aws_security_group.q"uoted\\',
    message="bloqué — \u2028 tab\there\nnew line",
    related=(),
    protocol="udp",
    ports=((53, 53), (1024, 65535)),
    sources=(),
    path=(Hop(hop="aws_network_acl.é"), Hop(hop="x", detail="")),
    location=Location(file="modules/ñet/main.tf", line=None),
)


@pytest.mark.parametrize(
    "findings",
    [(), (BASTION,), (SHADOWED,), (WEB, BROKEN), (ODD,), (BASTION, ODD, SHADOWED, WEB, BROKEN)],
    ids=["empty", "traffic", "no-traffic", "two", "odd-text", "all"],
)
def test_text_is_exactly_the_standard_indented_json(findings: tuple[Finding, ...]) -> None:
    """Nulls, empty lists, escapes and non-ASCII text are written as json.dumps writes them."""
    report = sample_report().model_copy(update={"findings": findings})
    rendered = json_report.render(report)
    assert rendered == _standard_text(rendered)
    assert len(json.loads(rendered)["findings"]) == len(findings)
