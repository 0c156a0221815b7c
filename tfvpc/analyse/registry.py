"""The analysers every scan runs, in order: each a pure function from the model (and the
indexes it shares with the others, see `indexes`) to findings."""

from __future__ import annotations

from collections.abc import Callable

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.indexes import NetworkIndexes
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.analyse.service_exposure import find_service_exposures
from tfvpc.findings import Finding
from tfvpc.model import Network

Analyser = Callable[[Network, NetworkIndexes], list[Finding]]

ANALYSERS: tuple[Analyser, ...] = (
    find_exposures,
    find_service_exposures,
    find_reachability_problems,
    find_conflicts,
)
