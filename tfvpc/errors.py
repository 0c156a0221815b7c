"""Errors that end a run with exit code 2 and one clear line on stderr (never a traceback)."""

from __future__ import annotations


class TfvpcError(Exception):
    """Base of every error the CLI reports as one line and exit code 2."""

    exit_code = 2


class InputError(TfvpcError):
    """An input cannot be analysed at all: missing, unreadable, wrong format or version.

    The message names the input and what is wrong, e.g.
    ``plan.out: this is a binary plan file; run `terraform show -json plan.out > plan.json` first``.
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UsageError(TfvpcError):
    """The command line asks for something impossible (bad --var, unknown rule id, ...)."""
