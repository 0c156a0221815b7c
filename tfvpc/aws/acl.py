"""Network ACLs: rules in order, the final ``*`` denies, and which NACL each subnet uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfvpc.aws.context import Context, Fields, Resolved
from tfvpc.aws.defaults import adopted_vpc
from tfvpc.aws.values import ICMP_PROTOCOLS, PORT_PROTOCOLS, cidr_family
from tfvpc.aws.vpc import SubnetInfo, VpcInfo
from tfvpc.load.resources import ResourceInstance
from tfvpc.model import (
    PROTOCOL_ALL,
    AddressFamily,
    Location,
    Nacl,
    NaclAction,
    NaclRule,
    implicit_address,
)

DEFAULT_DENY_RULE_NO = 32767
UNKNOWN_RULE_NO = 32766
"""Where a rule whose number is unknown is placed: after every known rule (noted)."""


@dataclass(frozen=True)
class _Names:
    number: str
    action: str


_INLINE = _Names("rule_no", "action")
_SEPARATE = _Names("rule_number", "rule_action")


@dataclass
class NaclDraft:
    """A NACL being assembled: rules are collected, then sorted and closed by ``*`` denies."""

    address: str
    vpc: str | None
    is_default: bool = False
    implicit: bool = False
    location: Location | None = None
    rules: list[NaclRule] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    # Indexes of `rules` so that `add` need not scan every rule added before (a NACL with
    # n separate rule resources cost n^2/2 comparisons).
    _keys: set[tuple[object, ...]] = field(default_factory=set, init=False, repr=False)
    _numbers: set[tuple[bool, int]] = field(default_factory=set, init=False, repr=False)

    def note(self, reasons: list[str] | tuple[str, ...]) -> None:
        """Record reasons why something about the NACL is unknown (each once)."""
        self.unknowns.extend(r for r in reasons if r not in self.unknowns)

    def add(self, rule: NaclRule) -> None:
        """Add a rule unless an identical one is already there (R-TF-2: inline lists repeat
        the rules of separate `aws_network_acl_rule` resources)."""
        key = _rule_key(rule)
        if key in self._keys:
            return
        number = (rule.egress, rule.rule_no)
        if number in self._numbers and rule.rule_no != UNKNOWN_RULE_NO:
            direction = "egress" if rule.egress else "ingress"
            self.note([f"{self.address} has two different {direction} rules {rule.rule_no}"])
        self._keys.add(key)
        self._numbers.add(number)
        self.rules.append(rule)

    def freeze(self) -> Nacl:
        """Return the immutable NACL, each direction sorted and ending with ``*`` (R-NACL-3)."""
        return Nacl(
            address=self.address,
            location=self.location,
            unknowns=tuple(self.unknowns),
            implicit=self.implicit,
            vpc=self.vpc,
            is_default=self.is_default,
            ingress=self._direction(False),
            egress=self._direction(True),
        )

    def _direction(self, egress: bool) -> tuple[NaclRule, ...]:
        rules = sorted((r for r in self.rules if r.egress == egress), key=lambda r: r.rule_no)
        denies = tuple(
            NaclRule(
                rule_no=DEFAULT_DENY_RULE_NO,
                egress=egress,
                action="deny",
                protocol=PROTOCOL_ALL,
                cidr=cidr,
                origin=self.address,
                is_default_deny=True,
                family=cidr_family(cidr),
            )
            for cidr in ("0.0.0.0/0", "::/0")
        )
        return tuple(rules) + denies


def _rule_key(rule: NaclRule) -> tuple[object, ...]:
    return (
        rule.egress,
        rule.rule_no,
        rule.action,
        rule.protocol,
        rule.cidr,
        rule.from_port,
        rule.to_port,
        rule.icmp_type,
        rule.icmp_code,
        rule.unknowns,
        rule.family,
    )


def _rule(
    fields: Fields, names: _Names, egress: bool, origin: str, where: Location | None
) -> NaclRule:
    """Return one NACL entry, normalised per R-NACL-5/6/7."""
    rule_no = fields.integer(names.number)
    if rule_no is None:
        fields.note(f"{fields.what(names.number)} is unknown; the rule is placed last")
        rule_no = UNKNOWN_RULE_NO
    action_text = (fields.text(names.action) or "").lower()
    action: NaclAction = "deny" if action_text == "deny" else "allow"
    if action_text not in ("allow", "deny"):
        fields.note(f"{fields.what(names.action)} is unknown")
    protocol = fields.protocol("protocol")
    if protocol is None:
        fields.note(f"{fields.what('protocol')} is unknown")
        protocol = PROTOCOL_ALL
    cidr = fields.cidr("cidr_block") or fields.cidr("ipv6_cidr_block")
    if cidr is None and not fields.has("cidr_block") and not fields.has("ipv6_cidr_block"):
        fields.note(f"{fields.what('cidr_block')} is not set")
    family = _family(fields, cidr)
    from_port = to_port = icmp_type = icmp_code = None
    if protocol in PORT_PROTOCOLS:
        # R-NACL-6: inclusive range; 0-0 is port 0 only.
        from_port, to_port = fields.integer("from_port"), fields.integer("to_port")
        if from_port is None or to_port is None:
            fields.note(f"the port range of {fields.owner} is unknown")
    elif protocol in ICMP_PROTOCOLS:
        # R-NACL-7: unset icmp_type/icmp_code are sent as 0 (echo reply only).
        icmp_type = fields.integer("icmp_type") if fields.has("icmp_type") else 0
        icmp_code = fields.integer("icmp_code") if fields.has("icmp_code") else 0
    return NaclRule(
        rule_no=rule_no,
        egress=egress,
        action=action,
        protocol=protocol,
        cidr=cidr,
        from_port=from_port,
        to_port=to_port,
        icmp_type=icmp_type,
        icmp_code=icmp_code,
        origin=origin,
        location=where,
        unknowns=tuple(fields.unknowns),
        family=family,
    )


def _family(fields: Fields, cidr: str | None) -> AddressFamily | None:
    """Return the family an entry matches (R-NACL-5): its CIDR's, else the one of the only
    attribute set (``cidr_block`` 4, ``ipv6_cidr_block`` 6), else None."""
    if cidr is not None:
        return cidr_family(cidr)
    ipv4, ipv6 = fields.has("cidr_block"), fields.has("ipv6_cidr_block")
    if ipv4 != ipv6:
        return 4 if ipv4 else 6
    return None


def _default_rules(nacl: NaclDraft, has_ipv6: bool | None, doubts: tuple[str, ...]) -> None:
    """Add AWS's default rules; `doubts` say why they may be replaced by an adopter's."""
    # R-NACL-8: rule 100 allows all IPv4 both ways, rule 101 all IPv6 when the VPC has it.
    cidrs = ["0.0.0.0/0"] if has_ipv6 is False else ["0.0.0.0/0", "::/0"]
    for egress in (False, True):
        for rule_no, cidr in enumerate(cidrs, start=100):
            nacl.add(
                NaclRule(
                    rule_no=rule_no,
                    egress=egress,
                    action="allow",
                    protocol=PROTOCOL_ALL,
                    cidr=cidr,
                    origin=nacl.address,
                    location=nacl.location,
                    unknowns=doubts,
                    family=cidr_family(cidr),
                )
            )


def _unknown_rule(fields: Fields, attr: str, egress: bool, resource: ResourceInstance) -> NaclRule:
    """Return the stand-in for a rule list that is unknown as a whole (any action, any flow)."""
    return NaclRule(
        rule_no=UNKNOWN_RULE_NO,
        egress=egress,
        action="allow",
        protocol=PROTOCOL_ALL,
        cidr=None,
        origin=resource.address,
        location=fields.ctx.location(resource),
        unknowns=tuple(dict.fromkeys((*fields.uncertain, fields.reason(attr)))),
    )


def _inline(ctx: Context, resource: ResourceInstance, nacl: NaclDraft) -> None:
    fields = ctx.fields(resource)
    for attr, egress in (("ingress", False), ("egress", True)):
        blocks = fields.blocks(attr)
        if blocks is None and fields.has(attr):
            nacl.add(_unknown_rule(fields, attr, egress, resource))
        for i, block in enumerate(blocks or []):
            block_fields = ctx.block_fields(resource, block, f"{attr}[{i}]")
            where = ctx.location(resource, f"{attr}.{i}")
            nacl.add(_rule(block_fields, _INLINE, egress, resource.address, where))
    nacl.note(fields.unknowns)


def _declared(
    ctx: Context, nacls: dict[str, NaclDraft]
) -> list[tuple[ResourceInstance, NaclDraft]]:
    declared: list[tuple[ResourceInstance, NaclDraft]] = []
    for resource in ctx.resolver.of_type("aws_network_acl", "aws_default_network_acl"):
        fields = ctx.fields(resource)
        is_default = resource.type == "aws_default_network_acl"
        if is_default:
            # Adoption removes every rule: only the configured ones remain (none = deny all).
            vpc = ctx.from_link(adopted_vpc(ctx.resolver, resource))
        else:
            vpc = fields.one("vpc_id")
        nacl = NaclDraft(resource.address, vpc.single, is_default, location=ctx.location(resource))
        nacl.note(vpc.unknowns)
        nacl.note(fields.unknowns)
        nacls[resource.address] = nacl
        declared.append((resource, nacl))
    return declared


def _separate_rules(ctx: Context, nacls: dict[str, NaclDraft]) -> None:
    for resource in ctx.resolver.of_type("aws_network_acl_rule"):
        fields = ctx.fields(resource)
        targets = fields.one("network_acl_id")
        egress = fields.flag("egress", False)
        # A rule whose direction is unknown may apply either way.
        directions = (False, True) if egress is None else (egress,)
        for direction in directions:
            rule = _rule(fields, _SEPARATE, direction, resource.address, ctx.location(resource))
            for address in targets.addresses:
                if address in nacls:
                    nacls[address].add(rule)


def build_nacls(
    ctx: Context, vpcs: dict[str, VpcInfo], subnets: dict[str, SubnetInfo]
) -> tuple[dict[str, Nacl], dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Return every NACL by address, and per subnet its NACLs and the notes on them.

    A subnet uses the NACL that names it, else its VPC's default NACL (R-NACL-10).
    """
    nacls: dict[str, NaclDraft] = {}
    for address, info in vpcs.items():
        implicit = implicit_address(address, "default_nacl")
        candidates = ctx.default_candidates(address, "nacl")
        if implicit in candidates:
            nacl = NaclDraft(implicit, address, True, True, location=info.vpc.location)
            # With an adopter that may not exist, AWS's rules hold only if it does not.
            _default_rules(nacl, info.has_ipv6, ctx.uncertain(candidates[0]))
            nacls[implicit] = nacl
    declared = _declared(ctx, nacls)
    _separate_rules(ctx, nacls)
    for resource, nacl in declared:
        _inline(ctx, resource, nacl)
    per_subnet = _associations(ctx, subnets, declared, set(nacls))
    return {address: nacl.freeze() for address, nacl in nacls.items()}, per_subnet


