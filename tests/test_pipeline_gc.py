"""A scan pauses the cyclic garbage collector and restores it, and scans in one process share
nothing: the second answers exactly as the first."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfvpc.errors import InputError
from tfvpc.pipeline import ScanSettings, scan
from tfvpc.report import json_report

PLANS = Path(__file__).parent / "data" / "plans"
FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    """Run the test with the collector on, and leave it as it was found."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_is_back_on_after_a_scan_and_after_a_failed_one() -> None:
    report = scan([PLANS / "public_ssh.json"], ScanSettings())
    assert report.findings
    assert gc.isenabled()
    with pytest.raises(InputError):
        scan([PLANS / "absent.json"], ScanSettings())
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    scan([PLANS / "public_ssh.json"], ScanSettings())
    assert not gc.isenabled()


def test_a_second_scan_in_one_process_answers_as_the_first() -> None:
    # Two inputs alike but for their rules, scanned in turn: nothing of the first may show
    # in the second (per-analysis caches), and scanning the first again gives the same report.
    first = json_report.render(scan([PLANS / "public_ssh.json"], ScanSettings()))
    other = json_report.render(scan([PLANS / "private_ssh.json"], ScanSettings()))
    again = json_report.render(scan([PLANS / "public_ssh.json"], ScanSettings()))
    assert again == first
    assert other != first
    example = FIXTURES / "example" / "plan.json"
    assert json_report.render(scan([example], ScanSettings())) == json_report.render(
        scan([example], ScanSettings())
    )
