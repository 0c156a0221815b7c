"""The flow sets of one network's NACLs and security groups, computed once per scanned input.

Analysers ask the same questions many times: the flows a NACL allows, for every subnet it
guards; the flows of a group's rules, for every attachment carrying it; the replies of the
same requests. A `FlowCache` answers each once. It belongs to the analysis of one network
(shared by its analysers through `indexes.NetworkIndexes`) and is dropped with it, so no
answer outlives the scan of that input or crosses to another network.

Keys are cheap values, never model objects (pydantic objects hash and compare field by field):
model addresses, which are unique within a network, and the content a result depends on, so
that NACLs and rules written alike (one module instantiated per VPC) are evaluated once.
"""

from __future__ import annotations

from collections.abc import Iterable

from tfvpc.analyse.flows import (
    NaclDecision,
    ReturnSplit,
    SgDirection,
    SgFlowsKey,
    allowed_of,
    decided_flows,
    evaluation_order,
    missing_group_rule,
    needed_replies,
    reading_matters,
    return_split,
    sg_flows_key,
    sg_flows_keys,
    sg_key_flows,
)
from tfvpc.model import Nacl, NaclRule, Network, SgRule
from tfvpc.space import FlowSet

_RuleContent = tuple[
    int,
    bool,
    bool,
    str,
    int,
    str | None,
    int | None,
    int | None,
    int | None,
    int | None,
    bool,
    int | None,
]
GroupRules = tuple[tuple[SgRule, FlowSet], ...]


def _content(rule: NaclRule) -> _RuleContent:
    """Return everything the flows a NACL entry decides, and its description, depend on."""
    return (
        rule.rule_no,
        rule.is_default_deny,
        rule.egress,
        rule.action,
        rule.protocol,
        rule.cidr,
        rule.from_port,
        rule.to_port,
        rule.icmp_type,
        rule.icmp_code,
        bool(rule.unknowns),
        rule.family,
    )