def _associations(
    ctx: Context,
    subnets: dict[str, SubnetInfo],
    declared: list[tuple[ResourceInstance, NaclDraft]],
    nacls: set[str],
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    claims: dict[str, list[str]] = {}
    certain: set[str] = set()
    """Subnets claimed by a resource that certainly exists, naming a NACL that does."""
    notes: dict[str, list[str]] = {}

    def claim(nacl: Resolved, members: Resolved, fields: Fields) -> None:
        """Record that the NACLs `nacl` name the subnets `members`."""
        doubts = [*fields.uncertain, *(r for a in nacl.addresses for r in ctx.uncertain(a))]
        for subnet in members.addresses:
            if subnet not in subnets:
                continue
            found = claims.setdefault(subnet, [])
            found.extend(a for a in nacl.addresses if a not in found)
            notes.setdefault(subnet, []).extend([*fields.unknowns, *doubts])
            if not doubts:
                certain.add(subnet)

    for resource, nacl in declared:
        fields = ctx.fields(resource)
        members = fields.many("subnet_ids")
        nacl.note(fields.unknowns)
        claim(Resolved((nacl.address,)), members, fields)
    for resource in ctx.resolver.of_type("aws_network_acl_association"):
        fields = ctx.fields(resource)
        claim(fields.one("network_acl_id"), fields.one("subnet_id"), fields)
    per_subnet: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for address, info in subnets.items():
        subnet_notes = notes.get(address, [])
        claimed = claims.get(address, [])
        if len(claimed) > 1:
            subnet_notes.append(f"{address} is claimed by several NACLs: {', '.join(claimed)}")
        chosen = list(claimed)
        if address not in certain:
            # R-NACL-10: unless a claim certainly exists, the VPC's default NACL may apply.
            defaults = [c for vpc in info.vpcs for c in ctx.default_candidates(vpc, "nacl")]
            chosen += [nacl for nacl in defaults if nacl not in chosen]
            subnet_notes.extend(r for nacl in defaults for r in ctx.uncertain(nacl))
        subnet_notes.extend(
            f"NACL {nacl} of {address} is not in the input" for nacl in chosen if nacl not in nacls
        )
        per_subnet[address] = (tuple(dict.fromkeys(chosen)), tuple(dict.fromkeys(subnet_notes)))
    return per_subnet
