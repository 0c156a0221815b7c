"""The command line: parse options, call the pipeline, pick a reporter, set the exit code.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 the command line is wrong, no
input could be analysed, or the analysis is incomplete (an analyser failed). Every error is one
line on stderr, ``tfvpc: <path>: <problem>``, never a traceback.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import IO, Any, Literal, get_args

import click

from tfvpc import __version__
from tfvpc.errors import TfvpcError, UsageError
from tfvpc.findings import RULES, Report
from tfvpc.pipeline import (
    FailOn,
    Log,
    ScanSettings,
    analyse_input,
    cycle_collection_paused,
    failed_analysers,
    fails,
    quiet,
    scan,
)
from tfvpc.report import json_report, markdown, sarif, text
from tfvpc.report.rule_docs import find_rule, rule_page
from tfvpc.suppress import split_selectors

ReportFormat = Literal["text", "json", "sarif", "markdown"]
FAIL_ON_LEVELS: tuple[FailOn, ...] = get_args(FailOn)
_INPUTS = "tfvpc.inputs"
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class ExitCode(IntEnum):
    """The exit codes, public API."""

    OK = 0
    FINDINGS = 1
    ERROR = 2


class _OneLineError(click.ClickException):
    """An error shown as ``tfvpc: <message>`` on stderr, exit code 2."""

    exit_code = ExitCode.ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the one line on stderr."""
        click.echo(f"tfvpc: {self.message}", err=True)


def _usage_line(error: click.UsageError) -> str:
    """Return a click usage error as one line, with where to find help."""
    command = error.ctx.command_path if error.ctx is not None else "tfvpc"
    return f"{error.format_message()} (see `{command} --help`)"


class _Tfvpc(click.Group):
    """The command group; turns every error into one line and exit code 2."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Return the group's context; a bad group option is a one-line usage error."""
        bare = not args  # `tfvpc` alone shows the help, as click does; parsing consumes args
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            if bare:
                raise
            raise _OneLineError(_usage_line(error)) from error

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; report TfvpcError and unexpected exceptions as one line."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _OneLineError(_usage_line(error)) from error
        except TfvpcError as error:
            raise _OneLineError(str(error)) from error
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            inputs = ctx.meta.get(_INPUTS)
            where = f"{inputs}: " if inputs else ""
            raise _OneLineError(
                f"{where}internal error: {type(error).__name__}: {error}"
            ) from error


@click.group(cls=_Tfvpc, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfvpc")
def main() -> None:
    """Path-aware analysis of AWS networking in Terraform: what the internet can reach,
    what nothing can reach, and where NACLs and security groups contradict each other."""


_var_file_option = click.option(
    "--var-file",
    "var_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Terraform variables file for directory inputs (repeatable, later wins).",
)
_var_option = click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a Terraform variable for directory inputs (repeatable, later wins).",
)
_verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Progress on stderr: inputs, counts, timings."
)


@main.command("scan")
@click.argument(
    "paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(get_args(ReportFormat)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of stdout.",
)
@_var_file_option
@_var_option
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_LEVELS),
    default="high",
    show_default=True,
    help="Exit 1 when a finding is at least this severe ('never': only errors fail).",
)
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these rules: ids, slugs, prefixes."
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Leave out these rules.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A previous JSON report: its findings are not reported again.",
)
@click.option(
    "--new-only", is_flag=True, help="Report only findings absent from --baseline (needs it)."
)
@_verbose_option
@click.option("--no-color", is_flag=True, help="No colours in the text report.")
@click.pass_context
def scan_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: ReportFormat,
    output: Path | None,
    var_files: tuple[Path, ...],
    variables: tuple[str, ...],
    fail_on: FailOn,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline: Path | None,
    new_only: bool,
    verbose: bool,
    no_color: bool,
) -> None:
    """Analyse PATH...: Terraform directories, plan JSON or state JSON (auto-detected)."""
    ctx.meta[_INPUTS] = ", ".join(str(path) for path in paths)
    settings = ScanSettings(
        var_files=var_files,
        variables=parse_variables(variables),
        select=split_selectors(select),
        ignore=split_selectors(ignore),
        fail_on=fail_on,
        baseline=baseline,
        new_only=new_only,
    )
    log = _log if verbose else quiet
    report = scan(paths, settings, log=log)
    for note in report.notes:
        click.echo(f"tfvpc: {note}", err=True)
    incomplete = bool(failed_analysers(report))
    color = (
        fmt == "text"
        and output is None
        and not no_color
        and "NO_COLOR" not in os.environ
        and sys.stdout.isatty()
    )
    with cycle_collection_paused():
        rendered = _render(report, fmt, color=color, incomplete=incomplete)
    _emit(rendered, output, log)
    if fails(report, settings.fail_on):
        ctx.exit(ExitCode.FINDINGS)
    # An analyser that failed leaves the answer partial: it must never pass as clean.
    ctx.exit(ExitCode.ERROR if incomplete else ExitCode.OK)


