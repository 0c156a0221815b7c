"""Customer-managed prefix lists and their entries (R-SG-6)."""

from __future__ import annotations

from typing import Literal

from tfvpc.aws.context import Context, location_of
from tfvpc.aws.values import canonical_cidr
from tfvpc.load.resources import Unknown
from tfvpc.model import PrefixList


def build_prefix_lists(ctx: Context) -> dict[str, PrefixList]:
    """Return every `aws_ec2_managed_prefix_list` with its entries, by address.

    Entries come from inline `entry` blocks and `aws_ec2_managed_prefix_list_entry`
    resources (deduplicated: state lists both). `cidrs` is None when any entry is unknown.
    An entry or list that may not exist (`ResourceInstance.uncertain`) keeps its CIDRs and
    puts its reasons in `unknowns`, so rules naming the list are only possibly in force.
    """
    entries: dict[str, list[str]] = {}
    gaps: dict[str, list[str]] = {}
    doubts: dict[str, list[str]] = {}
    for resource in ctx.resolver.of_type("aws_ec2_managed_prefix_list_entry"):
        fields = ctx.fields(resource)
        targets = fields.one("prefix_list_id")
        cidr = fields.cidr("cidr")
        for address in targets.addresses:
            if cidr is not None:
                entries.setdefault(address, []).append(cidr)
            gaps.setdefault(address, []).extend(_gaps(fields.unknowns, fields.uncertain))
            doubts.setdefault(address, []).extend(fields.uncertain)
    built: dict[str, PrefixList] = {}
    for resource in ctx.resolver.of_type("aws_ec2_managed_prefix_list"):
        fields = ctx.fields(resource)
        cidrs = list(entries.get(resource.address, []))
        notes = list(gaps.get(resource.address, []))
        blocks = fields.blocks("entry")
        if blocks is None and fields.has("entry"):
            notes.append(fields.reason("entry"))
        for i, block in enumerate(blocks or []):
            raw = ctx.resolver.scalar(block.get("cidr") if isinstance(block, dict) else None)
            cidr = canonical_cidr(raw)
            if cidr is not None:
                cidrs.append(cidr)
            elif isinstance(raw, Unknown):
                notes.append(raw.reason)
            else:
                notes.append(f"entry[{i}].cidr of {resource.address} is not a CIDR: {raw!r}")
        notes.extend(_gaps(fields.unknowns, fields.uncertain))
        family_text = (fields.text("address_family") or "").lower()
        family: Literal["ipv4", "ipv6"] | None = (
            "ipv4" if family_text == "ipv4" else "ipv6" if family_text == "ipv6" else None
        )
        uncertain = [*fields.uncertain, *doubts.get(resource.address, [])]
        built[resource.address] = PrefixList(
            address=resource.address,
            location=location_of(resource),
            unknowns=tuple(dict.fromkeys([*uncertain, *notes])),
            family=family,
            cidrs=None if notes else tuple(dict.fromkeys(cidrs)),
        )
    return built


def _gaps(unknowns: list[str], uncertain: tuple[str, ...]) -> list[str]:
    """Return the reasons that leave entries unknown: all but the resource's uncertainty."""
    return [reason for reason in unknowns if reason not in uncertain]
