"""Type-safe access to parsed JSON, whose every part may have any type in a hostile file."""

from __future__ import annotations


def as_dict(value: object) -> dict[str, object] | None:
    """Return `value` if it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def as_list(value: object) -> list[object] | None:
    """Return `value` if it is a JSON array, else None."""
    return value if isinstance(value, list) else None


def as_str(value: object) -> str | None:
    """Return `value` if it is a JSON string, else None."""
    return value if isinstance(value, str) else None


def get_dict(parent: object, key: str) -> dict[str, object]:
    """Return `parent[key]` if both are JSON objects, else an empty dict."""
    found = as_dict(parent)
    child = as_dict(found.get(key)) if found is not None else None
    return child if child is not None else {}


def get_list(parent: object, key: str) -> list[object]:
    """Return `parent[key]` if `parent` is an object and `parent[key]` an array, else []."""
    found = as_dict(parent)
    child = as_list(found.get(key)) if found is not None else None
    return child if child is not None else []
