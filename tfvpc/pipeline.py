"""One scan, shared by the CLI and the tests: load, build, analyse, filter, sort, report.

Each input path is loaded, built into its own `Network` and analysed on its own; the findings
of all inputs go into one `Report`.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tfvpc import __version__
from tfvpc.analyse.indexes import NetworkIndexes
from tfvpc.analyse.registry import ANALYSERS
from tfvpc.aws import build_network
from tfvpc.aws.catalogue import relevant_unmodelled
from tfvpc.errors import InputError, TfvpcError, UsageError
from tfvpc.findings import Finding, InputSummary, Report, Severity, make_finding
from tfvpc.load.detect import load_input
from tfvpc.load.resources import InputProblem, ResourceInstance, Unknown, Value
from tfvpc.model import Location, Network
from tfvpc.suppress import RuleFilter, load_baseline, without_baseline

FailOn = Literal["critical", "high", "medium", "low", "info", "never"]

ANALYSER_ERROR = "internal error in analyser"
"""Marks the report notes of analysers that raised; `failed_analysers` finds them."""

Log = Callable[[str], None]


class ScanSettings(BaseModel):
    """Everything a scan needs besides its input paths (the CLI options, validated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    var_files: tuple[Path, ...] = ()
    variables: dict[str, str] = Field(default_factory=dict)
    environ: dict[str, str] | None = None
    """Where ``TF_VAR_*`` values come from; ``None`` means the process environment."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: FailOn = "high"
    """The least severe finding that fails the run (see `fails`); scan itself reports all."""
    baseline: Path | None = None
    new_only: bool = False
    """Report only findings absent from `baseline` (what `baseline` does; needs it)."""


class InternalError(TfvpcError):
    """A bug met while analysing one input: reported as one line naming it, exit code 2."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: internal error: {problem}")


@dataclass
class InputResult:
    """One input, analysed: its summary, model, findings (located) and notes."""

    summary: InputSummary
    resources_read: int
    network: Network
    findings: list[Finding]
    notes: list[str]


def quiet(_message: str) -> None:
    """Discard a progress message (the default `Log`)."""


def scan(paths: Sequence[Path], settings: ScanSettings, *, log: Log = quiet) -> Report:
    """Return the report of analysing every path in `paths` with `settings`.

    Raises UsageError for a bad selector or `new_only` without a baseline, InputError when no
    input could be loaded at all (one unreadable input among readable ones is a TFV001
    finding), InternalError when building a model crashed. An analyser that raises does not
    stop the scan: the report gets a note (see `failed_analysers`) and lacks its findings.
    """
    # The models are freed when `_scan` returns, before the collector resumes: it then only
    # has the report to look at once.
    with cycle_collection_paused():
        return _scan(paths, settings, log)


def _scan(paths: Sequence[Path], settings: ScanSettings, log: Log) -> Report:
    """Return what `scan` returns, with the collector already paused."""
    started = perf_counter()
    if not paths:
        raise UsageError("no input given: pass a Terraform directory or a plan/state JSON")
    rule_filter = RuleFilter.parse(settings.select, settings.ignore)
    if settings.new_only and settings.baseline is None:
        raise UsageError("--new-only needs --baseline FILE (the report to compare with)")
    baseline = load_baseline(settings.baseline) if settings.baseline is not None else None

    outcomes = [_analyse_or_error(path, settings, log) for path in paths]
    results = [outcome for outcome in outcomes if isinstance(outcome, InputResult)]
    unreadable = [outcome for outcome in outcomes if isinstance(outcome, InputError)]
    if not results:
        raise unreadable[0]

    findings = [_unreadable_finding(error) for error in unreadable]
    notes: list[str] = []
    for result in results:
        findings.extend(result.findings)
        notes.extend(result.notes)
    findings = [finding for finding in findings if rule_filter.keeps(finding.rule_id)]
    if baseline is not None:
        findings, suppressed = without_baseline(findings, baseline)
        if suppressed:
            notes.append(f"{settings.baseline}: {suppressed} finding(s) in the baseline not shown")

    skipped: Counter[str] = Counter()
    for result in results:
        skipped.update(result.network.skipped_types)
    log(f"scan: {len(findings)} finding(s) in {perf_counter() - started:.3f}s")
    return Report(
        version=__version__,
        inputs=tuple(result.summary for result in results),
        findings=tuple(sorted(findings, key=_sort_key)),
        skipped_types=dict(sorted(skipped.items())),
        resources_read=sum(result.resources_read for result in results),
        notes=tuple(notes),
        locations=_locations(results),
    )