class FlowCache:
    """Memoised flow sets of `network` for the analysis of one input; see the module docstring."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._tokens: dict[tuple[tuple[_RuleContent, ...], bool], int] = {}
        self._orders: dict[tuple[str, bool], tuple[tuple[NaclRule, ...], int]] = {}
        self._decided: dict[tuple[int, bool], tuple[FlowSet, ...]] = {}
        self._decisions: dict[tuple[str, bool, bool], tuple[NaclDecision, ...]] = {}
        self._allowed: dict[tuple[int, bool], FlowSet] = {}
        self._allowed_by_nacl: dict[tuple[str, bool, bool], FlowSet] = {}
        self._rule_flows: dict[SgFlowsKey, FlowSet] = {}
        self._groups: dict[tuple[str, SgDirection, bool], GroupRules] = {}
        self._group_flows: dict[tuple[SgDirection, bool], dict[str, FlowSet]] = {
            (direction, permissive): {}
            for direction in ("ingress", "egress")
            for permissive in (False, True)
        }
        self._unions: dict[frozenset[FlowSet], FlowSet] = {}
        self._group_unions: dict[frozenset[int], FlowSet] = {}
        self._replies: dict[FlowSet, FlowSet] = {}
        self._splits: dict[tuple[FlowSet, FlowSet], ReturnSplit] = {}

    def nacl_entries(self, nacl: Nacl, egress: bool) -> tuple[NaclRule, ...]:
        """Return `flows.evaluation_order` for a NACL of this network."""
        return self._order(nacl, egress)[0]

    def nacl_token(self, nacl: Nacl, egress: bool) -> int:
        """Return a number naming the entries of one direction of a NACL of this network:
        equal for directions whose entries are alike in everything but their origin."""
        return self._order(nacl, egress)[1]

    def _order(self, nacl: Nacl, egress: bool) -> tuple[tuple[NaclRule, ...], int]:
        key = (nacl.address, egress)
        found = self._orders.get(key)
        if found is None:
            rules = evaluation_order(nacl, egress)
            content = (tuple(_content(rule) for rule in rules), egress)
            token = self._tokens.setdefault(content, len(self._tokens))
            found = self._orders[key] = (rules, token)
        return found

    def nacl_decisions(
        self, nacl: Nacl, egress: bool, *, permissive: bool
    ) -> tuple[NaclDecision, ...]:
        """Return `flows.nacl_decisions` for a NACL of this network."""
        key = (nacl.address, egress, permissive)
        found = self._decisions.get(key)
        if found is None:
            rules, token = self._order(nacl, egress)
            flows = self._decided.get((token, permissive))
            if flows is None:
                flows = decided_flows(rules, permissive=permissive)
                self._decided[(token, permissive)] = flows
                # Entries that read alike either way decide alike: one object serves both
                # readings, so the allowed flows and what is judged against them are shared too.
                if not any(reading_matters(rule) for rule in rules):
                    self._decided[(token, not permissive)] = flows
            found = self._decisions[key] = tuple(zip(rules, flows, strict=True))
        return found

    def nacl_allowed(self, nacl: Nacl, egress: bool, *, permissive: bool) -> FlowSet:
        """Return `flows.nacl_allowed` for a NACL of this network (one object for NACLs whose
        entries are alike)."""
        key = (nacl.address, egress, permissive)
        found = self._allowed_by_nacl.get(key)
        if found is None:
            alike = (self.nacl_token(nacl, egress), permissive)
            found = self._allowed.get(alike)
            if found is None:
                decisions = self.nacl_decisions(nacl, egress, permissive=permissive)
                found = self._allowed[alike] = allowed_of(decisions)
                token = alike[0]
                if self._decided.get((token, not permissive)) is self._decided[(token, permissive)]:
                    self._allowed[(token, not permissive)] = found
            self._allowed_by_nacl[key] = found
        return found

    def sg_rule_flows(self, rule: SgRule, *, permissive: bool) -> FlowSet:
        """Return `flows.sg_rule_flows` for a rule of this network."""
        return self._key_flows(sg_flows_key(rule, self.network, permissive=permissive))

    def _key_flows(self, key: SgFlowsKey | None) -> FlowSet:
        """Return `flows.sg_key_flows`, once per distinct key (None: no flows)."""
        if key is None:
            return FlowSet.empty()
        found = self._rule_flows.get(key)
        if found is None:
            found = self._rule_flows[key] = sg_key_flows(key)
        return found

    def group_rules(self, group: str, direction: SgDirection, *, permissive: bool) -> GroupRules:
        """Return `flows.sg_allowed` for one security group (model address) of this network."""
        key = (group, direction, permissive)
        found = self._groups.get(key)
        if found is None:
            known = self.network.security_groups.get(group)
            rules = (
                [missing_group_rule(group, direction)]
                if known is None
                else [rule for rule in known.rules if rule.direction == direction]
            )
            # Both readings at once: they differ only in what unknown parts widen to, and
            # are one object when no rule has any.
            keys = [sg_flows_keys(rule, self.network) for rule in rules]
            strict = tuple(
                (rule, self._key_flows(pair[0])) for rule, pair in zip(rules, keys, strict=True)
            )
            widest = strict
            if any(first != second for first, second in keys):
                widest = tuple(
                    (rule, self._key_flows(pair[1])) for rule, pair in zip(rules, keys, strict=True)
                )
            self._groups[(group, direction, False)] = strict
            self._groups[(group, direction, True)] = widest
            found = self._groups[key]
        return found

    def group_flows(self, group: str, direction: SgDirection, *, permissive: bool) -> FlowSet:
        """Return the union of the flows of one security group's rules in one direction (one
        object for groups whose rules are alike)."""
        known = self._group_flows[(direction, permissive)]
        found = known.get(group)
        if found is None:
            strict = self.group_rules(group, direction, permissive=False)
            widest = self.group_rules(group, direction, permissive=True)
            union = self._union(frozenset(f for _, f in strict))
            self._group_flows[(direction, False)][group] = union
            if widest is not strict:
                union = self._union(frozenset(f for _, f in widest))
            self._group_flows[(direction, True)][group] = union
            found = known[group]
        return found

    def group_unions(
        self, groups: Iterable[str], direction: SgDirection
    ) -> tuple[FlowSet, FlowSet]:
        """Return `flows.sg_allowed_union` of security groups of this network under the strict
        and the permissive reading, in that order."""
        strict_known = self._group_flows[(direction, False)]
        widest_known = self._group_flows[(direction, True)]
        strict: dict[int, FlowSet] = {}
        widest: dict[int, FlowSet] = {}
        for group in groups:
            found = strict_known.get(group)
            if found is None:
                found = self.group_flows(group, direction, permissive=False)
            strict[id(found)] = found
            found = widest_known[group]
            widest[id(found)] = found
        return self._parts_union(strict), self._parts_union(widest)

    def _parts_union(self, parts: dict[int, FlowSet]) -> FlowSet:
        """Return the union of group flow sets given by their ids."""
        # Keyed by the identity of the groups' flow sets, which this cache holds for its life:
        # many groups share one set, and ids hash without walking the sets.
        key = frozenset(parts)
        union = self._group_unions.get(key)
        if union is None:
            union = self._group_unions[key] = self._union(frozenset(parts.values()))
        return union

    def _union(self, parts: frozenset[FlowSet]) -> FlowSet:
        """Return the union of `parts`, once per distinct collection (unions are canonical,
        so their order does not matter)."""
        found = self._unions.get(parts)
        if found is None:
            found = self._unions[parts] = FlowSet.union_all(parts)
        return found

    def needed_replies(self, requests: FlowSet) -> FlowSet:
        """Return `flows.needed_replies`."""
        found = self._replies.get(requests)
        if found is None:
            found = self._replies[requests] = needed_replies(requests)
        return found

    def return_split(self, requests: FlowSet, allowed_back: FlowSet) -> ReturnSplit:
        """Return `flows.return_split`."""
        key = (requests, allowed_back)
        found = self._splits.get(key)
        if found is None:
            found = self._splits[key] = return_split(requests, allowed_back)
        return found
