"""Shared pytest options for the whole test suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--update-golden`` (see tests/README.md; never used in CI)."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite fixtures/*/expected.json from the current findings, for review as a diff",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Return True when the run was asked to rewrite golden files instead of checking them."""
    return bool(request.config.getoption("--update-golden"))