def analyse_input(path: Path, settings: ScanSettings, *, log: Log = quiet) -> InputResult:
    """Return one input loaded, built and analysed; findings are not filtered or sorted.

    Raises InputError when the input cannot be loaded, InternalError when the builder crashes.
    """
    with cycle_collection_paused():
        return _analyse_input(path, settings, log)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration, then restore it.

    Loading and analysing allocate millions of small objects (parsed JSON, the model, flow
    sets) that all live until the input is analysed. Each full pass of the cyclic collector
    walks all of them and frees nothing (reference counting frees them; a paused scan peaks at
    the same memory), yet those passes took a quarter of the time of a 7,000-resource scan.
    Once resumed, the collector looks once at what survived the pause. Rendering a report of
    thousands of findings is alike (millions of short-lived strings, lists and dicts): pausing
    cuts building the JSON documents of the 7,056-resource benchmark's 3,024 findings from
    0.09 s to 0.02 s.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyse_input(path: Path, settings: ScanSettings, log: Log) -> InputResult:
    """Return what `analyse_input` returns, with the collector already paused."""
    display = str(path)
    started = perf_counter()
    loaded = load_input(path, settings)
    log(
        f"{display}: read as {loaded.kind}: {len(loaded.resources)} resource(s) "
        f"in {perf_counter() - started:.3f}s"
    )
    if log is not quiet:
        # Gathering the reasons walks every value of every resource: only for a listener.
        _log_unknowns(display, loaded.resources, log)
    notes = [f"{display}: {note}" for note in loaded.notes]
    if loaded.kind != "hcl" and (settings.var_files or settings.variables):
        notes.append(f"{display}: --var and --var-file apply to Terraform directories only")

    started = perf_counter()
    try:
        network = build_network(loaded.resources, loaded.aws_provider_version)
    except Exception as error:
        raise InternalError(
            display, f"building the network model failed: {type(error).__name__}: {error}"
        ) from error
    log(f"{display}: {_describe(network)} (built in {perf_counter() - started:.3f}s)")
    if network.skipped_types:
        counts = sorted(network.skipped_types.items(), key=lambda item: (-item[1], item[0]))
        log(f"{display}: not modelled: " + ", ".join(f"{kind} x{n}" for kind, n in counts))
    for kind, why in relevant_unmodelled(network.skipped_types).items():
        log(f"{display}: {kind} is not modelled though it shapes network paths: {why}")

    findings = [_problem_finding(problem) for problem in loaded.problems]
    indexes = NetworkIndexes(network)
    for analyser in ANALYSERS:
        name = getattr(analyser, "__name__", repr(analyser))
        started = perf_counter()
        try:
            found = analyser(network, indexes)
        except Exception as error:
            notes.append(
                f"{display}: {ANALYSER_ERROR} {name} ({type(error).__name__}: {error}); "
                "its findings are missing from this report"
            )
            continue
        log(f"{display}: {name}: {len(found)} finding(s) in {perf_counter() - started:.3f}s")
        findings.extend(found)
    return InputResult(
        summary=InputSummary(path=display, kind=loaded.kind),
        resources_read=len(loaded.resources),
        network=network,
        findings=[_located(finding, network, display) for finding in findings],
        notes=notes,
    )


