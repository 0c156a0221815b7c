"""Security groups with every rule, however it was declared (R-TF-1, R-TF-2, R-SG-9/10)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Fields
from tfvpc.aws.defaults import adopted_vpc, default_vpc_link
from tfvpc.aws.sg_rules import (
    Direction,
    PeerReader,
    RuleSite,
    expand,
    list_form_peers,
    single_form_peers,
)
from tfvpc.aws.values import cidr_family
from tfvpc.aws.vpc import VpcInfo
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import (
    PROTOCOL_ALL,
    Location,
    PrefixList,
    SecurityGroup,
    SgRule,
    implicit_address,
)

_VPC_RULE_TYPES = {
    "aws_vpc_security_group_ingress_rule": "ingress",
    "aws_vpc_security_group_egress_rule": "egress",
}


@dataclass
class GroupDraft:
    """A security group being assembled."""

    address: str
    vpc: str | None
    is_default: bool = False
    implicit: bool = False
    location: Location | None = None
    rules: dict[tuple[object, ...], SgRule] = field(default_factory=dict)
    unknowns: list[str] = field(default_factory=list)

    def note(self, reasons: list[str] | tuple[str, ...]) -> None:
        """Record reasons why something about the group is unknown (each once)."""
        self.unknowns.extend(r for r in reasons if r not in self.unknowns)

    def add(self, rule: SgRule) -> None:
        """Add a rule unless the same rule is there already (R-TF-2: inline lists in plans and
        state repeat rules of separate resources, which are added first and kept as origin)."""
        key = (
            rule.direction,
            rule.protocol,
            rule.from_port,
            rule.to_port,
            rule.peer_kind,
            rule.peer,
            rule.unknowns,
            rule.family,
        )
        existing = self.rules.get(key)
        if existing is None:
            self.rules[key] = rule
        elif self.address not in (existing.origin, rule.origin) and existing.origin != rule.origin:
            # R-SG-12: two resources declaring one rule fail at apply.
            self.note([f"{existing.origin} and {rule.origin} declare the same rule"])

    def freeze(self) -> SecurityGroup:
        """Return the immutable model group."""
        return SecurityGroup(
            address=self.address,
            location=self.location,
            unknowns=tuple(self.unknowns),
            implicit=self.implicit,
            vpc=self.vpc,
            is_default=self.is_default,
            rules=tuple(self.rules.values()),
        )


def group_names(ctx: Context) -> dict[str, list[str]]:
    """Return the addresses of the security groups of the input by their literal `name`."""
    names: dict[str, list[str]] = {}
    for resource in ctx.resolver.of_type("aws_security_group", "aws_default_security_group"):
        name = resource.values.get("name")
        if resource.type == "aws_default_security_group":
            name = "default"
        if isinstance(name, str) and name:
            names.setdefault(name, []).append(resource.address)
    return names


def _implicit_default(address: str, info: VpcInfo, doubts: tuple[str, ...]) -> GroupDraft:
    """Return AWS's default group; `doubts` say why an adopter may replace its rules."""
    # R-SG-9: all traffic in from members of the group, all traffic out.
    group = GroupDraft(address, info.vpc.address, True, True, location=info.vpc.location)
    egress = ["0.0.0.0/0"] if info.has_ipv6 is False else ["0.0.0.0/0", "::/0"]
    rules = [
        SgRule(
            direction="ingress",
            protocol=PROTOCOL_ALL,
            peer_kind="self",
            peer=address,
            origin=address,
        )
    ]
    rules += [
        SgRule(
            direction="egress",
            protocol=PROTOCOL_ALL,
            peer_kind="cidr",
            peer=cidr,
            origin=address,
            family=cidr_family(cidr),
        )
        for cidr in egress
    ]
    for rule in rules:
        group.add(rule.model_copy(update={"location": info.vpc.location, "unknowns": doubts}))
    return group


def _declared(
    ctx: Context, groups: dict[str, GroupDraft]
) -> list[tuple[ResourceInstance, GroupDraft]]:
    declared: list[tuple[ResourceInstance, GroupDraft]] = []
    for resource in ctx.resolver.of_type("aws_security_group", "aws_default_security_group"):
        fields = ctx.fields(resource)
        is_default = resource.type == "aws_default_security_group"
        if is_default:
            # Adoption removes every rule: only the configured ones remain.
            vpc = ctx.from_link(adopted_vpc(ctx.resolver, resource))
        elif fields.has("vpc_id"):
            vpc = fields.one("vpc_id")
        else:
            vpc = ctx.from_link(default_vpc_link(ctx.resolver, resource.address))
        group = GroupDraft(
            resource.address, vpc.single, is_default, location=ctx.location(resource)
        )
        group.note(vpc.unknowns)
        group.note(fields.unknowns)
        groups[resource.address] = group
        declared.append((resource, group))
    return declared


