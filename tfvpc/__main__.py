"""The `tfvpc` console script, also run by ``python -m tfvpc``.

It runs the click command group of `tfvpc.cli` and then ends the process without the
interpreter's teardown. A scan leaves the modules it imported (pydantic's above all) and its
report for the interpreter to free one object at a time at exit, which takes longer than
scanning a small plan; the operating system reclaims the memory at once. Nothing in tfvpc
registers exit handlers or holds unwritten files at that point, so the only state to settle is
the standard streams, which are flushed first.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from tfvpc.cli import ExitCode, main


def run() -> None:
    """Run the command line, flush stdout and stderr, and exit with the command's exit code.

    Returns only through `os._exit`; a non-integer exit status (which click never raises) is left
    to the interpreter's own handling.
    """
    try:
        main()
    except SystemExit as finished:
        status = finished.code
        if status is not None and not isinstance(status, int):
            raise
        os._exit(_flushed(status or ExitCode.OK))
    os._exit(_flushed(ExitCode.OK))


def _flushed(status: int) -> int:
    """Flush the standard streams; return `status`, or ERROR when they cannot be flushed.

    The command has already said why in one line: it writes the report with `click.echo`, which
    flushes, so a stream that fails here failed there first (a closed pipe, a full disk).
    """
    flushed = [_flush(stream) for stream in (sys.stdout, sys.stderr)]
    return status if all(flushed) else ExitCode.ERROR


def _flush(stream: TextIO) -> bool:
    """Flush `stream`; return False when it cannot be written."""
    try:
        stream.flush()
    except OSError:
        return False
    return True


if __name__ == "__main__":
    run()
