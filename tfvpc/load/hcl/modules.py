"""Where a module call's source lives on disk (R-EVAL-8).

Local sources (``./``, ``../``) resolve against the calling module's directory. Anything else
(registry, git, http, S3, ...) is found only through ``.terraform/modules/modules.json``, which
``terraform init`` writes: ``{"Modules": [{"Key": "vpc.subnets", "Source": ..., "Dir": ...}]}``
with ``Key`` the dotted call path and ``Dir`` relative to the root module. Without it the
module is not resolved and its outputs are unknown (TFV002).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from tfvpc.load.hcl.files import display_join

MANIFEST = Path(".terraform") / "modules" / "modules.json"
_REGISTRY = re.compile(r"^([\w.-]+/)?[\w-]+/[\w-]+/[\w-]+(//.*)?$")


@dataclass(frozen=True)
class ModuleManifest:
    """The module directories ``terraform init`` installed, by dotted call path."""

    dirs: dict[str, str]

    @classmethod
    def read(cls, root: Path) -> ModuleManifest | None:
        """Return the manifest under `root`, or None if there is none or it is unreadable."""
        try:
            data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        entries = data.get("Modules") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return None
        dirs: dict[str, str] = {}
        for entry in entries:
            if isinstance(entry, dict):
                key, directory = entry.get("Key"), entry.get("Dir")
                if isinstance(key, str) and isinstance(directory, str):
                    dirs[key] = directory.replace("\\", "/")
        return cls(dirs)


@dataclass(frozen=True)
class ResolvedSource:
    """A module directory on disk and its display path."""

    directory: Path
    display_dir: str


@dataclass(frozen=True)
class UnresolvedSource:
    """A module whose source is not on disk, and why."""

    reason: str


def is_local(source: str) -> bool:
    """Return True for local path sources (``./x``, ``../x``)."""
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


def _kind(source: str) -> str:
    if _REGISTRY.match(source):
        return "registry"
    if source.startswith("git::") or source.startswith("git@") or ".git" in source:
        return "git"
    return "remote"


def resolve(
    name: str,
    source: str | None,
    call_path: str,
    caller: ResolvedSource,
    root: ResolvedSource,
    manifest: ModuleManifest | None,
) -> ResolvedSource | UnresolvedSource:
    """Return where module call `name` (dotted `call_path`) of `caller` has its files."""
    if source is None:
        return UnresolvedSource(
            f"module {name} is not resolved (its source is not a literal string)"
        )
    if is_local(source):
        relative = source.replace("\\", "/")
        directory = caller.directory / relative
        if not directory.is_dir():
            return UnresolvedSource(f"module {name} is not resolved ({source} does not exist)")
        return ResolvedSource(directory, display_join(caller.display_dir, relative))
    kind = _kind(source)
    if manifest is None:
        return UnresolvedSource(
            f"module {name} is not resolved ({kind} source, no .terraform/modules)"
        )
    installed = manifest.dirs.get(call_path)
    if installed is None:
        return UnresolvedSource(
            f"module {name} is not resolved ({kind} source, not in {MANIFEST.as_posix()})"
        )
    directory = Path(installed) if posixpath.isabs(installed) else root.directory / installed
    if not directory.is_dir():
        return UnresolvedSource(
            f"module {name} is not resolved ({installed} from {MANIFEST.as_posix()} is missing)"
        )
    display = installed if posixpath.isabs(installed) else display_join(root.display_dir, installed)
    return ResolvedSource(directory, display)
