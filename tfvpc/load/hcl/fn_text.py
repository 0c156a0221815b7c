"""String functions (R-EVAL-9), following Go's strings package where Terraform uses it."""

from __future__ import annotations

import posixpath
import re
import unicodedata

from tfvpc.load.hcl.fn_regex import regex_replace
from tfvpc.load.hcl.fn_support import VARIADIC, Function, arity, bounded, graphemes
from tfvpc.load.hcl.values import EvalError, Val, need_int, need_list, need_string

# Go's unicode.IsSpace: ASCII white space, U+0085, U+00A0 and category Z* separators.
_GO_SPACE = "\t\n\v\f\r \x85\xa0"


def _is_go_space(char: str) -> bool:
    return char in _GO_SPACE or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def _join(args: list[Val]) -> Val:
    arity(args, 2, VARIADIC)
    separator = need_string(args[0], "the separator")
    pieces: list[str] = []
    for arg in args[1:]:
        for item in need_list(arg, "each list"):
            if item is None:
                raise EvalError("an element of the list is null")
            pieces.append(need_string(item, "each element"))
    return separator.join(pieces)


def _split(args: list[Val]) -> Val:
    arity(args, 2)
    separator = need_string(args[0], "the separator")
    text = need_string(args[1], "the string")
    if separator == "":
        return list(text)  # Go's strings.Split with an empty separator splits every rune
    return list(text.split(separator))


def _replace(args: list[Val]) -> Val:
    arity(args, 3)
    text = need_string(args[0], "the string")
    search = need_string(args[1], "the substring")
    replacement = need_string(args[2], "the replacement")
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return regex_replace(search[1:-1], text, replacement)
    return text.replace(search, replacement)


def _map_runes(text: str, upper: bool) -> str:
    # Go maps rune by rune; Python's str.upper() may expand one character into several.
    out = []
    for char in text:
        mapped = char.upper() if upper else char.lower()
        out.append(mapped if len(mapped) == 1 else char)
    return "".join(out)


def _lower(args: list[Val]) -> Val:
    arity(args, 1)
    return _map_runes(need_string(args[0]), upper=False)


def _upper(args: list[Val]) -> Val:
    arity(args, 1)
    return _map_runes(need_string(args[0]), upper=True)


def _title(args: list[Val]) -> Val:
    arity(args, 1)
    out: list[str] = []
    previous = " "
    for char in need_string(args[0]):
        out.append(_map_runes(char, upper=True) if _go_title_separator(previous) else char)
        previous = char
    return "".join(out)


def _go_title_separator(char: str) -> bool:
    """Go strings.Title's isSeparator."""
    if char.isascii():
        return not (char.isalnum() or char == "_")
    if char.isalpha() or char.isdigit():
        return False
    return _is_go_space(char)


def _trimspace(args: list[Val]) -> Val:
    arity(args, 1)
    text = need_string(args[0])
    start, end = 0, len(text)
    while start < end and _is_go_space(text[start]):
        start += 1
    while end > start and _is_go_space(text[end - 1]):
        end -= 1
    return text[start:end]


def _trim(args: list[Val]) -> Val:
    arity(args, 2)
    return need_string(args[0]).strip(need_string(args[1], "the characters to trim"))


def _trimprefix(args: list[Val]) -> Val:
    arity(args, 2)
    return need_string(args[0]).removeprefix(need_string(args[1]))


def _trimsuffix(args: list[Val]) -> Val:
    arity(args, 2)
    return need_string(args[0]).removesuffix(need_string(args[1]))


_TRAILING_NEWLINES = re.compile(r"(?:\r\n?|\n)*\Z")


def _chomp(args: list[Val]) -> Val:
    arity(args, 1)
    return _TRAILING_NEWLINES.sub("", need_string(args[0]), count=1)


def _startswith(args: list[Val]) -> Val:
    arity(args, 2)
    return need_string(args[0]).startswith(need_string(args[1]))


def _endswith(args: list[Val]) -> Val:
    arity(args, 2)
    return need_string(args[0]).endswith(need_string(args[1]))


def _substr(args: list[Val]) -> Val:
    """cty's SubstrFunc over grapheme clusters, including its handling of edge offsets."""
    arity(args, 3)
    clusters = graphemes(need_string(args[0], "the string"))
    offset = need_int(args[1], "the offset")
    length = need_int(args[2], "the length")
    if offset < 0:
        offset += len(clusters)
    elif length == 0:
        return ""
    if offset > 0:
        if offset >= len(clusters):
            return ""
        clusters = clusters[offset:]
    if length < 0:
        return "".join(clusters)
    # With a negative offset cty skips the zero-length shortcut and takes the whole rest.
    return "".join(clusters if length == 0 else clusters[:length])


def _strrev(args: list[Val]) -> Val:
    arity(args, 1)
    return "".join(reversed(graphemes(need_string(args[0]))))


def _indent(args: list[Val]) -> Val:
    arity(args, 2)
    pad = " " * bounded(need_int(args[0], "the number of spaces"), "indent()")
    return need_string(args[1]).replace("\n", "\n" + pad)


def _basename(args: list[Val]) -> Val:
    """Go's filepath.Base (Terraform runs on the scanning host's path rules; posix here)."""
    arity(args, 1)
    path = need_string(args[0], "the path").rstrip("/")
    if not path:
        return "/" if need_string(args[0]) else "."
    return path.rsplit("/", 1)[-1]


def _dirname(args: list[Val]) -> Val:
    """Go's filepath.Dir: everything before the last separator, cleaned."""
    arity(args, 1)
    path = need_string(args[0], "the path")
    cut = path.rfind("/")
    return posixpath.normpath(path[: cut + 1]) if cut >= 0 else "."


FUNCTIONS: dict[str, Function] = {
    "join": _join,
    "split": _split,
    "replace": _replace,
    "lower": _lower,
    "upper": _upper,
    "title": _title,
    "trimspace": _trimspace,
    "trim": _trim,
    "trimprefix": _trimprefix,
    "trimsuffix": _trimsuffix,
    "chomp": _chomp,
    "startswith": _startswith,
    "endswith": _endswith,
    "substr": _substr,
    "strrev": _strrev,
    "indent": _indent,
    "basename": _basename,
    "dirname": _dirname,
}