def _unknown_rules(
    direction: Direction, reasons: tuple[str, ...], origin: str, where: Location | None
) -> SgRule:
    """Return the stand-in for a rule list unknown as a whole: any protocol, any peer."""
    return SgRule(
        direction=direction,
        protocol=PROTOCOL_ALL,
        peer_kind="unknown",
        origin=origin,
        location=where,
        unknowns=tuple(dict.fromkeys(reasons)),
    )


def _inline(
    ctx: Context, reader: PeerReader, resource: ResourceInstance, group: GroupDraft
) -> None:
    fields = ctx.fields(resource)
    directions: tuple[Direction, ...] = ("ingress", "egress")
    for direction in directions:
        blocks = fields.blocks(direction)
        if blocks is None and fields.has(direction):
            group.add(
                _unknown_rules(
                    direction,
                    (*fields.uncertain, fields.reason(direction)),
                    resource.address,
                    group.location,
                )
            )
        for i, block in enumerate(blocks or []):
            block_fields = ctx.block_fields(resource, block, f"{direction}[{i}]")
            site = RuleSite(
                resource.address,
                resource.address,
                ctx.location(resource, f"{direction}.{i}"),
                direction,
            )
            peers = list_form_peers(reader, block_fields, resource.address, "security_groups")
            _add_all(group, expand(reader, block_fields, site, peers, "protocol"), site)


def _add_all(group: GroupDraft, rules: list[SgRule], site: RuleSite) -> None:
    if not rules:
        group.note([f"a {site.direction} rule of {site.origin} has no source or destination"])
    for rule in rules:
        group.add(rule)


def _separate(ctx: Context, reader: PeerReader, groups: dict[str, GroupDraft]) -> None:
    for resource in ctx.resolver.of_type("aws_security_group_rule", *_VPC_RULE_TYPES):
        fields = ctx.fields(resource)
        targets = fields.one("security_group_id")
        for address in targets.addresses:
            group = groups.get(address)
            if group is None:
                continue
            for direction in _directions(resource, fields):
                rule_fields = ctx.fields(resource)
                site = RuleSite(address, resource.address, ctx.location(resource), direction)
                if resource.type == "aws_security_group_rule":
                    peers = list_form_peers(
                        reader, rule_fields, address, "source_security_group_id"
                    )
                    rules = expand(reader, rule_fields, site, peers, "protocol")
                else:
                    peers = single_form_peers(reader, rule_fields, address)
                    rules = expand(reader, rule_fields, site, peers, "ip_protocol")
                extra = tuple(fields.unknowns)
                _add_all(group, [_with_notes(rule, extra) for rule in rules], site)


def _directions(resource: ResourceInstance, fields: Fields) -> tuple[Direction, ...]:
    if resource.type in _VPC_RULE_TYPES:
        return ("ingress",) if _VPC_RULE_TYPES[resource.type] == "ingress" else ("egress",)
    type_text = fields.text("type")
    if type_text in ("ingress", "egress"):
        return ("ingress",) if type_text == "ingress" else ("egress",)
    if type_text is not None or not fields.has("type"):
        fields.note(f"type of {resource.address} is {type_text or 'not set'}")
    # The direction is unknown: the rule may apply either way.
    return ("ingress", "egress")


def _with_notes(rule: SgRule, notes: tuple[str, ...]) -> SgRule:
    if not notes:
        return rule
    merged = tuple(dict.fromkeys(rule.unknowns + notes))
    return rule.model_copy(update={"unknowns": merged})


def build_security_groups(
    ctx: Context, vpcs: dict[str, VpcInfo], prefix_lists: dict[str, PrefixList]
) -> dict[str, SecurityGroup]:
    """Return every security group by address, implicit default groups included.

    R-SG-10: an `aws_security_group` without egress blocks or egress rule resources has no
    egress at all (Terraform removes AWS's default allow-all egress rule).
    """
    groups: dict[str, GroupDraft] = {}
    for address, info in vpcs.items():
        implicit = implicit_address(address, "default_security_group")
        candidates = ctx.default_candidates(address, "security_group")
        if implicit in candidates:
            # With an adopter that may not exist, AWS's rules hold only if it does not.
            groups[implicit] = _implicit_default(implicit, info, ctx.uncertain(candidates[0]))
    reader = PeerReader(ctx, prefix_lists, group_names(ctx))
    declared = _declared(ctx, groups)
    _separate(ctx, reader, groups)
    for resource, group in declared:
        _inline(ctx, reader, resource, group)
    return {address: group.freeze() for address, group in groups.items()}
