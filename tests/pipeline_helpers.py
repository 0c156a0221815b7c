"""Stand-ins for the front end, builder and analysers, so the pipeline and CLI run on their own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

import pytest

from tfvpc import pipeline
from tfvpc.analyse.indexes import NetworkIndexes
from tfvpc.errors import InputError
from tfvpc.findings import Finding
from tfvpc.load.resources import LoadedInput, ResourceInstance
from tfvpc.model import Location, Network

Analyser = Callable[[Network], list[Finding]]
"""A stand-in analyser: the model in, findings out (the shared indexes are not needed)."""
Inputs = dict[str, LoadedInput | InputError]


def stand_in(monkeypatch: pytest.MonkeyPatch, *analysers: Analyser) -> Inputs:
    """Replace the pipeline's front end, builder and analysers; return the table of inputs.

    The table maps a path (as typed) to what loading it gives: a LoadedInput, or an InputError
    that is raised. The builder counts ``aws_s3_bucket`` instances as skipped and knows the
    locations of ``aws_instance.web`` and ``aws_security_group.web``.
    """
    table: Inputs = {}

    def load_input(path: Path, settings: pipeline.ScanSettings) -> LoadedInput:
        outcome = table[str(path)]
        if isinstance(outcome, InputError):
            raise outcome
        return outcome

    def build_network(
        resources: list[ResourceInstance], aws_provider_version: str | None = None
    ) -> Network:
        skipped = sum(1 for resource in resources if resource.type == "aws_s3_bucket")
        return Network(
            skipped_types={"aws_s3_bucket": skipped} if skipped else {},
            locations={
                "aws_instance.web": Location(file="infra/main.tf", line=10),
                "aws_security_group.web": Location(file="infra/sg.tf", line=3),
            },
        )

    monkeypatch.setattr(pipeline, "load_input", load_input)
    monkeypatch.setattr(pipeline, "build_network", build_network)
    set_analysers(monkeypatch, *analysers)
    return table


def set_analysers(monkeypatch: pytest.MonkeyPatch, *analysers: Analyser) -> None:
    """Replace the analysers the pipeline runs."""
    monkeypatch.setattr(pipeline, "ANALYSERS", tuple(_as_run(analyser) for analyser in analysers))


def _as_run(analyser: Analyser) -> Callable[[Network, NetworkIndexes], list[Finding]]:
    """Return `analyser` called as the pipeline calls analysers, under the same name."""

    @wraps(analyser)
    def run(network: Network, indexes: NetworkIndexes) -> list[Finding]:
        return analyser(network)

    return run
