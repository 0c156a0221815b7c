"""The command line through click's CliRunner, with the pipeline's stages stood in for.

Exit codes: 0 clean, 1 a finding at or above --fail-on, 2 usage/input/internal error, always
with exactly one line on stderr and never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pipeline_helpers import Inputs, set_analysers, stand_in

from tfvpc import pipeline
from tfvpc.cli import main
from tfvpc.findings import RULES, Finding, Severity, make_finding
from tfvpc.load.resources import LoadedInput, ResourceInstance
from tfvpc.model import Network
from tfvpc.report import json_report
from tfvpc.report.rule_docs import rule_page


def _exposure(port: int, severity: Severity = Severity.HIGH) -> Finding:
    return make_finding(
        "TFV101",
        resource="aws_instance.web",
        message=f"aws_instance.web accepts tcp {port} from the internet",
        severity=severity,
        protocol="tcp",
        ports=((port, port),),
        sources=("0.0.0.0/0",),
    )


SHADOWED = make_finding("TFV303", resource="aws_network_acl.a", message="rule 200 never matches")
BROKEN = make_finding("TFV001", resource="a.tf", message="a.tf:1: unexpected token")


@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> Inputs:
    table = stand_in(monkeypatch)
    table["plan.json"] = LoadedInput(path="plan.json", kind="plan")
    return table


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_error_line(result: Result, *fragments: str) -> None:
    """Exit code 2 and exactly one ``tfvpc: ...`` line on stderr holding every fragment."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tfvpc: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_no_finding_exits_0(inputs: Inputs) -> None:
    result = run("scan", "plan.json")
    assert result.exit_code == 0
    assert result.stdout.startswith("No findings.\n")
    assert result.stderr == ""


def test_a_finding_at_the_default_threshold_exits_1(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(8080)])
    result = run("scan", "plan.json")
    assert result.exit_code == 1
    assert "HIGH      TFV101 internet-exposure: tcp 8080 from 0.0.0.0/0" in result.stdout


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ("critical", 0),
        ("high", 0),
        ("medium", 1),
        ("low", 1),
        ("info", 1),
        ("never", 0),
    ],
)
def test_fail_on_levels(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, fail_on: str, code: int
) -> None:
    # Worst finding: TFV001, medium.
    set_analysers(monkeypatch, lambda network: [BROKEN, SHADOWED])
    assert run("scan", "plan.json", "--fail-on", fail_on).exit_code == code


def test_fail_on_never_still_fails_on_errors(inputs: Inputs) -> None:
    assert_one_error_line(run("scan", "absent.json", "--fail-on", "never"), "absent.json")


def test_an_unknown_fail_on_level_is_a_usage_error(inputs: Inputs) -> None:
    assert_one_error_line(run("scan", "plan.json", "--fail-on", "severe"), "--fail-on", "severe")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown"])
def test_output_file_holds_the_report_and_stdout_stays_empty(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str
) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(22, Severity.CRITICAL)])
    target = tmp_path / f"report.{fmt}"
    result = run("scan", "plan.json", "--format", fmt, "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    content = target.read_text(encoding="utf-8")
    assert "aws_instance.web" in content
    if fmt in ("json", "sarif"):
        json.loads(content)


def test_each_format_on_stdout(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(22, Severity.CRITICAL)])
    document = json.loads(run("scan", "plan.json", "--format", "json").stdout)
    assert [f["ports"] for f in document["findings"]] == [[[22, 22]]]
    assert document["inputs"] == [{"path": "plan.json", "kind": "plan"}]
    log = json.loads(run("scan", "plan.json", "--format", "sarif").stdout)
    assert log["runs"][0]["results"][0]["ruleId"] == "TFV101"
    assert run("scan", "plan.json", "--format", "markdown").stdout.startswith(
        "### tfvpc: 1 finding"
    )
    assert "1 finding: 1 critical" in run("scan", "plan.json").stdout
    assert_one_error_line(run("scan", "plan.json", "--format", "xml"), "--format")


