"""The plan/state front end: ``terraform show -json`` output -> resource instances (§3).

`load_plan_file` reads one JSON file, refuses what it cannot analyse with one clear InputError
(never a traceback, whatever the bytes), and hands every instance over with its values, unknowns
resolved to references where the configuration allows (R-PLAN-1/2, R-TF-3, R-LINK-1).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Literal

from tfvpc.errors import InputError
from tfvpc.load.plan_address import ModulePath
from tfvpc.load.plan_config import ModuleConfig, aws_provider_version, find_module, parse_module
from tfvpc.load.plan_entries import Collected, collect_plan, collect_state
from tfvpc.load.plan_index import InstanceIndex
from tfvpc.load.plan_json import as_dict, get_dict
from tfvpc.load.plan_lines import Sections, address_lines, top_level_sections
from tfvpc.load.plan_refs import Resolver
from tfvpc.load.plan_values import ValueBuilder
from tfvpc.load.resources import LoadedInput, ResourceInstance, SourceLocation

_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_PLAN_KEYS = (
    "planned_values",
    "resource_changes",
    "prior_state",
    "output_changes",
    "configuration",
)
_STATE_ONLY_KEYS = frozenset({"format_version", "terraform_version", "values", "checks"})
_VERSION = re.compile(r"(\d+)\.\d+")


def detect_json_kind(doc: dict[str, object]) -> Literal["plan", "state"] | None:
    """Return "plan" or "state" for the top-level object of `terraform show -json`, else None.

    A plan has ``planned_values``/``resource_changes`` (or another plan-only key); a state has
    ``values`` or, when empty, nothing but ``format_version``/``terraform_version``.
    """
    if any(key in doc for key in _PLAN_KEYS):
        return "plan"
    if isinstance(doc.get("values"), dict) or (
        "format_version" in doc and set(doc) <= _STATE_ONLY_KEYS
    ):
        return "state"
    return None


def load_plan_file(path: Path, display_path: str | None = None) -> LoadedInput:
    """Return the instances of the plan or state JSON at `path`.

    Raises InputError naming `display_path` (default: `path`) when nothing usable is there:
    unreadable file, binary plan, bytes that are not JSON text, JSON that is no plan or state,
    or a format_version other than 0.x/1.x.
    """
    display = display_path if display_path is not None else str(path)
    try:
        text = _decode(_read(path, display), display)
        sections = top_level_sections(text)
        doc = _parse(text, sections, display)
        kind = detect_json_kind(doc)
        if kind is None:
            raise InputError(display, _not_terraform(doc))
        _check_version(doc, display)
        collected = collect_plan(doc) if kind == "plan" else collect_state(doc)
        return _build(doc, text, sections, display, kind, collected)
    except RecursionError:
        raise InputError(display, "the JSON nests too deeply to analyse") from None
    except MemoryError:
        raise InputError(display, "the file is too large to load into memory") from None


def _read(path: Path, display: str) -> bytes:
    """Return the bytes of `path`; InputError if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(display, f"cannot read: {error.strerror or error}") from None


def _decode(data: bytes, display: str) -> str:
    """Return the text of `data`: UTF-8 (BOM allowed), or UTF-16 with a BOM (PowerShell `>`)."""
    if data.startswith(_ZIP_MAGIC):
        raise InputError(
            display,
            f"this is a binary plan file; run `terraform show -json {display} > plan.json` first",
        )
    if not data.strip():
        raise InputError(display, "the file is empty")
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            display, f"not UTF-8 text (invalid byte at offset {error.start}); expected JSON"
        ) from None


def _parse(text: str, sections: Sections, display: str) -> dict[str, object]:
    """Return the top-level JSON object of `text`; InputError if it is not JSON or no object.

    `sections` already hold the object when the text is one; json.loads decides otherwise.
    """
    complete = sections.document()
    if complete is not None:
        return complete
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            display, f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    found = as_dict(doc)
    if found is None:
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(type(doc), "a value")
        raise InputError(
            display,
            f"the JSON is {kind}, not the object `terraform show -json` prints for a plan or state",
        )
    return found


def _not_terraform(doc: dict[str, object]) -> str:
    """Return why a JSON object is neither plan nor state, with what to run instead."""
    if "resources" in doc and "lineage" in doc:
        return (
            "this is a raw Terraform state file; run `terraform show -json` in its directory "
            "(or `terraform show -json <file>`) and scan that output"
        )
    return (
        "this JSON is neither a Terraform plan nor a state; run "
        "`terraform show -json plan.out > plan.json` and scan plan.json"
    )


def _check_version(doc: dict[str, object], display: str) -> None:
    """Refuse format versions other than 0.x and 1.x (a missing version is accepted)."""
    if "format_version" not in doc:
        return
    raw = doc["format_version"]
    version = str(raw) if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else ""
    match = _VERSION.fullmatch(version)
    if match is None:
        raise InputError(display, f"unrecognised format_version {json.dumps(raw)}")
    if int(match.group(1)) >= 2:
        raise InputError(
            display,
            f"format_version {version} is not supported: tfvpc reads the JSON format 0.x and 1.x "
            "that Terraform 0.12 to 1.x print",
        )


def _build(
    doc: dict[str, object],
    text: str,
    sections: Sections,
    display: str,
    kind: Literal["plan", "state"],
    found: Collected,
) -> LoadedInput:
    """Return the LoadedInput for the collected entries of `doc`."""
    configuration = get_dict(doc, "configuration")
    root = parse_module(configuration["root_module"]) if "root_module" in configuration else None
    index = InstanceIndex(found.entries)
    builder = ValueBuilder(Resolver(root, index), index)
    wanted = {"resource_changes"} | {entry.section for entry in found.entries}
    lines = address_lines(text, sections, wanted)
    changes = lines.get("resource_changes", {})
    # Configuration is per module call: instances of one call share their module's.
    modules: dict[ModulePath, ModuleConfig | None] = {(): root}
    # A plan as Terraform writes it is one line: its instances share their location.
    locations: dict[int | None, SourceLocation] = {}
    resources = []
    for full_address, address, after, unknown, section, written in found.entries:
        module, module_text, mode, type_, name, key = address
        if module not in modules:
            modules[module] = find_module(root, tuple(call for call, _ in module))
        module_config = modules[module]
        # An unrepeated instance of the root module is addressed as its resource block is.
        resource = full_address if not module and key is None else address.resource
        block = module_config.resources.get(resource) if module_config else None
        siblings = index.keys((module, mode, type_, name)) if key is not None else None
        # The evaluation scope of the instance's own expressions (its module and key).
        scope = builder.scope(module, key, siblings, block.for_each_references if block else None)
        data_source = mode == "data"
        values = builder.build(
            full_address,
            after,
            unknown,
            block.expressions if block else None,
            scope,
            data_source=data_source,
        )
        section_lines = lines.get(section)
        line = section_lines.get(written) if section_lines is not None else None
        location = locations.get(line)
        if location is None:
            location = locations[line] = SourceLocation(display, line)
        resources.append(
            ResourceInstance(
                address=full_address,
                type=type_,
                name=name,
                values=values,
                mode="data" if data_source else "managed",
                module=module_text,
                index=key,
                location=location,
            )
        )
    return LoadedInput(
        path=display,
        kind=kind,
        resources=resources,
        problems=[
            replace(problem, location=SourceLocation(display, changes.get(problem.subject)))
            for problem in found.problems
        ],
        aws_provider_version=aws_provider_version(configuration),
        notes=found.notes,
    )
