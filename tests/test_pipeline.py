"""The pipeline on its own: front end, builder and analysers replaced by hand-made stand-ins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_helpers import Inputs, set_analysers, stand_in

from tfvpc import pipeline
from tfvpc.errors import InputError, UsageError
from tfvpc.findings import Finding, Severity, make_finding
from tfvpc.load.resources import (
    InputProblem,
    LoadedInput,
    ResourceInstance,
    SourceLocation,
    Unknown,
)
from tfvpc.model import Location, Network
from tfvpc.pipeline import InternalError, ScanSettings, failed_analysers, fails, scan
from tfvpc.report import json_report

INSTANCE = ResourceInstance(
    address="aws_instance.web",
    type="aws_instance",
    name="web",
    values={"subnet_id": Unknown("subnet_id of aws_instance.web is unknown until apply")},
)
BUCKET = ResourceInstance(
    address="aws_s3_bucket.logs", type="aws_s3_bucket", name="logs", values={}
)


def _exposure(resource: str, severity: Severity, port: int, **extra: object) -> Finding:
    return make_finding(
        "TFV101",
        resource=resource,
        message=f"{resource} accepts tcp {port}",
        severity=severity,
        protocol="tcp",
        ports=((port, port),),
        sources=("0.0.0.0/0",),
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> Inputs:
    return stand_in(monkeypatch)


def test_front_end_problems_become_tfv001_and_tfv002(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["infra"] = LoadedInput(
        path="infra",
        kind="hcl",
        problems=[
            InputProblem(
                "TFV001",
                "infra/bad.tf",
                "infra/bad.tf:3: unexpected '}'",
                SourceLocation("infra/bad.tf", 3),
            ),
            InputProblem("TFV002", "module.vpc", "module.vpc is not on disk"),
        ],
    )
    set_analysers(monkeypatch)
    report = scan([Path("infra")], ScanSettings())
    found = [(f.rule_id, f.resource, f.location) for f in report.findings]
    assert found == [
        ("TFV001", "infra/bad.tf", Location(file="infra/bad.tf", line=3)),
        # No location of its own: the input it came from.
        ("TFV002", "module.vpc", Location(file="infra")),
    ]
    assert report.findings[1].message == "module.vpc is not on disk"


def test_one_unreadable_input_among_several_is_a_tfv001_finding(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["plan.out"] = InputError("plan.out", "this is a binary plan file")
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan", resources=[INSTANCE, BUCKET])
    set_analysers(monkeypatch, lambda network: [_exposure("aws_instance.web", Severity.HIGH, 80)])
    report = scan([Path("plan.out"), Path("plan.json")], ScanSettings())
    assert [(i.path, i.kind) for i in report.inputs] == [("plan.json", "plan")]
    assert [(f.rule_id, f.resource) for f in report.findings] == [
        ("TFV101", "aws_instance.web"),
        ("TFV001", "plan.out"),
    ]
    assert report.findings[1].message == "plan.out was not analysed: this is a binary plan file"
    assert report.resources_read == 2
    assert report.skipped_types == {"aws_s3_bucket": 1}


def test_when_no_input_loads_the_first_error_propagates(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["a"] = InputError("a", "no such file or directory")
    inputs["b"] = InputError("b", "not JSON")
    set_analysers(monkeypatch)
    with pytest.raises(InputError, match=r"^a: no such file or directory$"):
        scan([Path("a"), Path("b")], ScanSettings())
    with pytest.raises(UsageError):
        scan([], ScanSettings())


def test_a_failing_analyser_leaves_a_note_and_the_others_still_run(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")

    def find_broken(network: Network) -> list[Finding]:
        raise KeyError("aws_subnet.x")

    set_analysers(
        monkeypatch, find_broken, lambda network: [_exposure("aws_instance.web", Severity.HIGH, 80)]
    )
    report = scan([Path("plan.json")], ScanSettings())
    assert [f.resource for f in report.findings] == ["aws_instance.web"]
    assert failed_analysers(report) == [
        "plan.json: internal error in analyser find_broken (KeyError: 'aws_subnet.x'); "
        "its findings are missing from this report"
    ]


def test_a_crashing_builder_is_an_internal_error_naming_the_input(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")

    def build_network(resources: list[ResourceInstance], version: str | None = None) -> Network:
        raise ValueError("bad cidr")

    monkeypatch.setattr(pipeline, "build_network", build_network)
    with pytest.raises(
        InternalError, match=r"^plan\.json: internal error: .*ValueError: bad cidr$"
    ):
        scan([Path("plan.json")], ScanSettings())


def test_findings_are_sorted_severity_rule_resource_protocol_ports(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")
    unsorted = [
        _exposure("aws_instance.b", Severity.HIGH, 443),
        make_finding("TFV303", resource="aws_network_acl.a", message="shadowed"),
        _exposure("aws_instance.b", Severity.HIGH, 80),
        _exposure("aws_instance.a", Severity.HIGH, 8080),
        _exposure("aws_instance.z", Severity.CRITICAL, 22),
        make_finding("TFV001", resource="a.tf", message="broken"),
    ]
    set_analysers(monkeypatch, lambda network: list(unsorted))
    report = scan([Path("plan.json")], ScanSettings())
    assert [(f.severity.value, f.rule_id, f.resource, f.ports) for f in report.findings] == [
        ("critical", "TFV101", "aws_instance.z", ((22, 22),)),
        ("high", "TFV101", "aws_instance.a", ((8080, 8080),)),
        ("high", "TFV101", "aws_instance.b", ((80, 80),)),
        ("high", "TFV101", "aws_instance.b", ((443, 443),)),
        ("medium", "TFV001", "a.tf", None),
        ("low", "TFV303", "aws_network_acl.a", None),
    ]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), ["TFV101", "TFV001", "TFV303"]),
        (("TFV101",), (), ["TFV101"]),
        (("internet-exposure",), (), ["TFV101"]),
        (("TFV1", "TFV3"), (), ["TFV101", "TFV303"]),
        (("tfv0",), (), ["TFV001"]),
        ((), ("TFV303", "input-not-analysed"), ["TFV101"]),
        (("TFV",), ("TFV10",), ["TFV001", "TFV303"]),
    ],
)
def test_select_and_ignore_by_id_slug_or_prefix(
    inputs: Inputs,
    monkeypatch: pytest.MonkeyPatch,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    expected: list[str],
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")
    set_analysers(
        monkeypatch,
        lambda network: [
            _exposure("aws_instance.web", Severity.HIGH, 80),
            make_finding("TFV001", resource="a.tf", message="broken"),
            make_finding("TFV303", resource="aws_network_acl.a", message="shadowed"),
        ],
    )
    report = scan([Path("plan.json")], ScanSettings(select=select, ignore=ignore))
    assert [f.rule_id for f in report.findings] == expected


def test_an_unknown_selector_is_a_usage_error(
    inputs: Inputs,
) -> None:
    with pytest.raises(UsageError, match="'TFV9'"):
        scan([Path("plan.json")], ScanSettings(select=("TFV9",)))
    with pytest.raises(UsageError, match="'exposure'"):
        scan([Path("plan.json")], ScanSettings(ignore=("exposure",)))


def test_a_baseline_suppresses_known_findings_and_counts_them(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")
    old = _exposure("aws_instance.web", Severity.HIGH, 80)
    set_analysers(monkeypatch, lambda network: [old])
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json_report.render(scan([Path("plan.json")], ScanSettings())))

    new = _exposure("aws_instance.web", Severity.HIGH, 8080)
    set_analysers(monkeypatch, lambda network: [old, new])
    for settings in (
        ScanSettings(baseline=baseline),
        ScanSettings(baseline=baseline, new_only=True),
    ):
        report = scan([Path("plan.json")], settings)
        assert [f.ports for f in report.findings] == [((8080, 8080),)]
        assert report.notes == (f"{baseline}: 1 finding(s) in the baseline not shown",)


def test_baseline_errors(inputs: Inputs, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--new-only needs --baseline"):
        scan([Path("plan.json")], ScanSettings(new_only=True))
    with pytest.raises(InputError, match="baseline file not found"):
        scan([Path("plan.json")], ScanSettings(baseline=tmp_path / "missing.json"))
    for content, problem in [
        ("{", "not JSON"),
        ('{"tool": {}}', "not a tfvpc JSON report"),
        (json.dumps({"findings": [{"rule_id": "TFV101"}]}), "has no fingerprint"),
    ]:
        broken = tmp_path / "broken.json"
        broken.write_text(content)
        with pytest.raises(InputError, match=problem):
            scan([Path("plan.json")], ScanSettings(baseline=broken))


def test_locations_are_filled_from_the_model(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["plan.json"] = LoadedInput(path="plan.json", kind="plan")
    finding = _exposure(
        "aws_instance.web",
        Severity.HIGH,
        80,
        related=("aws_security_group.web", "aws_subnet.unlocated"),
    )
    set_analysers(monkeypatch, lambda network: [finding])
    report = scan([Path("plan.json")], ScanSettings())
    assert report.findings[0].location == Location(file="infra/main.tf", line=10)
    assert report.findings[0].fingerprint == finding.fingerprint
    assert report.locations == {
        "aws_instance.web": Location(file="infra/main.tf", line=10),
        "aws_security_group.web": Location(file="infra/sg.tf", line=3),
    }


def test_verbose_log_and_variables_note(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs["plan.json"] = LoadedInput(
        path="plan.json", kind="plan", resources=[INSTANCE, BUCKET], notes=["the plan is partial"]
    )
    set_analysers(monkeypatch)
    messages: list[str] = []
    report = scan([Path("plan.json")], ScanSettings(variables={"x": "1"}), log=messages.append)
    assert report.notes == (
        "plan.json: the plan is partial",
        "plan.json: --var and --var-file apply to Terraform directories only",
    )
    assert messages[0].startswith("plan.json: read as plan: 2 resource(s) in ")
    assert messages[1] == (
        "plan.json: 1 resource(s) hold values unknown before apply (findings resting on them "
        "are 'possible'), e.g. aws_instance.web: "
        "subnet_id of aws_instance.web is unknown until apply"
    )
    assert "plan.json: not modelled: aws_s3_bucket x1" in messages
    assert messages[-1].startswith("scan: 0 finding(s) in ")


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("critical", False), ("high", True), ("medium", True), ("info", True), ("never", False)],
)
def test_fails_at_or_above_the_threshold(fail_on: pipeline.FailOn, expected: bool) -> None:
    report = pipeline.Report(
        version="0", findings=(_exposure("aws_instance.web", Severity.HIGH, 80),)
    )
    assert fails(report, fail_on) is expected
    assert fails(pipeline.Report(version="0"), "info") is False
