"""Terraform addresses and references as traversals: parsing and printing.

Both instance addresses (``module.net["a"].aws_subnet.public[0]``) and the reference strings of plan
configuration (``aws_vpc.main.id``, ``module.vpc.private_subnets``, ``var.ids[0]``) are traversals:
a root name followed by ``.name`` attribute steps and ``[key]`` index steps.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple, TypeAlias

Key: TypeAlias = int | str
Step: TypeAlias = str | tuple[Key]
"""An attribute step is its name; an index step is a 1-tuple holding the key."""

ModulePath: TypeAlias = tuple[tuple[str, Key | None], ...]
"""A module instance path: one (call name, instance key or None) per ``module.`` step."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INT = re.compile(r"-?[0-9]+")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
_SIMPLE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)")


def parse_traversal(text: str) -> list[Step] | None:
    """Return the steps of `text` (``a.b[0]["k"].c``), or None when it is not a plain traversal."""
    if _DOTTED.fullmatch(text) is not None:
        # Names only (``aws_vpc.main.id``), as most references are: no step-by-step scan.
        return [*text.split(".")]
    scanned = _scan(text)
    return None if scanned is None else [step for step, _ in scanned]


def _scan(text: str) -> list[tuple[Step, int]] | None:
    """Return each step of traversal `text` with the offset where it starts, or None."""
    steps: list[tuple[Step, int]] = []
    pos = 0
    expect_name = True
    while pos < len(text):
        if expect_name:
            match = _NAME.match(text, pos)
            if match is None:
                return None
            steps.append((match.group(), pos))
            pos = match.end()
            expect_name = False
        elif text[pos] == ".":
            pos += 1
            expect_name = True
        elif text[pos] == "[":
            start = pos
            key, pos = _parse_key(text, pos + 1)
            if key is None:
                return None
            steps.append(((key,), start))
        else:
            return None
    return None if expect_name else steps


def _parse_key(text: str, pos: int) -> tuple[Key | None, int]:
    """Return the index key starting at `pos` (after ``[``) and the position after ``]``."""
    key: Key
    string = _STRING.match(text, pos)
    if string is not None:
        try:
            key = json.loads(string.group())
        except ValueError:
            return None, pos
        end = string.end()
    else:
        number = _INT.match(text, pos)
        if number is None:
            return None, pos
        key = int(number.group())
        end = number.end()
    if not text.startswith("]", end):
        return None, pos
    return key, end + 1


def format_key(key: Key) -> str:
    """Return `key` as Terraform prints it inside brackets: ``0`` or ``"a"``."""
    return str(key) if isinstance(key, int) else json.dumps(key, ensure_ascii=False)


def format_steps(steps: list[Step] | tuple[Step, ...]) -> str:
    """Return the traversal text of `steps` (the inverse of `parse_traversal`)."""
    parts: list[str] = []
    for step in steps:
        if isinstance(step, tuple):
            parts.append(f"[{format_key(step[0])}]")
        else:
            parts.append(f".{step}" if parts else step)
    return "".join(parts)


class InstanceAddress(NamedTuple):
    """The parts of a resource instance address; `module_text` is its module part as written.

    A named tuple: one is made per instance, at a fifth of a frozen dataclass's cost. Equality
    includes `module_text`; `same_instance` compares the parts only.
    """

    module: ModulePath
    module_text: str
    mode: str
    type: str
    name: str
    key: Key | None

    @property
    def resource(self) -> str:
        """Return the module-relative resource address as configuration names it."""
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    def same_instance(self, other: InstanceAddress) -> bool:
        """Return True if `other` names the same instance, however its module part is written."""
        return self[:1] + self[2:] == other[:1] + other[2:]


def parse_instance_address(text: str) -> InstanceAddress | None:
    """Return the parts of instance address `text`, or None when it is not one."""
    simple = _SIMPLE.fullmatch(text)
    if simple is not None:
        root_type, root_name = simple.groups()
        if root_type not in ("module", "data"):
            # A root resource without index (``aws_vpc.main``), most addresses: no scan needed.
            return InstanceAddress((), "", "managed", root_type, root_name, None)
    scanned = _scan(text)
    if scanned is None:
        return None
    steps = [step for step, _ in scanned]
    module: list[tuple[str, Key | None]] = []
    pos = 0
    while pos + 1 < len(steps) and steps[pos] == "module":
        name = steps[pos + 1]
        if not isinstance(name, str):
            return None
        pos += 2
        key: Key | None = None
        if pos < len(steps):
            step = steps[pos]
            if isinstance(step, tuple):
                key = step[0]
                pos += 1
        module.append((name, key))
    # The module part as written, up to the dot before the resource part.
    module_text = text[: scanned[pos][1] - 1] if module and pos < len(scanned) else ""
    mode = "managed"
    if steps[pos : pos + 1] == ["data"]:
        mode = "data"
        pos += 1
    rest = steps[pos:]
    if len(rest) not in (2, 3):
        return None
    type_, name_ = rest[0], rest[1]
    if not isinstance(type_, str) or not isinstance(name_, str):
        return None
    instance_key: Key | None = None
    if len(rest) == 3:
        last = rest[2]
        if not isinstance(last, tuple):
            return None
        instance_key = last[0]
    return InstanceAddress(tuple(module), module_text, mode, type_, name_, instance_key)
