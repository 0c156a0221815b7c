"""Tiny builders of hand-written `terraform show -json` documents for the plan loader tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tfvpc.load.plan import load_plan_file
from tfvpc.load.resources import LoadedInput, ResourceInstance


def change(
    address: str,
    after: dict[str, Any],
    after_unknown: dict[str, Any] | None = None,
    actions: tuple[str, ...] = ("create",),
    **extra: Any,
) -> dict[str, Any]:
    """Return one ``resource_changes`` entry (type/name taken from the address).

    `after_sensitive` goes into the change object; other keywords into the entry.
    """
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    sensitive = extra.pop("after_sensitive", None)
    entry: dict[str, Any] = {
        "address": address,
        "mode": "data" if address.startswith("data.") or ".data." in address else "managed",
        "type": parts[-2],
        "name": parts[-1],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": list(actions),
            "before": None,
            "after": after,
            "after_unknown": after_unknown or {},
        },
    }
    if sensitive is not None:
        entry["change"]["after_sensitive"] = sensitive
    entry.update(extra)
    return entry


def resource_config(address: str, **expressions: Any) -> dict[str, Any]:
    """Return one configuration resource; keyword values are expressions (see `refs`/`const`)."""
    type_, name = address.removeprefix("data.").split(".")
    count = expressions.pop("count_expression", None)
    for_each = expressions.pop("for_each_expression", None)
    entry: dict[str, Any] = {
        "address": address,
        "mode": "data" if address.startswith("data.") else "managed",
        "type": type_,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    }
    if count is not None:
        entry["count_expression"] = count
    if for_each is not None:
        entry["for_each_expression"] = for_each
    return entry


def refs(*references: str) -> dict[str, Any]:
    """Return an expression with these references."""
    return {"references": list(references)}


def const(value: Any) -> dict[str, Any]:
    """Return a constant expression."""
    return {"constant_value": value}


def module(
    resources: list[dict[str, Any]] | None = None,
    calls: dict[str, dict[str, Any]] | None = None,
    outputs: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return a configuration module body."""
    body: dict[str, Any] = {"resources": resources or []}
    if calls:
        body["module_calls"] = calls
    if outputs:
        body["outputs"] = {name: {"expression": expr} for name, expr in outputs.items()}
    return body


def call(body: dict[str, Any], repeated: str | None = None, **expressions: Any) -> dict[str, Any]:
    """Return a module call; `repeated` is "count" or "for_each" for a repeated module."""
    entry: dict[str, Any] = {"source": "./m", "expressions": expressions, "module": body}
    if repeated is not None:
        entry[f"{repeated}_expression"] = refs("var.keys")
    return entry


def plan(
    changes: list[Any],
    root: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return a plan document (format 1.2) with these changes and root configuration module."""
    doc: dict[str, Any] = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
    }
    if root is not None:
        doc["configuration"] = {"root_module": root}
    doc.update(extra)
    return doc


def load(tmp_path: Path, doc: Any, name: str = "plan.json") -> LoadedInput:
    """Write `doc` as indented JSON and load it."""
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2))
    return load_plan_file(path)


def by_address(loaded: LoadedInput) -> dict[str, ResourceInstance]:
    """Return the loaded instances by address."""
    return {resource.address: resource for resource in loaded.resources}
