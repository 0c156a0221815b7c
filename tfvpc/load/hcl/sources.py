"""Reading one module directory into a `ModuleConfig`, recording files that cannot be used.

A file that cannot be read or parsed becomes a TFV001 problem and the others are still used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tfvpc.load.hcl.config import ModuleConfig, build_config
from tfvpc.load.hcl.files import ConfigFile, FileProblem, config_file_paths, display_join, load_file
from tfvpc.load.resources import InputProblem, SourceLocation


@dataclass
class ModuleSource:
    """A module directory read from disk: its declarations, file counts and problems."""

    config: ModuleConfig
    file_count: int
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Return True if at least one file could be parsed."""
        return self.file_count > len(self.problems)


def read_module(directory: Path, display_dir: str) -> ModuleSource:
    """Return the parsed module in `directory` (display paths under `display_dir`)."""
    problems: list[InputProblem] = []
    parsed: list[ConfigFile] = []
    try:
        paths = config_file_paths(directory)
    except OSError as error:
        problem = InputProblem(
            "TFV001", display_dir, f"{display_dir}: cannot list ({error.strerror})"
        )
        return ModuleSource(ModuleConfig(directory, display_dir), 0, [problem])
    for path in paths:
        display = display_join(display_dir, path.name)
        try:
            parsed.append(load_file(path, display))
        except FileProblem as problem:
            location = SourceLocation(display, problem.line)
            problems.append(InputProblem("TFV001", display, problem.message, location))
    return ModuleSource(build_config(directory, display_dir, parsed), len(paths), problems)
