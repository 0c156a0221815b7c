"""Where each instance's entry starts in the JSON text, for file:line locations in findings."""

from __future__ import annotations

import json
import re

_ADDRESS = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
_SPACE = re.compile(r"\s*")


def address_lines(text: str) -> dict[str, dict[str, int]]:
    """Return, per top-level section, the 1-based line of the first ``"address": "<a>"`` of each a.

    Sections are the keys of the top-level object (``resource_changes``, ``planned_values``,
    ``prior_state``, ``values``, ...), so that an address is found in the part of the file the
    instance was read from, never in ``configuration`` (whose addresses are module-relative).
    """
    found: dict[str, dict[str, int]] = {}
    # Spans and matches come in file order, so lines are counted incrementally.
    counted, line = 0, 1
    for section, start, end in _top_level_spans(text):
        lines = found.setdefault(section, {})
        for match in _ADDRESS.finditer(text, start, end):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            try:
                address = json.loads(match.group(1))
            except ValueError:
                continue
            lines.setdefault(address, line)
    return found


def _top_level_spans(text: str) -> list[tuple[str, int, int]]:
    """Return (key, start, end) of each member value of the top-level JSON object in `text`.

    Stops quietly at anything unexpected: locations are a convenience, never a reason to fail.
    """
    decoder = json.JSONDecoder()
    spans: list[tuple[str, int, int]] = []
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return spans
    pos += 1
    try:
        while True:
            pos = _skip(text, pos)
            key, pos = decoder.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not isinstance(key, str) or not text.startswith(":", pos):
                return spans
            start = _skip(text, pos + 1)
            _, end = decoder.raw_decode(text, start)
            spans.append((key, start, end))
            pos = _skip(text, end)
            if not text.startswith(",", pos):
                return spans
            pos += 1
    except (ValueError, RecursionError):
        return spans


def _skip(text: str, pos: int) -> int:
    """Return the position of the first non-whitespace character at or after `pos`."""
    match = _SPACE.match(text, pos)
    return match.end() if match is not None else pos
