"""Finding, reading and parsing the configuration files of one module directory.

Every ``*.tf`` and ``*.tf.json`` file directly in the directory counts, in lexical order, the
override files (``override.tf``, ``*_override.tf``, and their JSON forms) last (R-EVAL-11).
Editor leftovers that Terraform skips (``.name``, ``name~``, ``#name#``) are skipped too.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from tfvpc.load.hcl.adapter import parse_config
from tfvpc.load.hcl.jsonsyntax import parse_json_config
from tfvpc.load.hcl.syntax import Body, SyntaxProblem

MAX_SOURCE_BYTES = 10 * 1024 * 1024
CONFIG_SUFFIXES = (".tf", ".tf.json")


class FileProblem(Exception):
    """A file that cannot be used; `message` reads ``<file>:<line>: <what>`` (or no line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ConfigFile:
    """One parsed configuration file."""

    path: Path
    display: str
    body: Body
    is_override: bool


def display_join(base: str, *parts: str) -> str:
    """Return the display path of `parts` under `base` (posix separators, normalised)."""
    return posixpath.normpath(posixpath.join(base, *parts))


def is_override(name: str) -> bool:
    """Return True for override file names (R-EVAL-11)."""
    stem = name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def config_file_paths(directory: Path) -> list[Path]:
    """Return the configuration files of `directory`: primaries sorted, then overrides sorted."""
    names: list[str] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(CONFIG_SUFFIXES) or _ignored(name):
                continue
            try:
                if entry.is_dir():
                    continue
            except OSError:
                pass  # a symlink loop or unreadable entry: reading it reports the problem
            names.append(name)
    names.sort()
    ordered = [n for n in names if not is_override(n)] + [n for n in names if is_override(n)]
    return [directory / name for name in ordered]


def _ignored(name: str) -> bool:
    return (
        name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
    )


def read_source(path: Path, display: str) -> str:
    """Return the text of `path`; raises `FileProblem` if it is unreadable or not UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise FileProblem(f"{display}: cannot read ({error.strerror or error})") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise FileProblem(f"{display}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise FileProblem(f"{display}:{line}: not valid UTF-8 (byte 0x{byte:02x})", line) from None


def parse_source(text: str, display: str, json_syntax: bool) -> Body:
    """Return the syntax tree of one file's text; raises `FileProblem` on a syntax error."""
    try:
        return parse_json_config(text) if json_syntax else parse_config(text)
    except SyntaxProblem as problem:
        where = f"{display}:{problem.line}" if problem.line else display
        raise FileProblem(f"{where}: {problem.message}", problem.line) from None


def load_file(path: Path, display: str) -> ConfigFile:
    """Return the parsed file at `path`; raises `FileProblem`."""
    text = read_source(path, display)
    body = parse_source(text, display, json_syntax=path.name.endswith(".json"))
    return ConfigFile(path, display, body, is_override(path.name))