def _analyse_or_error(path: Path, settings: ScanSettings, log: Log) -> InputResult | InputError:
    """Return the analysed input, or the InputError that kept it from being loaded."""
    try:
        return analyse_input(path, settings, log=log)
    except InputError as error:
        return error


def failed_analysers(report: Report) -> list[str]:
    """Return the report notes that say an analyser raised (the answer is then partial)."""
    return [note for note in report.notes if ANALYSER_ERROR in note]


def fails(report: Report, fail_on: FailOn) -> bool:
    """Return True if some finding is at least as severe as `fail_on` (never for "never")."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(finding.severity.rank >= threshold for finding in report.findings)


def _problem_finding(problem: InputProblem) -> Finding:
    """Return the TFV001/TFV002 finding for a front end's problem."""
    location = problem.location
    return make_finding(
        problem.rule_id,
        resource=problem.subject,
        message=problem.message,
        location=Location(file=location.file, line=location.line) if location else None,
    )


def _unreadable_finding(error: InputError) -> Finding:
    """Return the TFV001 finding for an input that could not be loaded at all."""
    return make_finding(
        "TFV001",
        resource=error.path,
        message=f"{error.path} was not analysed: {error.problem}",
        location=Location(file=error.path),
    )


def _located(finding: Finding, network: Network, display: str) -> Finding:
    """Return `finding` with a location: its own, its resource's, else the input it came from.

    SARIF consumers (GitHub code scanning) reject results without one.
    """
    if finding.location is not None:
        return finding
    location = network.locations.get(finding.resource) or Location(file=display)
    return finding.model_copy(update={"location": location})


def _locations(results: Sequence[InputResult]) -> dict[str, Location]:
    """Return the declaration site of every address a finding names (first input wins)."""
    locations: dict[str, Location] = {}
    for result in results:
        for finding in result.findings:
            for address in (finding.resource, *finding.related):
                known = result.network.locations.get(address)
                if known is not None:
                    locations.setdefault(address, known)
    return locations


def _sort_key(finding: Finding) -> tuple[object, ...]:
    """Return the deterministic report order: severity desc, rule, resource, traffic."""
    return (
        -finding.severity.rank,
        finding.rule_id,
        finding.resource,
        finding.protocol or "",
        finding.ports or (),
        finding.message,
        finding.fingerprint,
    )


def _describe(network: Network) -> str:
    """Return a one-line count of what the model holds."""
    parts = (
        (len(network.vpcs), "VPC(s)"),
        (len(network.subnets), "subnet(s)"),
        (len(network.route_tables), "route table(s)"),
        (len(network.nacls), "NACL(s)"),
        (len(network.security_groups), "security group(s)"),
        (len(network.gateways), "gateway(s)"),
        (len(network.attachments), "attachment(s)"),
    )
    return "model: " + ", ".join(f"{count} {what}" for count, what in parts)


def _log_unknowns(display: str, resources: Sequence[ResourceInstance], log: Log) -> None:
    """Log how many resources rest on values unknown before apply, with a few reasons."""
    reasons = {resource.address: _unknown_reasons(resource) for resource in resources}
    uncertain = {address: found for address, found in reasons.items() if found}
    if not uncertain:
        return
    examples = [f"{address}: {found[0]}" for address, found in sorted(uncertain.items())[:3]]
    log(
        f"{display}: {len(uncertain)} resource(s) hold values unknown before apply "
        f"(findings resting on them are 'possible'), e.g. " + "; ".join(examples)
    )


def _unknown_reasons(resource: ResourceInstance) -> list[str]:
    """Return why parts of `resource` are unknown: its own uncertainty, then unknown values."""
    reasons = list(resource.uncertain)
    pending: list[Value] = list(resource.values.values())
    while pending:
        value = pending.pop()
        if isinstance(value, Unknown):
            reasons.append(value.reason)
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
    return reasons
