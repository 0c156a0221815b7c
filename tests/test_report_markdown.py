"""The Markdown reporter: a summary table and collapsible details, for pull-request comments."""

from __future__ import annotations

from report_helpers import BASTION, WEB, sample_report

from tfvpc.findings import make_finding
from tfvpc.report import markdown
from tfvpc.report.rule_docs import rule_url


def test_summary_table_counts_every_severity() -> None:
    output = markdown.render(sample_report())
    assert output.startswith("### tfvpc: 4 findings\n")
    assert (
        "| Severity | Findings |\n|---|---:|\n| critical | 1 |\n| high | 0 |\n"
        "| medium | 1 |\n| low | 2 |\n| info | 0 |\n"
    ) in output


def test_one_row_per_finding_linking_the_rule_page() -> None:
    output = markdown.render(sample_report())
    assert (
        f"| critical | [TFV101]({rule_url('TFV101')}) internet-exposure | `aws_instance.bastion` "
        "| tcp 22 from 0.0.0.0/0 | `infra/main.tf:42` |"
    ) in output
    assert "| low (possible) | [TFV101]" in output
    rows = [line for line in output.splitlines() if line.startswith("| ") and "[TFV" in line]
    assert len(rows) == 4


def test_details_hold_message_path_and_all_sources() -> None:
    output = markdown.render(sample_report(BASTION, WEB))
    assert output.count("<details>") == 2
    assert "3. `aws_route_table.public (0.0.0.0/0 -> aws_internet_gateway.igw)`" in output
    # Five sources: the table shows three, the details list all of them.
    assert "Sources: `1.0.0.0/8`, `2.0.0.0/7`, `4.0.0.0/6`, `8.0.0.0/7`, `11.0.0.0/8`" in output
    assert "*Possible*" in output


def test_text_cannot_break_the_table_or_the_html() -> None:
    odd = make_finding(
        "TFV001", resource="infra/a|b.tf", message="infra/a|b.tf:1: unexpected '<' in \"x\""
    )
    output = markdown.render(sample_report(odd, notes=("note with | pipe",)))
    assert "unexpected '&lt;' in \"x\"" in output
    assert "| `infra/a\\|b.tf` |" in output
    assert "- note with \\| pipe" in output


def test_notes_and_no_findings() -> None:
    report = sample_report(notes=("plan.json: partial plan",)).model_copy(update={"findings": ()})
    output = markdown.render(report)
    assert "### tfvpc: 0 findings" in output
    assert "No findings." in output
    assert "**Notes**\n\n- plan.json: partial plan\n" in output
    assert "<details>" not in output
