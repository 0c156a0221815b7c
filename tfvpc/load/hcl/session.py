"""State shared by every module instance of one load: memo with cycle detection, problems.

Everything is evaluated lazily (R-EVAL-4): a local, variable, output, resource attribute or
expansion is computed the first time something asks for it, then remembered. Asking for a
value that is being computed is a dependency cycle, reported as an error naming the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar, cast

from tfvpc.load.hcl.config import ModuleCallDecl
from tfvpc.load.hcl.modules import ModuleManifest, ResolvedSource
from tfvpc.load.hcl.sources import ModuleSource, read_module
from tfvpc.load.hcl.values import EvalError, Val
from tfvpc.load.resources import InputProblem, SourceLocation

T = TypeVar("T")


class CycleError(EvalError):
    """A value that depends on itself."""


class Session:
    """One `load_directory` call: root paths, root variable values, memo, problems."""

    def __init__(
        self,
        root: Path,
        display_root: str,
        root_values: Mapping[str, Val],
        manifest: ModuleManifest | None,
    ) -> None:
        self.root = root
        self.display_root = display_root
        self.root_location = ResolvedSource(root, display_root)
        self.root_values = root_values
        self.manifest = manifest
        self.problems: list[InputProblem] = []
        self.notes: list[str] = []
        self._cache: dict[str, object] = {}
        self._active: dict[str, None] = {}
        self._sources: dict[Path, ModuleSource] = {}
        self._unresolved: set[str] = set()

    def compute(self, key: str, produce: Callable[[], T]) -> T:
        """Return the memoised result for `key`, producing it once; raises `CycleError`."""
        if key in self._cache:
            return cast(T, self._cache[key])
        if key in self._active:
            chain = list(self._active)
            cycle = [*chain[chain.index(key) :], key]
            raise CycleError("dependency cycle: " + " -> ".join(cycle))
        self._active[key] = None
        try:
            result = produce()
        finally:
            del self._active[key]
        self._cache[key] = result
        return result

    def module_source(self, location: ResolvedSource) -> ModuleSource:
        """Return the parsed module at `location`, reading it (and recording TFV001) once."""
        key = location.directory.resolve()
        if key not in self._sources:
            source = read_module(location.directory, location.display_dir)
            self.problems.extend(source.problems)
            self.notes.extend(source.config.notes)
            self._sources[key] = source
        return self._sources[key]

    def add_source(self, source: ModuleSource) -> None:
        """Register the root module's parsed source so that it is not read again."""
        self._sources[source.config.directory.resolve()] = source
        self.problems.extend(source.problems)
        self.notes.extend(source.config.notes)

    def report_unresolved(
        self, call_path: str, subject: str, reason: str, call: ModuleCallDecl
    ) -> None:
        """Record a TFV002 problem for a module call whose source is not on disk (once)."""
        if call_path in self._unresolved:
            return
        self._unresolved.add(call_path)
        location = SourceLocation(call.file, call.line)
        self.problems.append(InputProblem("TFV002", subject, reason, location))
