"""One module instance at evaluation time: its variables, locals, outputs, resources, children.

The root module is the instance with address ``""``; ``module "net" { count = 2 }`` gives
instances ``module.net[0]`` and ``module.net[1]`` of the same `ModuleConfig`, each with its
own variable values (R-EVAL-8). All values are computed lazily through the session memo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tfvpc.errors import InputError
from tfvpc.load.hcl.blocks import BlockList, block_types, evaluate_blocks
from tfvpc.load.hcl.config import ModuleCallDecl, ModuleConfig, ResourceDecl
from tfvpc.load.hcl.evaluate import Env, evaluate_unit
from tfvpc.load.hcl.expand import Expansion, InstanceKey, expand, index_suffix
from tfvpc.load.hcl.fn_files import FileAccess
from tfvpc.load.hcl.modules import ResolvedSource, UnresolvedSource, resolve
from tfvpc.load.hcl.namespaces import (
    DataNamespace,
    LocalNamespace,
    ModuleNamespace,
    ModuleObject,
    ResourceObject,
    ResourceTypeNamespace,
    VarNamespace,
)
from tfvpc.load.hcl.session import Session
from tfvpc.load.hcl.typeconv import convert, parse_type
from tfvpc.load.hcl.values import BlockDict, EvalError, Val
from tfvpc.load.resources import Ref, Unknown

META_ATTRIBUTES = frozenset({"count", "for_each", "provider", "depends_on"})
# R-EVAL-10: meta blocks that do not describe the resource.
IGNORED_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "timeouts"})


@dataclass(frozen=True)
class Children:
    """The instances of one module call."""

    expansion: Expansion
    instances: tuple[ModuleInstance, ...]


class ModuleInstance:
    """A module instance: answers every name its expressions can reference."""

    def __init__(
        self,
        session: Session,
        config: ModuleConfig,
        address: str = "",
        call_path: str = "",
        parent: ModuleInstance | None = None,
        call: ModuleCallDecl | None = None,
        call_key: InstanceKey | None = None,
        uncertain: tuple[str, ...] = (),
        lineage: tuple[Path, ...] = (),
    ) -> None:
        self.session = session
        self.config = config
        self.address = address
        self.call_path = call_path
        self.parent = parent
        self.call = call
        self.call_key = call_key
        self.uncertain = uncertain
        self.lineage = (*lineage, config.directory.resolve())
        self._files = FileAccess(session.root, config.directory)
        self._instances: dict[str, tuple[ResourceDecl, InstanceKey]] = {}
        module_path = os.path.relpath(config.directory, session.root).replace(os.sep, "/")
        self._names: dict[str, Val] = {
            "var": VarNamespace(self),
            "local": LocalNamespace(self),
            "module": ModuleNamespace(self),
            "data": DataNamespace(self),
            "path": {"module": module_path, "root": ".", "cwd": str(session.root.resolve())},
            "terraform": {"workspace": "default"},
        }

    @property
    def prefix(self) -> str:
        """Return the address prefix of this instance's resources (``module.net[0].``)."""
        return f"{self.address}." if self.address else ""

    @property
    def files(self) -> FileAccess:
        """Return file access for ``file()`` relative to the root module."""
        return self._files

    def env(self, bindings: dict[str, Val] | None = None) -> Env:
        """Return an environment over this instance with extra `bindings`."""
        return Env(self, bindings)

    def lookup(self, name: str) -> Val:
        """Return the value of a root name; raises `EvalError` for names that mean nothing."""
        if name in self._names:
            return self._names[name]
        if name in ("count", "each"):
            raise EvalError(f"{name} can only be used in a resource or module that sets it")
        if name == "self":
            return Unknown("self is only available in provisioners")
        if self.config.declares_type(name):
            return ResourceTypeNamespace(self, "managed", name)
        raise EvalError(f"unknown name {name!r} in {self.describe()}")

    def describe(self) -> str:
        """Return how this instance is named in messages."""
        return self.address or "the root module"

    # -- variables, locals, outputs -------------------------------------------------------

    def variable(self, name: str) -> Val:
        """Return ``var.<name>`` converted to its declared type (R-EVAL-3)."""
        return self.session.compute(f"{self.prefix}var.{name}", lambda: self._variable(name))

    def _variable(self, name: str) -> Val:
        decl = self.config.variables.get(name)
        if decl is None:
            raise EvalError(f"var.{name} is not declared in {self.describe()}")
        given, value = self._input(name)
        if given and value is None and not decl.nullable:
            given = False
        if not given:
            if decl.default is None:
                where = f" of {self.address}" if self.address else ""
                return Unknown(f"var.{name}{where} has no value (no default and not set)")
            value = evaluate_unit(decl.default, Env(None))
        if decl.type_expr is None:
            return value
        try:
            return convert(value, parse_type(decl.type_expr))
        except EvalError as error:
            return Unknown(f"var.{name} does not fit its type: {error.message}")

    def _input(self, name: str) -> tuple[bool, Val]:
        if self.parent is None or self.call is None:
            if name in self.session.root_values:
                return True, self.session.root_values[name]
            return False, None
        attr = self.call.body.attributes.get(name)
        if attr is None:
            return False, None
        bindings = dict(self.call_key.bindings) if self.call_key else {}
        return True, evaluate_unit(attr.expr, self.parent.env(bindings))

    def local(self, name: str) -> Val:
        """Return ``local.<name>`` (R-EVAL-4)."""
        attr = self.config.locals.get(name)
        if attr is None:
            raise EvalError(f"local.{name} is not declared in {self.describe()}")
        return self.session.compute(
            f"{self.prefix}local.{name}", lambda: evaluate_unit(attr.expr, self.env())
        )

    def output(self, name: str) -> Val:
        """Return output `name` of this instance."""
        attr = self.config.outputs.get(name)
        if attr is None:
            raise EvalError(f"{self.describe()} has no output {name!r}")
        return self.session.compute(
            f"{self.prefix}output.{name}", lambda: evaluate_unit(attr.expr, self.env())
        )

    # -- resources ------------------------------------------------------------------------

    def expansion(self, decl: ResourceDecl) -> Expansion:
        """Return the instances of `decl` (R-EVAL-5)."""
        return self.session.compute(
            f"{self.prefix}{decl.key} (count/for_each)",
            lambda: expand(decl.body, self.env(), self.prefix + decl.key),
        )

    def instance_address(self, decl: ResourceDecl, key: InstanceKey) -> str:
        """Return the full address of one instance of `decl`, registering it."""
        address = f"{self.prefix}{decl.key}{index_suffix(key.index)}"
        self._instances.setdefault(address, (decl, key))
        return address

    def resource_collection(
        self, mode: Literal["managed", "data"], type_name: str, name: str
    ) -> Val:
        """Return ``type.name``: an object, a list (count) or a map (for_each) of instances."""
        key = f"{'data.' if mode == 'data' else ''}{type_name}.{name}"
        decl = self.config.resources.get(key)
        if decl is None:
            raise EvalError(f"reference to undeclared resource {key} in {self.describe()}")
        expansion = self.expansion(decl)
        addresses = [self.instance_address(decl, k) for k in expansion.keys]
        if expansion.uncertain is not None:
            return Unknown(expansion.uncertain, tuple(Ref(a, "id") for a in addresses))
        return _collection(expansion, [ResourceObject(self, a) for a in addresses])

    def resource_attribute(self, address: str, name: str) -> Val:
        """Return attribute `name` of a resource instance: configured value, else a `Ref`."""
        decl, key = self._instances[address]
        if name in decl.body.attributes and name not in META_ATTRIBUTES:
            value = self.configured(decl, key, name)
            if value is not None:
                return value
        elif name in block_types(decl.body, IGNORED_BLOCKS):
            items: list[Val] = list(self.blocks(decl, key, name).items)
            return _readable_blocks(address, name, decl.mode == "data", items)
        if decl.mode == "data":
            return Unknown(_data_reason(decl.type, address, name), (Ref(address, name),))
        return Ref(address, name)

    def configured(self, decl: ResourceDecl, key: InstanceKey, name: str) -> Val:
        """Return the value configured for attribute `name` of one instance."""
        address = self.instance_address(decl, key)
        attr = decl.body.attributes[name]
        return self.session.compute(
            f"{address}.{name}", lambda: evaluate_unit(attr.expr, self.env(dict(key.bindings)))
        )

    def blocks(self, decl: ResourceDecl, key: InstanceKey, kind: str) -> BlockList:
        """Return the nested blocks of type `kind` of one instance (R-EVAL-7)."""
        address = self.instance_address(decl, key)
        return self.session.compute(
            f"{address}.{kind} (blocks)",
            lambda: evaluate_blocks(decl.body, kind, self.env(dict(key.bindings))),
        )

    # -- module calls ---------------------------------------------------------------------

    def module_value(self, name: str) -> Val:
        """Return ``module.<name>``: an object, a list (count) or a map (for_each)."""
        if name not in self.config.module_calls:
            raise EvalError(f"module {name} is not declared in {self.describe()}")
        children = self.children(name)
        if isinstance(children, UnresolvedSource):
            return Unknown(children.reason)
        expansion = children.expansion
        if expansion.uncertain is not None:
            return Unknown(expansion.uncertain)
        return _collection(expansion, [ModuleObject(c, c.address) for c in children.instances])

    def children(self, name: str) -> Children | UnresolvedSource:
        """Return the instances of module call `name`, or why its source is not available."""
        return self.session.compute(
            f"{self.prefix}module.{name} (instances)", lambda: self._children(name)
        )

    def _children(self, name: str) -> Children | UnresolvedSource:
        call = self.config.module_calls[name]
        call_path = f"{self.call_path}.{name}" if self.call_path else name
        where = ResolvedSource(self.config.directory, self.config.display_dir)
        resolved = resolve(
            name, call.source, call_path, where, self.session.root_location, self.session.manifest
        )
        if isinstance(resolved, ResolvedSource):
            real = resolved.directory.resolve()
            if real in self.lineage:
                raise InputError(
                    self.session.display_root,
                    f"module cycle: {self.prefix}module.{name} ({resolved.display_dir}) "
                    "contains itself",
                )
            source = self.session.module_source(resolved)
            if not source.usable:
                resolved = UnresolvedSource(
                    f"module {name} has no usable Terraform files in {resolved.display_dir}"
                )
        if isinstance(resolved, UnresolvedSource):
            self.session.report_unresolved(
                call_path, f"{self.prefix}module.{name}", resolved.reason, call
            )
            return resolved
        expansion = expand(call.body, self.env(), f"{self.prefix}module.{name}")
        uncertain = (*self.uncertain, *((expansion.uncertain,) if expansion.uncertain else ()))
        instances = tuple(
            ModuleInstance(
                self.session,
                source.config,
                f"{self.prefix}module.{name}{index_suffix(key.index)}",
                call_path,
                parent=self,
                call=call,
                call_key=key,
                uncertain=uncertain,
                lineage=self.lineage,
            )
            for key in expansion.keys
        )
        return Children(expansion, instances)


def _data_reason(type_name: str, address: str, name: str) -> str:
    """Return why an attribute of a data source is unknown to a static scan."""
    if type_name == "terraform_remote_state":
        return f"{address}.{name} comes from the state of another configuration"
    return f"{address}.{name} is read from the provider"


def _readable_blocks(address: str, path: str, data: bool, items: list[Val]) -> list[Val]:
    """Return nested blocks as `BlockDict`s, so that unset (computed) attributes read as Refs."""
    blocks: list[Val] = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            blocks.append(item)
            continue
        where = f"{path}.{position}"
        content: dict[str, Val] = {}
        for name, value in item.items():
            nested = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            content[name] = (
                _readable_blocks(address, f"{where}.{name}", data, value)
                if nested and isinstance(value, list)
                else value
            )
        blocks.append(BlockDict(address, where, data, content))
    return blocks


def _collection(expansion: Expansion, objects: list[Val]) -> Val:
    """Return instance objects as Terraform shows them: one object, a list or a map by key."""
    if expansion.mode == "single":
        return objects[0]
    if expansion.mode == "count":
        return objects
    return {str(k.index): o for k, o in zip(expansion.keys, objects, strict=True)}
