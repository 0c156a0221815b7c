"""`load_directory`: a directory of Terraform files -> resource instances, without Terraform.

Nothing from the directory is executed: files are parsed with python-hcl2 and evaluated by
tfvpc's own evaluator. Values come out as the plan front end would give them: attributes the
configuration does not set are absent, nested blocks are lists of dicts, whole numbers are
ints, and what cannot be known statically is `Unknown` (or a `Ref` to another resource).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from tfvpc.errors import InputError
from tfvpc.load.hcl.adapter import parse_config
from tfvpc.load.hcl.blocks import block_types
from tfvpc.load.hcl.config import ModuleConfig, ResourceDecl
from tfvpc.load.hcl.expand import MAX_INSTANCES, Expansion, ExpansionTooLarge, InstanceKey
from tfvpc.load.hcl.files import FileProblem, read_source
from tfvpc.load.hcl.instance import IGNORED_BLOCKS, META_ATTRIBUTES, Children, ModuleInstance
from tfvpc.load.hcl.modules import ModuleManifest
from tfvpc.load.hcl.session import Session
from tfvpc.load.hcl.sources import read_module
from tfvpc.load.hcl.syntax import Literal, SyntaxProblem
from tfvpc.load.hcl.values import Val, finalize
from tfvpc.load.hcl.variables import root_values
from tfvpc.load.resources import LoadedInput, ResourceInstance, SourceLocation, Value

LOCK_FILE = ".terraform.lock.hcl"


def load_directory(
    path: Path,
    *,
    var_files: Sequence[Path] = (),
    variables: Mapping[str, str] = {},
    environ: Mapping[str, str] | None = None,
    display_path: str | None = None,
) -> LoadedInput:
    """Return the resource instances a Terraform directory declares, evaluated statically.

    Raises `InputError` when the directory has no usable Terraform file, when a module
    contains itself, or when count/for_each would expand beyond `MAX_INSTANCES`.
    """
    display = display_path if display_path is not None else str(path)
    if not path.is_dir():
        raise InputError(display, "not a directory")
    source = read_module(path, display)
    if source.file_count == 0 and source.problems:
        raise InputError(display, source.problems[0].message)
    if source.file_count == 0:
        raise InputError(display, "no Terraform files (*.tf, *.tf.json) in this directory")
    if not source.usable:
        first = source.problems[0].message
        raise InputError(display, f"no Terraform file in this directory could be parsed ({first})")
    given = root_values(
        source.config.variables,
        path,
        display,
        var_files,
        variables,
        os.environ if environ is None else environ,
    )
    session = Session(path, display, given.values, ModuleManifest.read(path))
    session.add_source(source)
    session.problems.extend(given.problems)
    session.notes.extend(given.notes)
    resources: list[ResourceInstance] = []
    try:
        _emit(ModuleInstance(session, source.config), resources)
    except ExpansionTooLarge as error:
        raise InputError(display, str(error)) from None
    return LoadedInput(
        path=display,
        kind="hcl",
        resources=resources,
        problems=session.problems,
        aws_provider_version=_provider_version(path, source.config),
        notes=session.notes,
    )


def _emit(instance: ModuleInstance, out: list[ResourceInstance]) -> None:
    for decl in instance.config.resources.values():
        expansion = instance.expansion(decl)
        if len(out) + len(expansion.keys) > MAX_INSTANCES:
            raise ExpansionTooLarge(
                f"more than {MAX_INSTANCES} resource instances; count/for_each too large"
            )
        out.extend(_build(instance, decl, key, expansion) for key in expansion.keys)
    for name in instance.config.module_calls:
        children = instance.children(name)
        if isinstance(children, Children):
            for child in children.instances:
                _emit(child, out)


def _build(
    instance: ModuleInstance, decl: ResourceDecl, key: InstanceKey, expansion: Expansion
) -> ResourceInstance:
    address = instance.instance_address(decl, key)
    values: dict[str, Value] = {}
    for name in decl.body.attributes:
        if name not in META_ATTRIBUTES:
            value = instance.configured(decl, key, name)
            if value is not None:
                values[name] = finalize(value)
    uncertain = [*instance.uncertain, *([expansion.uncertain] if expansion.uncertain else [])]
    block_locations: dict[str, SourceLocation] = {}
    for kind in block_types(decl.body, IGNORED_BLOCKS):
        blocks = instance.blocks(decl, key, kind)
        items: list[Val] = list(blocks.items)
        values[kind] = finalize(items)
        for path, line in blocks.lines.items():
            block_locations[f"{kind}.{path}"] = SourceLocation(decl.file, line)
        uncertain.extend(blocks.uncertain)
    return ResourceInstance(
        address=address,
        type=decl.type,
        name=decl.name,
        values=values,
        mode=decl.mode,
        module=instance.address,
        index=key.index,
        location=SourceLocation(decl.file, decl.line),
        uncertain=tuple(dict.fromkeys(uncertain)),
        block_locations=block_locations,
    )


def _provider_version(root: Path, config: ModuleConfig) -> str | None:
    """R-EVAL-12: the aws provider version selected in the lock file, else the constraint."""
    lock = root / LOCK_FILE
    if lock.is_file():
        try:
            body = parse_config(read_source(lock, LOCK_FILE))
        except (FileProblem, SyntaxProblem):
            return config.aws_version
        for block in body.blocks:
            if (
                block.type == "provider"
                and block.labels[:1]
                and block.labels[0].endswith("/hashicorp/aws")
            ):
                version = block.body.attributes.get("version")
                if version is not None and isinstance(version.expr, Literal):
                    return str(version.expr.value)
    return config.aws_version
