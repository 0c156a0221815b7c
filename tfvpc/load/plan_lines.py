"""The top-level sections of a plan/state JSON text, and where each instance's entry starts in
them, for file:line locations in findings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

# An address without escapes or control characters is its own text (the fast, usual case);
# anything else is decoded as the JSON string it is.
_ADDRESS = re.compile(r'"address"\s*:\s*(?:"([^"\\\x00-\x1f]*)"|("(?:[^"\\]|\\.)*"))')
# JSON whitespace only (RFC 8259), as json.loads accepts between tokens.
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Section:
    """One member of the top-level JSON object: its key, decoded value and text span."""

    key: str
    value: object
    start: int
    end: int


@dataclass(frozen=True)
class Sections:
    """The members of the top-level object read so far; `complete` when that is the whole text,
    so that the members are exactly what ``json.loads`` returns for it."""

    members: tuple[Section, ...]
    complete: bool

    def document(self) -> dict[str, object] | None:
        """Return the top-level object when the text was read completely, else None."""
        if not self.complete:
            return None
        # Later duplicates win, in the position of the first, as in json.loads.
        return {section.key: section.value for section in self.members}


def top_level_sections(text: str) -> Sections:
    """Return the members of the top-level JSON object in `text`, each decoded once.

    The decoding is json's own, member by member, so the loader parses the text once and still
    knows where each section lies. Stops quietly (incomplete) at anything unexpected, including
    text that is not JSON: the caller then leaves the verdict to ``json.loads``.
    """
    members: list[Section] = []
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return Sections((), False)
    pos = _skip(text, pos + 1)
    if text.startswith("}", pos):
        return Sections((), _skip(text, pos + 1) == len(text))
    try:
        while True:
            if not text.startswith('"', pos):
                return Sections(tuple(members), False)
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not text.startswith(":", pos):
                return Sections(tuple(members), False)
            start = _skip(text, pos + 1)
            value, end = _DECODER.raw_decode(text, start)
            members.append(Section(key, value, start, end))
            pos = _skip(text, end)
            if text.startswith("}", pos):
                return Sections(tuple(members), _skip(text, pos + 1) == len(text))
            if not text.startswith(",", pos):
                return Sections(tuple(members), False)
            pos = _skip(text, pos + 1)
    except (ValueError, RecursionError):
        return Sections(tuple(members), False)


def address_lines(
    text: str, sections: Sections | None = None, wanted: Iterable[str] | None = None
) -> dict[str, dict[str, int]]:
    """Return, per top-level section, the 1-based line of the first ``"address": "<a>"`` of each a.

    Sections are the keys of the top-level object (``resource_changes``, ``planned_values``,
    ``prior_state``, ``values``, ...), so that an address is found in the part of the file the
    instance was read from, never in ``configuration`` (whose addresses are module-relative).
    `sections` are those of `text` when already read; `wanted` limits the sections searched.
    """
    found: dict[str, dict[str, int]] = {}
    keep = None if wanted is None else frozenset(wanted)
    members = (sections or top_level_sections(text)).members
    # Spans and matches come in file order, so lines are counted incrementally.
    counted, line = 0, 1
    for section in members:
        if keep is not None and section.key not in keep:
            continue
        lines = found.setdefault(section.key, {})
        line += text.count("\n", counted, section.start)
        counted = section.start
        if text.find("\n", section.start, section.end) < 0:
            # All on one line, as Terraform writes a plan: no line to count per address.
            for plain, escaped in _ADDRESS.findall(text, section.start, section.end):
                address = _decoded(escaped) if escaped else plain
                if address is not None:
                    lines.setdefault(address, line)
            continue
        for match in _ADDRESS.finditer(text, section.start, section.end):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            plain, escaped = match.groups()
            address = plain if plain is not None else _decoded(escaped)
            if address is not None:
                lines.setdefault(address, line)
    return found


def _decoded(escaped: str) -> str | None:
    """Return the address an escaped JSON string holds, None if it does not decode."""
    try:
        address = json.loads(escaped)
    except ValueError:
        return None
    return address if isinstance(address, str) else None


def _skip(text: str, pos: int) -> int:
    """Return the position of the first non-whitespace character at or after `pos`."""
    match = _SPACE.match(text, pos)
    return match.end() if match is not None else pos
