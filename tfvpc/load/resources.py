"""The intermediate form every front end produces and the AWS builder consumes.

A front end (HCL directory, plan JSON, state JSON) turns its input into a list of
`ResourceInstance`s. Attribute values are plain JSON-like data, plus two markers:

* `Ref(address, attr)` - the value is an attribute of another resource instance in the same
  input, named by its full Terraform instance address (`module.net.aws_subnet.public[0]`).
  The HCL front end produces these for `aws_vpc.main.id`; the plan front end produces them
  for values that are unknown until apply but whose configuration references one resource.
* `Unknown(reason, candidates)` - the value cannot be known statically. `reason` is a short
  human-readable phrase used verbatim in findings ("vpc_id is unknown until apply").
  `candidates` lists the references the value may resolve to when the front end could
  narrow it down (ambiguous ``count``/``for_each`` links, R-LINK-1 step 2).

An attribute that is absent from `values` was not set: the builder applies the AWS/provider
default (R-TF-3). A front end must therefore drop unknown attributes that the configuration
does not set, and keep as `Unknown` only those whose configured value is not known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias


@dataclass(frozen=True)
class Ref:
    """A reference to attribute `attr` (e.g. ``"id"``) of resource instance `address`."""

    address: str
    attr: str = "id"


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known before apply, with the reason and any candidate references."""

    reason: str
    candidates: tuple[Ref, ...] = ()


Value: TypeAlias = (
    bool | int | float | str | Ref | Unknown | list["Value"] | dict[str, "Value"] | None
)


@dataclass(frozen=True)
class SourceLocation:
    """Where a resource (or one of its blocks) was declared."""

    file: str
    line: int | None = None


InputKind = Literal["hcl", "plan", "state"]


@dataclass(frozen=True)
class ResourceInstance:
    """One resource instance as Terraform would address it after expansion.

    `address` is the full instance address (``module.net["a"].aws_subnet.public[0]``), `module`
    the module part of it (``""`` at the root), `index` the ``count``/``for_each`` key if any.
    `uncertain` holds reasons why the instance itself may not exist as described (an unknown
    ``count``), so that every finding resting on it is only "possible".
    `block_locations` maps a nested block path such as ``"ingress.0"`` to its line, when known.
    """

    address: str
    type: str
    name: str
    values: dict[str, Value]
    mode: Literal["managed", "data"] = "managed"
    module: str = ""
    index: int | str | None = None
    location: SourceLocation | None = None
    uncertain: tuple[str, ...] = ()
    block_locations: dict[str, SourceLocation] = field(default_factory=dict)


@dataclass(frozen=True)
class InputProblem:
    """A problem with part of the input that leaves the answer partial (TFV001/TFV002).

    `rule_id` is ``"TFV001"`` (a file not analysed) or ``"TFV002"`` (a module not resolved).
    """

    rule_id: Literal["TFV001", "TFV002"]
    subject: str
    message: str
    location: SourceLocation | None = None


@dataclass
class LoadedInput:
    """What one front end produced from one input path."""

    path: str
    kind: InputKind
    resources: list[ResourceInstance] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    aws_provider_version: str | None = None
    notes: list[str] = field(default_factory=list)
