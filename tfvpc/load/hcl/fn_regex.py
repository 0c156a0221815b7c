"""regex, regexall and regex replace (R-EVAL-9): RE2 semantics on top of Python's `re`.

Terraform uses Go's RE2. For the common subset Python gives the same matches once ``\\d``,
``\\w``, ``\\s`` and ``\\b`` are made ASCII-only. Where the two engines differ (Unicode classes,
``\\Q..\\E``, non-leading flag groups, ``$`` before a trailing newline, case folding beyond
ASCII, ...) the result is `Unknown` rather than a guess; syntax RE2 rejects (lookaround,
backreferences, possessive quantifiers) is an error, as in Terraform. Iteration over matches
follows Go's rule that an empty match right after a previous match is skipped.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from tfvpc.load.hcl.fn_support import Function, arity
from tfvpc.load.hcl.values import EvalError, NotKnown, Val, need_string
from tfvpc.load.resources import Unknown

_RE2_FLAGS = set("imsU-")
# Letter escapes that mean the same in RE2 and Python (with re.ASCII); RE2's \z is Python's \Z.
_PORTABLE_ESCAPES = "AbBdDwWsSzafnrtvx"


@dataclass(frozen=True)
class _Translation:
    pattern: str
    has_dollar: bool
    has_space_class: bool
    case_insensitive: bool


def _unsure(what: str) -> NotKnown:
    return NotKnown(Unknown(f"regular expression uses {what}, where RE2 and Python may differ"))


def _translate(pattern: str) -> _Translation:
    out: list[str] = []
    has_dollar = has_space = insensitive = False
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i + 1 : i + 2]
            if escape == "":
                raise EvalError("invalid regexp: trailing backslash")
            if escape.isdigit():
                raise _unsure("a numeric escape")
            if escape == "x" and pattern[i + 2 : i + 3] == "{":
                raise _unsure("\\x{...}")
            if escape.isalpha() and escape not in _PORTABLE_ESCAPES:
                raise _unsure(f"\\{escape}")
            has_space = has_space or escape in "sS"
            out.append("\\Z" if escape == "z" else pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):
                raise _unsure("a POSIX character class")
            if char == "]":
                in_class = False
            out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("\\]")  # a leading "]" is literal in both engines; keep it so
                i += 1
            i += 1
            continue
        if char == "(" and pattern.startswith("(?", i):
            consumed, text, flags = _group_opening(pattern, i)
            insensitive = insensitive or "i" in flags
            out.append(text)
            i += consumed
            continue
        if char in "*+?}" and pattern[i + 1 : i + 2] in ("+", "*"):
            raise EvalError("invalid regexp: bad repetition operator")
        if char == "{" and pattern.startswith("{,", i):
            raise _unsure("a {,n} repetition")
        has_dollar = has_dollar or char == "$"
        out.append(char)
        i += 1
    return _Translation("".join(out), has_dollar, has_space, insensitive)


def _group_opening(pattern: str, start: int) -> tuple[int, str, str]:
    """Return (characters consumed, Python text, inline flags) for a ``(?`` group opening."""
    rest = pattern[start + 2 :]
    if rest.startswith("P<"):
        return 4, "(?P<", ""
    if rest.startswith("<") and not rest.startswith(("<=", "<!")):
        return 3, "(?P<", ""
    if rest.startswith(":"):
        return 3, "(?:", ""
    match = re.match(r"([a-zA-Z-]*)([:)])", rest)
    if not match or not set(match.group(1)) <= _RE2_FLAGS or not match.group(1):
        raise EvalError("invalid regexp: unsupported group syntax (RE2 has no lookaround)")
    flags = match.group(1)
    if "U" in flags:
        raise _unsure("the U flag")
    if match.group(2) == ")" and start != 0:
        raise _unsure("a flag group after the start of the pattern")
    return 2 + match.end(), f"(?{flags}{match.group(2)}", flags


def compile_re2(pattern: str, subject: str) -> re.Pattern[str]:
    """Return a Python pattern matching `subject` exactly as RE2 would match `pattern`.

    Raises `EvalError` for patterns RE2 rejects and `NotKnown` where the engines may differ.
    """
    translation = _translate(pattern)
    if translation.has_dollar and "\n" in subject:
        raise _unsure("$ on a string containing a newline")
    if translation.has_space_class and "\v" in subject:
        raise _unsure("\\s on a string containing a vertical tab")
    if translation.case_insensitive and not (subject.isascii() and pattern.isascii()):
        raise _unsure("case-insensitive matching of non-ASCII text")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(translation.pattern, re.ASCII)
    except re.error as error:
        raise EvalError(f"invalid regexp pattern: {error}") from None


def _go_find_all(compiled: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Go's FindAll: successive matches; an empty match abutting the previous one is dropped."""
    matches: list[re.Match[str]] = []
    pos, previous_end = 0, -1
    while pos <= len(text):
        match = compiled.search(text, pos)
        if match is None:
            break
        accept = True
        if match.end() == pos:
            accept = match.start() != previous_end
            pos += 1
        else:
            pos = match.end()
        previous_end = match.end()
        if accept:
            matches.append(match)
    return matches


def _result(compiled: re.Pattern[str], match: re.Match[str]) -> Val:
    names = list(compiled.groupindex)
    if compiled.groups == 0:
        return match.group(0)
    if names and len(names) != compiled.groups:
        raise EvalError("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    if names:
        return {name: match.group(name) for name in names}
    return [match.group(n) for n in range(1, compiled.groups + 1)]


def _regex(args: list[Val]) -> Val:
    arity(args, 2)
    pattern = need_string(args[0], "the pattern")
    text = need_string(args[1], "the string")
    compiled = compile_re2(pattern, text)
    match = compiled.search(text)
    if match is None:
        raise EvalError("pattern did not match any part of the given string")
    return _result(compiled, match)


def _regexall(args: list[Val]) -> Val:
    arity(args, 2)
    pattern = need_string(args[0], "the pattern")
    text = need_string(args[1], "the string")
    compiled = compile_re2(pattern, text)
    return [_result(compiled, match) for match in _go_find_all(compiled, text)]


def regex_replace(pattern: str, text: str, template: str) -> str:
    """Return Go's ``Regexp.ReplaceAllString(text, template)`` (``$1``, ``${name}``, ``$$``)."""
    compiled = compile_re2(pattern, text)
    out: list[str] = []
    last_end = 0
    search = 0
    while search <= len(text):
        match = compiled.search(text, search)
        if match is None:
            break
        out.append(text[last_end : match.start()])
        # No replacement for an empty match right after another match (Go's rule).
        if match.end() > last_end or match.start() == 0:
            out.append(_expand(template, match))
        last_end = match.end()
        search = max(search + 1, match.end())
    out.append(text[last_end:])
    return "".join(out)


_GROUP_NAME = re.compile(r"[A-Za-z0-9_]+")


def _expand(template: str, match: re.Match[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        if template[i] != "$":
            out.append(template[i])
            i += 1
            continue
        if template.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        name, consumed = _reference(template, i + 1)
        if name is None:
            out.append("$")
            i += 1
            continue
        out.append(_group_text(match, name))
        i += 1 + consumed
    return "".join(out)


def _reference(template: str, start: int) -> tuple[str | None, int]:
    if template.startswith("{", start):
        end = template.find("}", start)
        name = template[start + 1 : end] if end > 0 else ""
        if end < 0 or not _GROUP_NAME.fullmatch(name):
            return None, 0
        return name, end - start + 1
    found = _GROUP_NAME.match(template, start)
    if found is None:
        return None, 0
    return found.group(0), len(found.group(0))


def _group_text(match: re.Match[str], name: str) -> str:
    try:
        value = match.group(int(name)) if name.isdigit() else match.group(name)
    except IndexError:
        return ""  # Go expands a group that does not exist to nothing
    return value or ""


FUNCTIONS: dict[str, Function] = {"regex": _regex, "regexall": _regexall}
