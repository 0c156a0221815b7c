"""Which instances a plan or state describes, and the raw values each one has (R-PLAN-1, §3.4).

A plan's instances come from ``resource_changes`` (everything not being deleted or forgotten);
instances absent from it are taken from ``planned_values`` and then from ``prior_state`` (data
sources read while planning, and resources a ``-target`` plan leaves untouched). A state's
instances are its ``values``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from tfvpc.load.plan_address import InstanceAddress, format_key, parse_instance_address
from tfvpc.load.plan_json import as_dict, as_str, get_dict, get_list
from tfvpc.load.resources import InputProblem, Value

# R-PLAN-1: these instances do not exist after apply.
_GONE_ACTIONS = (["delete"], ["forget"])
_MODES = ("managed", "data")
# Guards against hostile inputs nesting child_modules without end.
_MAX_MODULE_DEPTH = 64


class Entry(NamedTuple):
    """One instance as read: full address (text and parts), values, unknown markers, origin.

    `written` is the address as the file writes it (module-relative in 0.12 state values),
    the key for finding the entry's line. `after` is parsed JSON: Values without Refs and
    Unknowns. A named tuple: one is made per instance.
    """

    text: str
    address: InstanceAddress
    after: dict[str, Value]
    unknown: object
    section: str
    written: str


@dataclass
class Collected:
    """Instances found, problems with entries that had to be skipped, and notes for the user."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def collect_plan(doc: dict[str, object]) -> Collected:
    """Return the instances that exist after applying plan `doc`."""
    collected = Collected()
    seen: set[str] = set()
    for position, raw in enumerate(get_list(doc, "resource_changes")):
        _take_change(collected, seen, position, raw)
    planned = [
        entry
        for entry in _module_entries(get_dict(doc, "planned_values"), "planned_values", collected)
        if entry.text not in seen
    ]
    seen.update(entry.text for entry in planned)
    prior_values = get_dict(get_dict(doc, "prior_state"), "values")
    prior = [
        entry
        for entry in _module_entries(prior_values, "prior_state", collected)
        if entry.text not in seen
    ]
    collected.entries += planned + prior
    untouched = sum(1 for entry in prior if entry.address.mode == "managed")
    if untouched:
        collected.notes.append(
            f"{untouched} resource instance(s) without a planned value (for example outside "
            "-target) were read from prior_state as they are now"
        )
    if doc.get("complete") is False:
        collected.notes.append(
            "Terraform marked this plan incomplete (complete: false): it may not show every change"
        )
    if doc.get("errored") is True:
        collected.notes.append("Terraform reported errors while planning: the plan may be partial")
    return collected


def collect_state(doc: dict[str, object]) -> Collected:
    """Return the instances recorded in state `doc` (all values literal, §3.4)."""
    collected = Collected()
    collected.entries = list(_module_entries(get_dict(doc, "values"), "values", collected))
    return collected


def _take_change(collected: Collected, seen: set[str], position: int, raw: object) -> None:
    """Add the instance of one ``resource_changes`` entry unless it is gone after apply."""
    # as_dict/as_str/get_dict written out: this runs once per resource_changes entry.
    change = raw if isinstance(raw, dict) else None
    address = change.get("address") if change is not None else None
    if change is None or not isinstance(address, str):
        collected.problems.append(
            _problem(f"resource_changes[{position}]", "the entry has no address; it was skipped")
        )
        return
    mode = change.get("mode")
    if change.get("deposed") or (mode is not None and mode not in _MODES):
        # A deposed object is the old copy of a replaced instance, being destroyed; other
        # modes than managed and data (ephemeral) are not wanted.
        return
    body = change.get("change")
    if not isinstance(body, dict):
        body = {}
    if body.get("actions") in _GONE_ACTIONS:
        seen.add(address)
        return
    after = body.get("after")
    if after is None:
        # No object after apply, yet not a deletion (seen in 0.12-1.0 plans for no-op
        # entries): planned_values or prior_state may still describe it.
        return
    parsed = parse_instance_address(address)
    if parsed is None:
        problem = "is not a resource instance address"
    elif address in seen:
        problem = "appears twice"
    elif not isinstance(after, dict):
        problem = "has an 'after' value that is not an object"
    else:
        seen.add(address)
        unknown = body.get("after_unknown", False)
        collected.entries.append(
            Entry(address, parsed, after, unknown, "resource_changes", address)
        )
        return
    seen.add(address)
    collected.problems.append(_problem(address, f"the plan entry {problem}; it was skipped"))


def _wanted_mode(resource: dict[str, object]) -> bool:
    """Return True unless the entry declares a mode other than managed/data (e.g. ephemeral)."""
    mode = resource.get("mode")
    return mode is None or mode in _MODES


def _module_entries(
    values: dict[str, object], section: str, collected: Collected
) -> Iterator[Entry]:
    """Yield the instances of a values representation (``root_module`` and child modules)."""
    pending: list[tuple[object, int]] = [(values.get("root_module"), 0)]
    seen: set[str] = set()
    while pending:
        module, depth = pending.pop()
        if depth > _MAX_MODULE_DEPTH:
            collected.problems.append(_problem(section, "modules nest too deeply; skipped"))
            continue
        module_address = as_str((as_dict(module) or {}).get("address")) or ""
        for raw in get_list(module, "resources"):
            resource = as_dict(raw)
            if resource is not None and (resource.get("deposed_key") or not _wanted_mode(resource)):
                continue
            entry = _value_entry(resource, module_address, section)
            if entry is None:
                collected.problems.append(
                    _problem(section, "a resource entry without a valid address was skipped")
                )
            elif entry.text not in seen:
                seen.add(entry.text)
                yield entry
        pending += [(child, depth + 1) for child in reversed(get_list(module, "child_modules"))]


def _value_entry(
    resource: dict[str, object] | None, module_address: str, section: str
) -> Entry | None:
    """Return the entry of one values-representation resource, or None if it is unreadable."""
    if resource is None:
        return None
    address = _full_address(resource, module_address)
    parsed = parse_instance_address(address) if address is not None else None
    values = resource.get("values", {})
    if address is None or parsed is None or not isinstance(values, dict):
        return None
    written = as_str(resource.get("address")) or address
    return Entry(address, parsed, values, False, section, written)


def _full_address(resource: dict[str, object], module_address: str) -> str | None:
    """Return the full instance address of a values-representation resource.

    Terraform 0.12 writes state values (``prior_state``, state files) with module-relative
    addresses and no index (``aws_instance.web`` for ``module.app.aws_instance.web[0]``); the
    address is rebuilt from the module's address, mode, type, name and index.
    """
    written = as_str(resource.get("address"))
    type_, name = as_str(resource.get("type")), as_str(resource.get("name"))
    if type_ is None or name is None:
        return written
    parsed = parse_instance_address(written) if written is not None else None
    mode = resource.get("mode", parsed.mode if parsed is not None else "managed")
    index = resource.get("index")
    local = f"{'data.' if mode == 'data' else ''}{type_}.{name}"
    if isinstance(index, (int, str)) and not isinstance(index, bool):
        local += f"[{format_key(index)}]"
    rebuilt = f"{module_address}.{local}" if module_address else local
    again = parse_instance_address(rebuilt) if parsed is not None else None
    if parsed is not None and again is not None and parsed.same_instance(again):
        return written
    return rebuilt


def _problem(subject: str, message: str) -> InputProblem:
    """Return a TFV001 problem: part of the input was not analysed."""
    return InputProblem("TFV001", subject, message)
