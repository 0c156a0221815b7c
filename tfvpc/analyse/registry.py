"""The analysers every scan runs, in order: each a pure function from the model to findings."""

from __future__ import annotations

from collections.abc import Callable

from tfvpc.analyse.exposure import find_exposures
from tfvpc.findings import Finding
from tfvpc.model import Network

Analyser = Callable[[Network], list[Finding]]

ANALYSERS: tuple[Analyser, ...] = (find_exposures,)
