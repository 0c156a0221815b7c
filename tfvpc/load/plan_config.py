"""The ``configuration`` part of a plan: resource expressions, module calls and outputs (§3.3).

Configuration is per module *call* (not per instance): addresses are module-relative and carry no
index, so a module config is found by the call names of an instance's module path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from tfvpc.load.plan_json import as_dict, as_list, as_str, get_dict

# Guards against hostile inputs nesting module_calls without end.
_MAX_MODULE_DEPTH = 64


@dataclass
class ModuleCall:
    """One ``module "name" {}`` block: its argument expressions and repetition."""

    expressions: dict[str, object]
    repeated: bool
    for_each_references: tuple[str, ...]
    module: ModuleConfig


class ResourceConfig(NamedTuple):
    """What one ``resource``/``data`` block's instances evaluate: its argument expressions and
    the references of its ``for_each`` (None without one)."""

    expressions: dict[str, object]
    for_each_references: tuple[str, ...] | None


@dataclass
class ModuleConfig:
    """One module's configuration: resources by module-relative address, outputs, calls."""

    resources: dict[str, ResourceConfig] = field(default_factory=dict)
    outputs: dict[str, object] = field(default_factory=dict)
    calls: dict[str, ModuleCall] = field(default_factory=dict)


def parse_module(raw: object, depth: int = 0) -> ModuleConfig:
    """Return the ModuleConfig of a ``root_module``/``module`` configuration object."""
    config = ModuleConfig()
    body = as_dict(raw)
    if body is None or depth > _MAX_MODULE_DEPTH:
        return config
    resources = config.resources
    for resource in as_list(body.get("resources")) or []:
        # as_dict/as_str/get_dict written out: this runs once per resource block.
        if not isinstance(resource, dict):
            continue
        address = resource.get("address")
        if not isinstance(address, str) or address in resources:
            continue
        expressions = resource.get("expressions")
        each = resource.get("for_each_expression")
        resources[address] = ResourceConfig(
            expressions if isinstance(expressions, dict) else {},
            references(each) if each is not None else None,
        )
    for name, output in get_dict(body, "outputs").items():
        expression = as_dict(output)
        if expression is not None:
            config.outputs[name] = expression.get("expression")
    for name, raw_call in get_dict(body, "module_calls").items():
        call = as_dict(raw_call)
        if call is None:
            continue
        config.calls[name] = ModuleCall(
            expressions=get_dict(call, "expressions"),
            repeated="count_expression" in call or "for_each_expression" in call,
            for_each_references=references(call.get("for_each_expression")) or (),
            module=parse_module(call.get("module"), depth + 1),
        )
    return config


def find_module(root: ModuleConfig | None, names: tuple[str, ...]) -> ModuleConfig | None:
    """Return the config of the module reached by call `names` from `root`, or None."""
    config = root
    for name in names:
        if config is None:
            return None
        call = config.calls.get(name)
        config = call.module if call is not None else None
    return config


def is_expression(node: object) -> bool:
    """Return True if `node` is one expression (``references``/``constant_value``), not a block."""
    body = as_dict(node)
    return body is not None and ("references" in body or "constant_value" in body)


def references(node: object) -> tuple[str, ...] | None:
    """Return the distinct references of expression `node` in order, or None if it is not one."""
    # The test of `is_expression`, inline: this runs for every configured attribute.
    if not isinstance(node, dict) or ("references" not in node and "constant_value" not in node):
        return None
    found = node.get("references")
    if not isinstance(found, list) or not found:
        return ()
    return tuple(dict.fromkeys([ref for ref in found if isinstance(ref, str)]))


def all_references(node: object, depth: int = 0) -> tuple[str, ...]:
    """Return every reference inside `node`: one expression, or a block tree of them."""
    if depth > _MAX_MODULE_DEPTH:
        return ()
    own = references(node)
    if own is not None:
        return own
    children: list[object] = []
    if isinstance(node, dict):
        children = list(node.values())
    elif isinstance(node, list):
        children = list(node)
    found: dict[str, None] = {}
    for child in children:
        found.update(dict.fromkeys(all_references(child, depth + 1)))
    return tuple(found)


def aws_provider_version(configuration: dict[str, object]) -> str | None:
    """Return the aws provider's version constraint from ``provider_config``, if recorded.

    The root ``aws`` entry comes first; aliased or module-level aws entries are the fallback.
    """
    providers = get_dict(configuration, "provider_config")
    keys = sorted(providers, key=lambda key: key != "aws")
    for key in keys:
        provider = as_dict(providers[key])
        if provider is None or (key != "aws" and as_str(provider.get("name")) != "aws"):
            continue
        constraint = as_str(provider.get("version_constraint"))
        if constraint:
            return constraint
    return None
