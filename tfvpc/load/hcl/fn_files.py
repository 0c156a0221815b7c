"""file(), fileexists(), filebase64() (R-EVAL-9): read files of the scanned tree, nothing else.

Relative paths resolve against the root module directory (Terraform's working directory;
``path.module`` is relative to it). A path outside the scanned directory and the current
module's directory is never read: its content is `Unknown`, as is a missing file (it may be
generated during apply).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from tfvpc.load.hcl.fn_support import arity
from tfvpc.load.hcl.values import EvalError, NotKnown, Val, need_string
from tfvpc.load.resources import Unknown

MAX_FILE_BYTES = 4 * 1024 * 1024


class FileAccess:
    """Read access to files under the scanned directory (and the current module directory)."""

    def __init__(self, root: Path, module_dir: Path) -> None:
        self.root = root
        self.module_dir = module_dir

    def _resolve(self, text: str) -> Path:
        try:
            target = (self.root / Path(text).expanduser()).resolve()
            allowed = (self.root.resolve(), self.module_dir.resolve())
        except (OSError, RuntimeError):
            raise NotKnown(Unknown(f"file {text} cannot be resolved")) from None
        if not any(target == base or base in target.parents for base in allowed):
            raise NotKnown(Unknown(f"file {text} is outside the scanned directory and is not read"))
        return target

    def read_bytes(self, text: str) -> bytes:
        """Return the content of file `text`; raises `NotKnown` if it cannot be known."""
        target = self._resolve(text)
        try:
            if not target.is_file():
                raise NotKnown(Unknown(f"file {text} does not exist before apply"))
            if target.stat().st_size > MAX_FILE_BYTES:
                raise NotKnown(Unknown(f"file {text} is too large to read"))
            return target.read_bytes()
        except OSError as error:
            raise NotKnown(Unknown(f"file {text} cannot be read ({error.strerror})")) from None

    def read_text(self, text: str) -> str:
        """Return file `text` decoded as UTF-8; raises `EvalError` if it is not UTF-8."""
        try:
            return self.read_bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise EvalError(f"contents of {text} are not valid UTF-8; use filebase64") from None

    def exists(self, text: str) -> bool:
        """Return whether `text` names an existing regular file inside the tree."""
        try:
            return self._resolve(text).is_file()
        except OSError:
            return False


def _file(args: list[Val], files: FileAccess) -> Val:
    arity(args, 1)
    return files.read_text(need_string(args[0], "the path"))


def _fileexists(args: list[Val], files: FileAccess) -> Val:
    arity(args, 1)
    return files.exists(need_string(args[0], "the path"))


def _filebase64(args: list[Val], files: FileAccess) -> Val:
    arity(args, 1)
    return base64.b64encode(files.read_bytes(need_string(args[0], "the path"))).decode("ascii")


FILE_FUNCTIONS: dict[str, Callable[[list[Val], FileAccess], Val]] = {
    "file": _file,
    "fileexists": _fileexists,
    "filebase64": _filebase64,
}