def test_an_unwritable_output_is_one_error_line(inputs: Inputs, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "report.json"
    assert_one_error_line(run("scan", "plan.json", "-o", str(target)), str(target), "cannot write")


def test_select_and_ignore_take_repeatable_comma_lists(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(80), BROKEN, SHADOWED])

    def rules(*args: str) -> list[str]:
        result = run("scan", "plan.json", "--format", "json", *args)
        return [f["rule_id"] for f in json.loads(result.stdout)["findings"]]

    assert rules() == ["TFV101", "TFV001", "TFV303"]
    assert rules("--select", "TFV1,nacl-rule-shadowed") == ["TFV101", "TFV303"]
    assert rules("--select", "TFV1", "--select", "TFV0") == ["TFV101", "TFV001"]
    assert rules("--ignore", "TFV0, TFV3") == ["TFV101"]
    assert rules("--select", "TFV", "--ignore", "internet-exposure") == ["TFV001", "TFV303"]
    assert_one_error_line(run("scan", "plan.json", "--select", "TFV7"), "'TFV7'")


def test_baseline_suppresses_what_it_lists(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(22)])
    baseline = tmp_path / "baseline.json"
    assert run("scan", "plan.json", "--format", "json", "-o", str(baseline)).exit_code == 1

    result = run("scan", "plan.json", "--baseline", str(baseline))
    assert result.exit_code == 0
    assert "No findings." in result.stdout
    assert result.stderr == f"tfvpc: {baseline}: 1 finding(s) in the baseline not shown\n"

    set_analysers(monkeypatch, lambda network: [_exposure(22), _exposure(3389)])
    result = run("scan", "plan.json", "--baseline", str(baseline), "--new-only", "--format", "json")
    assert result.exit_code == 1
    assert [f["ports"] for f in json.loads(result.stdout)["findings"]] == [[[3389, 3389]]]


def test_baseline_problems_are_one_error_line(inputs: Inputs, tmp_path: Path) -> None:
    assert_one_error_line(run("scan", "plan.json", "--new-only"), "--new-only needs --baseline")
    missing = tmp_path / "nope.json"
    assert_one_error_line(
        run("scan", "plan.json", "--baseline", str(missing)), str(missing), "not found"
    )
    text_report = tmp_path / "report.txt"
    text_report.write_text("No findings.\n")
    assert_one_error_line(
        run("scan", "plan.json", "--baseline", str(text_report)), str(text_report), "not JSON"
    )


@pytest.mark.parametrize("bad", ["novalue", "=1", "1x=2", "a b=c"])
def test_a_malformed_var_is_a_usage_error(inputs: Inputs, bad: str) -> None:
    assert_one_error_line(run("scan", "plan.json", "--var", bad), "--var", "NAME=VALUE")


def test_vars_reach_the_settings(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[pipeline.ScanSettings] = []
    original = pipeline.load_input

    def spy(path: Path, settings: pipeline.ScanSettings) -> LoadedInput:
        seen.append(settings)
        return original(path, settings)

    monkeypatch.setattr(pipeline, "load_input", spy)
    result = run("scan", "plan.json", "--var", "env=prod", "--var", "cidr=10.0.0.0/16=x")
    assert result.exit_code == 0
    assert seen[0].variables == {"env": "prod", "cidr": "10.0.0.0/16=x"}
    # A plan does not take variables: said once on stderr.
    assert result.stderr == (
        "tfvpc: plan.json: --var and --var-file apply to Terraform directories only\n"
    )


def test_a_missing_var_file_is_a_usage_error(inputs: Inputs, tmp_path: Path) -> None:
    missing = str(tmp_path / "prod.tfvars")
    assert_one_error_line(run("scan", "plan.json", "--var-file", missing), "--var-file")


def test_a_missing_path_exits_2_naming_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "plan.json")
    assert_one_error_line(run("scan", missing), f"tfvpc: {missing}: no such file or directory")


def test_no_path_at_all_is_a_usage_error() -> None:
    assert_one_error_line(run("scan"), "Missing argument")


def test_a_directory_without_the_hcl_front_end_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tfvpc.load.hcl", None)
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "main" {}\n')
    assert_one_error_line(
        run("scan", str(tmp_path)), f"tfvpc: {tmp_path}: ", "cannot read Terraform directories"
    )


def test_a_crash_in_the_builder_is_one_internal_error_line(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build_network(resources: list[ResourceInstance], version: str | None = None) -> Network:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "build_network", build_network)
    assert_one_error_line(
        run("scan", "plan.json"), "tfvpc: plan.json: internal error: ", "RuntimeError: boom"
    )