@main.command("rules")
@click.argument("rule", required=False)
def rules_command(rule: str | None) -> None:
    """List the rule catalogue, or print the documentation of RULE (id or slug)."""
    if rule is None:
        click.echo(catalogue_table())
        return
    found = find_rule(rule)
    if found is None:
        raise UsageError(f"{rule}: unknown rule; `tfvpc rules` lists them")
    page = rule_page(found.id)
    if page is None:
        raise TfvpcError(f"{found.id}: this installation ships no documentation page for it")
    click.echo(page, nl=False)


@main.command("graph")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Picture to write: .dot, .mmd (Mermaid), .svg or .html (self-contained).",
)
@_var_file_option
@_var_option
@_verbose_option
@click.pass_context
def graph_command(
    ctx: click.Context,
    path: Path,
    output: Path,
    var_files: tuple[Path, ...],
    variables: tuple[str, ...],
    verbose: bool,
) -> None:
    """Draw the topology of PATH, internet exposures highlighted."""
    # networkx takes longer to import than a small scan takes to run: only this command needs it.
    from tfvpc.report import graph

    ctx.meta[_INPUTS] = str(path)
    suffix = output.suffix.lower().removeprefix(".")
    fmt = next((known for known in graph.GRAPH_FORMATS if known == suffix), None)
    if fmt is None:
        raise UsageError(f"{output}: unknown picture format; use .dot, .mmd, .svg or .html")
    settings = ScanSettings(var_files=var_files, variables=parse_variables(variables))
    log = _log if verbose else quiet
    result = analyse_input(path, settings, log=log)
    for note in result.notes:
        click.echo(f"tfvpc: {note}", err=True)
    _emit(graph.render(result.network, result.findings, fmt), output, log)


def parse_variables(values: Sequence[str]) -> dict[str, str]:
    """Return ``--var NAME=VALUE`` options as a mapping (later wins); UsageError if malformed."""
    variables: dict[str, str] = {}
    for item in values:
        name, equals, value = item.partition("=")
        if not equals or not _VAR_NAME.fullmatch(name):
            raise UsageError(f"--var {item!r}: expected NAME=VALUE with a Terraform variable name")
        variables[name] = value
    return variables


def catalogue_table() -> str:
    """Return the rule catalogue as an aligned text table."""
    rows = [("ID", "SLUG", "SEVERITY", "TITLE")]
    rows += [(rule.id, rule.slug, rule.severity.value, rule.title) for rule in RULES]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )


def _render(report: Report, fmt: ReportFormat, *, color: bool, incomplete: bool) -> str:
    """Return the report in format `fmt`."""
    if fmt == "json":
        return json_report.render(report)
    if fmt == "sarif":
        return sarif.render(report, source_root=Path.cwd(), failed=incomplete)
    if fmt == "markdown":
        return markdown.render(report)
    return text.render(report, color=color)


def _emit(content: str, output: Path | None, log: Log) -> None:
    """Write `content` to `output`, or to stdout without one."""
    if output is None:
        try:
            click.echo(content, nl=False)
        except OSError as error:
            # A reader that went away (`tfvpc scan . | head`) gets EPIPE: say so in one line.
            raise UsageError(f"stdout: cannot write: {error.strerror or error}") from None
        return
    try:
        output.write_text(content, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{output}: cannot write: {error.strerror or error}") from None
    log(f"wrote {output}")


def _log(message: str) -> None:
    """Print a progress message on stderr."""
    click.echo(f"tfvpc: {message}", err=True)
