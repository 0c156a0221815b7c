"""Tiny factories for hand-built resource instances in the AWS builder tests."""

from __future__ import annotations

import re
from typing import Literal

from tfvpc.aws import build_network
from tfvpc.load.resources import Ref, ResourceInstance, SourceLocation, Unknown, Value
from tfvpc.model import Network

_TYPE = re.compile(r"(?:^|\.)((?:data\.)?aws_[a-z0-9_]+)\.([^.\[]+)(\[[^\]]*\])?$")


def res(
    address: str,
    values: dict[str, Value] | None = None,
    *,
    line: int | None = None,
    blocks: dict[str, int] | None = None,
) -> ResourceInstance:
    """Return a resource instance whose type, name and mode come from its address."""
    match = _TYPE.search(address)
    assert match, address
    type_ = match.group(1)
    mode: Literal["managed", "data"] = "data" if type_.startswith("data.") else "managed"
    return ResourceInstance(
        address=address,
        type=type_.removeprefix("data."),
        name=match.group(2),
        values=dict(values or {}),
        mode=mode,
        location=SourceLocation("main.tf", line) if line is not None else None,
        block_locations={k: SourceLocation("main.tf", v) for k, v in (blocks or {}).items()},
    )


def ref(address: str, attr: str = "id") -> Ref:
    """Return a reference to `attr` of `address`."""
    return Ref(address, attr)


def unknown(reason: str, *candidates: str) -> Unknown:
    """Return an unknown value with candidate references to the `id` of each address."""
    return Unknown(reason, tuple(Ref(c) for c in candidates))


def build(*resources: ResourceInstance) -> Network:
    """Return the network built from `resources`."""
    return build_network(list(resources))


def vpc(name: str = "main", cidr: str = "10.0.0.0/16", **values: Value) -> ResourceInstance:
    """Return an `aws_vpc` with a CIDR."""
    return res(f"aws_vpc.{name}", {"cidr_block": cidr, **values})


def subnet(name: str, cidr: str, vpc_name: str = "main", **values: Value) -> ResourceInstance:
    """Return an `aws_subnet` in `aws_vpc.<vpc_name>`."""
    return res(
        f"aws_subnet.{name}",
        {"vpc_id": ref(f"aws_vpc.{vpc_name}"), "cidr_block": cidr, **values},
    )
