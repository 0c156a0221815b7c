"""One module's declarations (variables, locals, outputs, resources, module calls) from its files.

Override files merge attribute-wise into the block they name after all other files
(R-EVAL-11): attributes replace, and nested blocks of a type the override sets replace all of
the original's blocks of that type. Blocks tfvpc ignores (R-EVAL-10) are dropped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal as TypingLiteral

from tfvpc.load.hcl.evaluate import Env, evaluate_unit
from tfvpc.load.hcl.files import ConfigFile
from tfvpc.load.hcl.syntax import Attribute, Block, Body, Expr, Literal

_IGNORED_TOP_LEVEL = frozenset({"moved", "import", "removed", "check", "provider", "terraform"})


@dataclass
class VariableDecl:
    """``variable "name" {...}``."""

    name: str
    type_expr: Expr | None = None
    default: Expr | None = None
    nullable: bool = True


@dataclass
class ResourceDecl:
    """``resource``/``data`` block: mode, type, name, body and where it is."""

    mode: TypingLiteral["managed", "data"]
    type: str
    name: str
    body: Body
    file: str
    line: int | None

    @property
    def key(self) -> str:
        """Return the module-relative address without index (``data.aws_vpc.x``)."""
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass
class ModuleCallDecl:
    """``module "name" {...}``: the source and the argument expressions."""

    name: str
    body: Body
    file: str
    line: int | None

    @property
    def source(self) -> str | None:
        """Return the literal ``source`` string, if it is one."""
        attr = self.body.attributes.get("source")
        if attr is not None and isinstance(attr.expr, Literal) and isinstance(attr.expr.value, str):
            return attr.expr.value
        return None


@dataclass
class ModuleConfig:
    """Everything declared in one module directory."""

    directory: Path
    display_dir: str
    variables: dict[str, VariableDecl] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Attribute] = field(default_factory=dict)
    resources: dict[str, ResourceDecl] = field(default_factory=dict)
    module_calls: dict[str, ModuleCallDecl] = field(default_factory=dict)
    aws_version: str | None = None
    notes: list[str] = field(default_factory=list)

    def declares_type(self, type_name: str) -> bool:
        """Return True if a managed resource of `type_name` is declared here."""
        return any(d.mode == "managed" and d.type == type_name for d in self.resources.values())


def build_config(directory: Path, display_dir: str, files: list[ConfigFile]) -> ModuleConfig:
    """Return the declarations of a module from its parsed files (overrides merged last)."""
    config = ModuleConfig(directory, display_dir)
    for source in files:
        if not source.is_override:
            for block in source.body.blocks:
                _declare(config, block, source.display)
    for source in files:
        if source.is_override:
            for block in source.body.blocks:
                _override(config, block, source.display)
    config.aws_version = _aws_version(files)
    return config


def _declare(config: ModuleConfig, block: Block, display: str) -> None:
    kind, labels, body = block.type, block.labels, block.body
    if kind in ("resource", "data") and len(labels) == 2:
        mode: TypingLiteral["managed", "data"] = "managed" if kind == "resource" else "data"
        decl = ResourceDecl(mode, labels[0], labels[1], body, display, block.line)
        if decl.key in config.resources:
            config.notes.append(f"{display}: {decl.key} is declared twice; the first is used")
        else:
            config.resources[decl.key] = decl
    elif kind == "module" and len(labels) == 1:
        config.module_calls.setdefault(
            labels[0], ModuleCallDecl(labels[0], body, display, block.line)
        )
    elif kind == "variable" and len(labels) == 1:
        config.variables.setdefault(labels[0], _variable(labels[0], body))
    elif kind == "output" and len(labels) == 1 and "value" in body.attributes:
        config.outputs.setdefault(labels[0], body.attributes["value"])
    elif kind == "locals":
        for name, attr in body.attributes.items():
            config.locals.setdefault(name, attr)
    elif kind not in _IGNORED_TOP_LEVEL:
        config.notes.append(f"{display}: block {kind!r} is not used by tfvpc")


def _variable(name: str, body: Body) -> VariableDecl:
    attrs = body.attributes
    nullable = True
    if "nullable" in attrs and isinstance(attrs["nullable"].expr, Literal):
        nullable = attrs["nullable"].expr.value is not False
    return VariableDecl(
        name,
        attrs["type"].expr if "type" in attrs else None,
        attrs["default"].expr if "default" in attrs else None,
        nullable,
    )


def merge_bodies(original: Body, override: Body) -> Body:
    """Return `original` with `override` merged in (R-EVAL-11)."""
    replaced = {_block_kind(b) for b in override.blocks}
    kept = [b for b in original.blocks if _block_kind(b) not in replaced]
    return Body({**original.attributes, **override.attributes}, kept + override.blocks)


def _block_kind(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _override(config: ModuleConfig, block: Block, display: str) -> None:
    kind, labels = block.type, block.labels
    missing = f"{display}: override of {kind} {' '.join(labels)} matches no block; ignored"
    if kind in ("resource", "data") and len(labels) == 2:
        key = f"{'data.' if kind == 'data' else ''}{labels[0]}.{labels[1]}"
        decl = config.resources.get(key)
        if decl is None:
            config.notes.append(missing)
            return
        config.resources[key] = replace(decl, body=merge_bodies(decl.body, block.body))
    elif kind == "module" and len(labels) == 1 and labels[0] in config.module_calls:
        call = config.module_calls[labels[0]]
        config.module_calls[labels[0]] = replace(call, body=merge_bodies(call.body, block.body))
    elif kind == "variable" and len(labels) == 1 and labels[0] in config.variables:
        variable = config.variables[labels[0]]
        merged = _variable(labels[0], block.body)
        config.variables[labels[0]] = VariableDecl(
            variable.name,
            merged.type_expr if "type" in block.body.attributes else variable.type_expr,
            merged.default if "default" in block.body.attributes else variable.default,
            merged.nullable if "nullable" in block.body.attributes else variable.nullable,
        )
    elif kind == "output" and len(labels) == 1 and labels[0] in config.outputs:
        if "value" in block.body.attributes:
            config.outputs[labels[0]] = block.body.attributes["value"]
    elif kind == "locals":
        config.locals.update(block.body.attributes)
    elif kind not in _IGNORED_TOP_LEVEL:
        config.notes.append(missing)


def _aws_version(files: list[ConfigFile]) -> str | None:
    """R-EVAL-12: the aws provider version constraint of ``required_providers`` (last wins)."""
    found: str | None = None
    for source in files:
        for block in source.body.blocks:
            if block.type == "terraform":
                for inner in block.body.blocks:
                    if inner.type == "required_providers":
                        found = _version_in(inner.body) or found
            elif block.type == "provider" and block.labels == ("aws",):
                legacy = block.body.attributes.get("version")
                if legacy is not None and isinstance(legacy.expr, Literal):
                    found = found or str(legacy.expr.value)
    return found


def _version_in(body: Body) -> str | None:
    for name, attr in body.attributes.items():
        value = evaluate_unit(attr.expr, Env(None))
        if isinstance(value, str) and name == "aws":
            return value  # legacy form: aws = "~> 3.0"
        if isinstance(value, dict):
            source = value.get("source")
            is_aws = source is None and name == "aws"
            if isinstance(source, str) and source.lower().removeprefix(
                "registry.terraform.io/"
            ) in ("hashicorp/aws",):
                is_aws = True
            version = value.get("version")
            if is_aws and isinstance(version, str):
                return version
    return None