def test_any_other_crash_is_one_internal_error_line_naming_the_inputs(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs["other.json"] = LoadedInput(path="other.json", kind="state")

    def render(report: object) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(json_report, "render", render)
    result = run("scan", "plan.json", "other.json", "--format", "json")
    assert_one_error_line(
        result, "tfvpc: plan.json, other.json: internal error: ZeroDivisionError: division by zero"
    )


def test_a_failing_analyser_is_reported_and_the_run_is_not_clean(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def find_broken(network: Network) -> list[Finding]:
        raise IndexError("list index out of range")

    set_analysers(monkeypatch, find_broken, lambda network: [SHADOWED])
    result = run("scan", "plan.json")
    # The report is still written, with what the other analysers found...
    assert "TFV303 nacl-rule-shadowed" in result.stdout
    # ...the failure is named on stderr, and the partial answer cannot pass as clean.
    assert result.stderr == (
        "tfvpc: plan.json: internal error in analyser find_broken (IndexError: list index out "
        "of range); its findings are missing from this report\n"
    )
    assert result.exit_code == 2
    sarif_log = json.loads(run("scan", "plan.json", "--format", "sarif").stdout)
    assert sarif_log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_verbose_progress_goes_to_stderr(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inputs["plan.json"] = LoadedInput(
        path="plan.json",
        kind="plan",
        resources=[
            ResourceInstance(address="aws_s3_bucket.b", type="aws_s3_bucket", name="b", values={})
        ],
    )
    set_analysers(monkeypatch, lambda network: [SHADOWED])
    target = tmp_path / "out.json"
    result = run("scan", "plan.json", "-v", "--format", "json", "-o", str(target))
    lines = result.stderr.splitlines()
    assert lines[0].startswith("tfvpc: plan.json: read as plan: 1 resource(s) in ")
    assert "tfvpc: plan.json: not modelled: aws_s3_bucket x1" in lines
    assert any(line.startswith("tfvpc: plan.json: <lambda>: 1 finding(s) in ") for line in lines)
    assert lines[-1] == f"tfvpc: wrote {target}"
    assert result.stdout == ""


def test_no_colour_outside_a_terminal(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(22, Severity.CRITICAL)])
    for args in ((), ("--no-color",)):
        assert "\x1b[" not in run("scan", "plan.json", *args).stdout


def test_rules_lists_the_catalogue() -> None:
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "SLUG", "SEVERITY", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == [rule.id for rule in RULES]
    assert "TFV101  internet-exposure" in result.stdout


@pytest.mark.parametrize("name", ["TFV101", "tfv101", "internet-exposure"])
def test_rules_prints_one_page_by_id_or_slug(name: str) -> None:
    result = run("rules", name)
    assert result.exit_code == 0
    assert result.stdout == rule_page("TFV101")
    assert result.stdout.startswith("# TFV101 internet-exposure\n")


def test_rules_with_an_unknown_name_exits_2() -> None:
    assert_one_error_line(run("rules", "TFV999"), "TFV999", "unknown rule")


@pytest.mark.parametrize(
    ("suffix", "opening"),
    [
        ("dot", "digraph tfvpc {"),
        ("mmd", "flowchart LR"),
        ("svg", "<?xml"),
        ("html", "<!DOCTYPE html>"),
    ],
)
def test_graph_writes_each_format(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str, opening: str
) -> None:
    set_analysers(monkeypatch, lambda network: [_exposure(22)])
    target = tmp_path / f"topology.{suffix.upper()}"
    result = run("graph", "plan.json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(opening)


def test_graph_refuses_an_unknown_extension_and_needs_an_output(inputs: Inputs) -> None:
    assert_one_error_line(run("graph", "plan.json", "-o", "topology.png"), "topology.png", ".svg")
    assert_one_error_line(run("graph", "plan.json"), "Missing option", "--output")


def test_unknown_commands_and_options_are_one_line(inputs: Inputs) -> None:
    assert_one_error_line(run("scna", "plan.json"), "scna")
    assert_one_error_line(run("--frobnicate"), "--frobnicate")
    assert_one_error_line(run("scan", "plan.json", "--frobnicate"), "--frobnicate")


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == "tfvpc, version 0.1.0"
    bare = run().output
    assert "Usage:" in bare
    assert "scan" in bare
    assert "graph" in bare
    help_text = run("scan", "--help").stdout
    for option in ("--format", "--fail-on", "--baseline", "--new-only", "--select", "--var"):
        assert option in help_text


def test_an_internal_error_outside_a_scan_names_no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rule_id: str) -> str:
        raise OSError("disk gone")

    monkeypatch.setattr("tfvpc.cli.rule_page", broken)
    assert_one_error_line(run("rules", "TFV101"), "tfvpc: internal error: OSError: disk gone")
