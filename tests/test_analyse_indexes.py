"""One NetworkIndexes per analysed input, shared by every analyser; analysers called on their
own build their own, and indexes of another network are never used."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfvpc import pipeline
from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.indexes import NetworkIndexes, indexes_for
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.aws import build_network
from tfvpc.findings import Finding
from tfvpc.load.plan import load_plan_file
from tfvpc.model import Network
from tfvpc.pipeline import ScanSettings, scan

PLAN = Path(__file__).parent / "data" / "plans" / "public_ssh.json"


def network() -> Network:
    return build_network(load_plan_file(PLAN).resources)


def test_each_part_is_built_once_on_first_use() -> None:
    indexes = NetworkIndexes(network())
    assert "flows" not in vars(indexes)
    assert indexes.flows is indexes.flows
    assert indexes.routing is indexes.routing
    assert indexes.usage is indexes.usage
    assert indexes.flows.network is indexes.network


def test_indexes_of_another_network_are_not_used() -> None:
    mine, other = network(), network()
    given = NetworkIndexes(mine)
    assert indexes_for(mine, given) is given
    assert indexes_for(other, given).network is other
    assert indexes_for(mine, None).network is mine


def test_shared_indexes_give_the_findings_each_analyser_gives_alone() -> None:
    model = network()
    shared = NetworkIndexes(model)
    assert find_exposures(model, shared) == find_exposures(model)
    assert find_reachability_problems(model, shared) == find_reachability_problems(model)
    assert find_conflicts(model, shared) == find_conflicts(model)
    assert len(find_exposures(model, shared)) == 1


def test_the_pipeline_hands_every_analyser_the_same_indexes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[Network, NetworkIndexes]] = []

    def first(model: Network, indexes: NetworkIndexes) -> list[Finding]:
        seen.append((model, indexes))
        return []

    def second(model: Network, indexes: NetworkIndexes) -> list[Finding]:
        seen.append((model, indexes))
        return []

    monkeypatch.setattr(pipeline, "ANALYSERS", (first, second))
    scan([PLAN], ScanSettings())
    (model_a, indexes_a), (model_b, indexes_b) = seen
    assert model_a is model_b is indexes_a.network
    assert indexes_a is indexes_b
