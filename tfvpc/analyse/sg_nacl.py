"""TFV301 sg-rule-blocked-by-nacl: security-group rules whose traffic the subnet's NACL drops.

For each rule of each group and each subnet where an attachment carrying the group sits, the
rule's flows that the subnet's NACL drops (C-1, C-2): an ingress rule's requests must pass the
NACL inbound and get at least some reply out (R-NACL-11; a reply range wholly dropped kills the
flow, a partly dropped one is TFV302's business); an egress rule likewise outbound, with replies
inbound. Traffic between addresses of the subnet itself is not filtered (R-NACL-12), and traffic
of a family the subnet has no address in never exists (R-CIDR-2): both are left out. A group no
attachment carries has no conflict; a NACL that allows what no group does is defense in depth,
not a finding (C-10), and so is a NACL narrowing a broad egress rule: egress rules are reported
only when wholly dead.

Security-group peers (R-SG-5) are given the CIDRs of the subnets where attachments carrying the
peer group sit; since their ENIs may sit anywhere in those subnets, only traffic dropped for
*every* address of such a subnet counts.

Severity medium when the rule is dead in every subnet where the group is used, low when only part
of it is. Definite needs the rule known and the drop certain under the permissive reading of the
NACL; a drop that only the strict reading (or an ambiguous placement) gives is "possible".
"""

from __future__ import annotations

from collections.abc import Iterator

from tfvpc.analyse.exposure_groups import protocol_groups
from tfvpc.analyse.exposure_text import (
    describe_nacl_rule,
    describe_sg_rule,
    describe_traffic,
    protocol_label,
)
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.peer_space import for_every_address, group_peer_subnets, with_cidr_peer
from tfvpc.analyse.routing import family_window
from tfvpc.analyse.sg_nacl_sites import (
    Cut,
    Evidence,
    Guard,
    NaclKey,
    Run,
    Seen,
    Segment,
    Site,
    Spans,
    Traffic,
    beyond_text,
    joined,
    meets,
    outside,
    spans_of,
)
from tfvpc.analyse.sg_redundancy import signature
from tfvpc.analyse.subnet_space import SubnetSpace
from tfvpc.analyse.usage import Usage
from tfvpc.findings import Finding, Hop, Severity, make_finding
from tfvpc.model import Nacl, Network, SecurityGroup, SgRule, Subnet
from tfvpc.space import FlowSet, describe_cidrs

_SHOWN = 3


def find_sg_rules_blocked_by_nacl(
    network: Network, usage: Usage, flows: FlowCache
) -> list[Finding]:
    """Return the TFV301 findings, by group address and rule order."""
    judge = _Judge(network, usage, flows)
    findings: list[Finding] = []
    for address in sorted(usage.by_security_group):
        group = network.security_groups.get(address)
        if group is not None:
            findings.extend(judge.group(group))
    return findings


class _Judge:
    """Judges rules against NACLs for one analysis, remembering what many rules share.

    Rules and NACLs written alike (one module per VPC) give equal flow sets, so the NACL's
    verdict on a rule's flows is computed once per distinct (flows, NACL entries) pair.
    Address peers are judged on their flows in the subnet's families, and the subnet's own
    addresses taken out afterwards: what a NACL does to a flow depends on its own client
    address only (R-NACL-1/11), so taking addresses out before or after gives the same sets.
    Subnets guarded alike whose own addresses the flows do not reach all see the same, so a
    group's rules are judged per segment of such subnets, not per subnet.
    """

    def __init__(self, network: Network, usage: Usage, flows: FlowCache) -> None:
        self.network = network
        self.usage = usage
        self.flows = flows
        self.space = SubnetSpace()
        self._sites: dict[str, Site | None] = {}
        self._alike: dict[tuple[tuple[str, ...], FlowSet], Guard] = {}
        self._verdicts: dict[tuple[FlowSet, NaclKey, bool], tuple[FlowSet, FlowSet]] = {}
        self._cuts: dict[tuple[FlowSet, FlowSet, NaclKey, bool], Seen] = {}
        self._passed: dict[tuple[FlowSet, FlowSet, FlowSet], FlowSet] = {}
        self._blockers: dict[tuple[FlowSet, tuple[int, int], bool], list[tuple[str, Spans]]] = {}
        self._denies: dict[tuple[str, bool], list[tuple[str, FlowSet]]] = {}
        self._clauses: dict[tuple[str, str], tuple[tuple[Hop, ...], str]] = {}
        self._traffic: dict[FlowSet, Traffic] = {}
        self._described: dict[tuple[object, ...], tuple[str, str]] = {}

    def group(self, group: SecurityGroup) -> Iterator[Finding]:
        """Yield the findings of one group's rules."""
        segments = self.segments(group)
        seen: set[tuple[object, ...]] = set()
        for rule in group.rules:
            # An identical copy of a rule (TFV304 reports it) would repeat the same finding.
            if rule.unknowns:
                continue
            key = signature(rule)
            if key in seen:
                continue
            seen.add(key)
            egress = rule.direction == "egress"
            if rule.peer_kind in ("security_group", "self"):
                runs = self.peer_runs(group, rule, egress, segments)
            else:
                flows = self.flows.sg_rule_flows(rule, permissive=False)
                runs = self.address_runs(flows, egress, segments)
            finding = self.finding(group, rule, key, runs)
            if finding is not None:
                yield finding

    def segments(self, group: SecurityGroup) -> list[Segment]:
        """Return the sites where attachments carrying the group may sit, in subnet order,
        as segments."""
        attachments = self.usage.by_security_group[group.address]
        certain = {a.subnets[0] for a in attachments if len(a.subnets) == 1}
        segments: list[Segment] = []
        sites: list[Site] = []
        sure: list[Site] = []
        for address in self.usage.subnets_of_group(group.address):
            site = self.site(address)
            if site is None:
                continue
            if sites and site.guard is not sites[0].guard:
                segments.append(Segment(sites[0].guard, sites, sure))
                sites, sure = [], []
            sites.append(site)
            if address in certain:
                sure.append(site)
        if sites:
            segments.append(Segment(sites[0].guard, sites, sure))
        return segments

    def site(self, address: str) -> Site | None:
        """Return the subnet of this address with its guard, None when the model lacks it or
        one of its NACLs."""
        if address in self._sites:
            return self._sites[address]
        subnet = self.network.subnets.get(address)
        found = None
        if subnet is not None:
            guard = self.guard(subnet)
            if guard is not None:
                found = Site(subnet, guard, self.space.ranges(subnet))
        self._sites[address] = found
        return found

    def guard(self, subnet: Subnet) -> Guard | None:
        """Return the subnet's NACLs, None when one of them is not in the model."""
        nacls = tuple(self.network.nacls[n] for n in subnet.nacls if n in self.network.nacls)
        if not nacls or len(nacls) != len(subnet.nacls):
            return None
        window = family_window(subnet)
        guard = self._alike.get((subnet.nacls, window))
        if guard is None:
            ingress, egress = (
                tuple(
                    (self.flows.nacl_token(n, out), self.flows.nacl_token(n, not out))
                    for n in nacls
                )
                for out in (False, True)
            )
            guard = self._alike[(subnet.nacls, window)] = Guard(nacls, (ingress, egress), window)
        return guard

    def peer_runs(
        self, group: SecurityGroup, rule: SgRule, egress: bool, segments: list[Segment]
    ) -> list[Run]:
        """Return what each subnet's NACL drops of a rule whose peer is a security group,
        leaving out subnets that none of its traffic crosses the boundary of."""
        peers = self.peer_flows(group, rule)
        runs: list[Run] = []
        for segment in segments:
            for alone in segment.alone():
                seen = self.peer_drop(peers, egress, alone.sites[0])
                if seen is not None:
                    runs.append((alone, seen))
        return runs

    def peer_drop(self, peers: list[tuple[str, FlowSet]], egress: bool, site: Site) -> Seen | None:
        """Return what the subnet's NACL drops of a rule whose peer is a security group, from
        `peer_flows`; None if the rule has no traffic crossing the subnet boundary."""
        subnet = site.subnet
        # R-NACL-12: not the subnet's own addresses; R-CIDR-2: not a family it has none in.
        parts = [
            crossing
            for address, flows in peers
            if address != site.address and (crossing := self.space.crossing(flows, subnet))
        ]
        if not parts:
            return None
        definite = FlowSet.empty()
        for flows in parts:
            surely, _ = self.verdict(flows, site.guard, egress)
            definite = definite | for_every_address(surely, flows)
        return Seen.whole(Cut(FlowSet.union_all(parts), definite, FlowSet.empty()))

    def peer_flows(self, group: SecurityGroup, rule: SgRule) -> list[tuple[str, FlowSet]]:
        """Return each subnet where the security-group peer of a rule sits with the rule's
        flows to or from its addresses (each to be judged for all of them)."""
        out: list[tuple[str, FlowSet]] = []
        for peer in group_peer_subnets(rule, group.address, self.network, self.usage):
            cidrs = [c for c in (peer.ipv4_cidr, peer.ipv6_cidr) if c is not None]
            flows = FlowSet.union_all(
                self.flows.sg_rule_flows(with_cidr_peer(rule, c), permissive=False) for c in cidrs
            )
            out.append((peer.address, flows))
        return out

    def address_runs(self, rule_flows: FlowSet, egress: bool, segments: list[Segment]) -> list[Run]:
        """Return what each subnet's NACL drops of the flows of a rule whose peer is addresses
        (CIDRs, prefix lists), leaving out subnets that none of them cross the boundary of."""
        runs: list[Run] = []
        for segment in segments:
            whole = self.cut(rule_flows, segment.guard, egress)
            if not meets(whole.cut.addresses()[0], segment.own):
                runs.append((segment, whole))
                continue
            across = self.seen_across(whole, segment)
            if across is not None:
                runs.append((segment, across))
                continue
            for alone in segment.alone():
                seen = self.seen_from(whole, alone.sites[0])
                if seen is not None:
                    runs.append((alone, seen))
        return runs

    def cut(self, rule_flows: FlowSet, guard: Guard, egress: bool) -> Seen:
        """Return all of what the guard's NACLs drop of a rule's flows in its subnets'
        families, one cut per distinct (flows, families, NACL entries)."""
        key = (rule_flows, guard.window, guard.keys[egress], egress)
        found = self._cuts.get(key)
        if found is None:
            # R-CIDR-2: not a family the subnet has no address in.
            windowed = rule_flows & guard.window
            cut = Cut(windowed, *self.verdict(windowed, guard, egress))
            found = self._cuts[key] = Seen.whole(cut)
        return found

    def seen_across(self, whole: Seen, segment: Segment) -> Seen | None:
        """Return what every site of the segment sees of a cut (given `whole`) when that does
        not depend on the site, else None."""
        flows, definite, possible, alive = whole.cut.addresses()
        # R-NACL-12: each site sees the cut less its own addresses. A set with an address
        # beyond all of them keeps some flows whichever site's are taken out; a set with no
        # flow keeps none.
        if len(segment.sites) < 2 or any(
            spans and not outside(spans, segment.hull())
            for spans in (flows, definite, possible, alive)
        ):
            return None
        return Seen(whole.cut, True, bool(definite), bool(possible), not alive)

    def seen_from(self, whole: Seen, site: Site) -> Seen | None:
        """Return what one of the sites a cut was made for sees of it (given `whole`), None
        when every flow of the cut lies inside the subnet."""
        flows, definite, possible, alive = whole.cut.addresses()
        own = site.own
        if not meets(flows, own):
            return whole
        # R-NACL-12: traffic inside the subnet is not filtered; its addresses are left out.
        # They hold every protocol and port, so what is left of a set shows in its addresses.
        if not outside(flows, own):
            return None
        return Seen(
            whole.cut,
            True,
            outside(definite, own),
            outside(possible, own),
            not outside(alive, own),
        )

    def verdict(self, flows: FlowSet, guard: Guard, egress: bool) -> tuple[FlowSet, FlowSet]:
        """Return the flows dropped under every candidate NACL even when read permissively
        (definite), and those dropped only under some candidate read strictly (possible)."""
        key = (flows, guard.keys[egress], egress)
        found = self._verdicts.get(key)
        if found is None:
            surely = flows
            maybe = FlowSet.empty()
            for nacl in guard.nacls:
                surely = surely & (flows - self.passed(nacl, flows, egress, permissive=True))
                maybe = maybe | (flows - self.passed(nacl, flows, egress, permissive=False))
            # Hand back `flows` itself when every flow is dropped: later comparisons with it
            # and boundary views of it then hit by identity instead of rebuilding equal sets.
            if surely == flows:
                surely = flows
            found = self._verdicts[key] = (surely, maybe - surely)
        return found

    def passed(self, nacl: Nacl, flows: FlowSet, egress: bool, *, permissive: bool) -> FlowSet:
        """Return the flows that pass the NACL in their direction and get some reply back."""
        allowed = self.flows.nacl_allowed(nacl, egress, permissive=permissive)
        back = self.flows.nacl_allowed(nacl, not egress, permissive=permissive)
        key = (flows, allowed, back)
        found = self._passed.get(key)
        if found is None:
            if flows.isdisjoint(allowed):
                found = FlowSet.empty()
            else:
                passed = flows & allowed
                found = passed - self.flows.return_split(passed, back).none
            self._passed[key] = found
        return found

    def blockers(
        self, cut: Cut, guard: Guard, definite_only: bool, egress: bool
    ) -> list[tuple[str, Spans]]:
        """Return the entries of the guard's NACLs that drop the requests of what `cut` shows
        (`Cut.shown`), or all their replies, each with the addresses of what it drops; once
        per cut."""
        found = cut.entries.get(definite_only)
        if found is None:
            shown = cut.shown(definite_only)
            found = cut.entries[definite_only] = []
            for nacl, tokens in zip(guard.nacls, guard.keys[egress], strict=True):
                key = (shown, tokens, egress)
                entries = self._blockers.get(key)
                if entries is None:
                    entries = self._blockers[key] = self.nacl_blockers(nacl, shown, egress)
                found.extend(entries)
        return found

    def nacl_blockers(self, nacl: Nacl, dropped: FlowSet, egress: bool) -> list[tuple[str, Spans]]:
        """Return the entries of one NACL that drop `dropped` or all its replies, each with the
        addresses of what it drops."""
        out: list[tuple[str, Spans]] = []
        allowed = self.flows.nacl_allowed(nacl, egress, permissive=True)
        if dropped.isdisjoint(allowed):
            # No request passes: all are refused, and none is owed a reply.
            refused, replies = dropped, FlowSet.empty()
        else:
            passed = dropped & allowed
            refused = dropped - passed
            replies = self.flows.needed_replies(passed)
        for text, decided in self.denies(nacl, egress):
            if not decided.isdisjoint(refused):
                out.append((text, spans_of(decided & refused)))
        if replies:
            for text, decided in self.denies(nacl, not egress):
                if not decided.isdisjoint(replies):
                    out.append((f"{text} (every reply)", spans_of(decided & replies)))
        return out

    def denies(self, nacl: Nacl, egress: bool) -> list[tuple[str, FlowSet]]:
        """Return the deny entries of one direction of a NACL that decide some flow (read
        permissively), each described with its direction and with the flows it decides."""
        key = (nacl.address, egress)
        found = self._denies.get(key)
        if found is None:
            side = "outbound" if egress else "inbound"
            found = self._denies[key] = [
                (f"{side} {describe_nacl_rule(rule)}", decided)
                for rule, decided in self.flows.nacl_decisions(nacl, egress, permissive=True)
                if rule.action == "deny" and decided
            ]
        return found

    def blocker_text(
        self, segment: Segment, seen: Seen, definite_only: bool, egress: bool
    ) -> str | None:
        """Return the NACL entries that drop what the segment's sites see of a cut, or all
        its replies, joined by ``; `` (each once); once per cut for sites that see all of it.
        None when the entries differ between the sites."""
        cut = seen.cut
        entries = self.blockers(cut, segment.guard, definite_only, egress)
        if seen.inside:
            # An entry counts when what it drops lies partly outside the subnet's addresses:
            # for every site when it drops some address beyond all of them.
            if len(segment.sites) == 1:
                return beyond_text(entries, segment.sites[0].ranges)
            hull = segment.hull()
            if not all(outside(spans, hull) for _, spans in entries):
                return None
        text = cut.texts.get(definite_only)
        if text is None:
            text = cut.texts[definite_only] = "; ".join(dict.fromkeys(t for t, _ in entries))
        return text

    def shown(self, run: Run, definite_only: bool, egress: bool) -> list[Evidence]:
        """Return the evidence of what the run's sites see: of its segment, or of each of its
        sites alone when their blocking entries differ."""
        segment, seen = run
        text = self.blocker_text(segment, seen, definite_only, egress)
        if text is not None:
            return [self.evidence(segment, definite_only, text)]
        entries = self.blockers(seen.cut, segment.guard, definite_only, egress)
        return [
            self.evidence(alone, definite_only, beyond_text(entries, alone.sites[0].ranges))
            for alone in segment.alone()
            if alone.certain or not definite_only
        ]

    def evidence(self, segment: Segment, certain_only: bool, blockers: str) -> Evidence:
        """Return the hops, message clauses and addresses of the segment's sites (the certain
        ones only, or all) whose NACL drops traffic with `blockers`; once per segment."""
        key = (certain_only, blockers)
        found = segment.evidence.get(key)
        if found is None:
            hops: list[Hop] = []
            clauses: list[str] = []
            sites = segment.certain if certain_only else segment.sites
            for site in sites:
                site_hops, clause = self.clause(site, blockers)
                hops.extend(site_hops)
                clauses.append(clause)
            found = segment.evidence[key] = Evidence(
                tuple(hops),
                tuple(clauses),
                tuple(site.address for site in sites),
                tuple(n.address for n in segment.guard.nacls) if sites else (),
                {},
            )
        return found

    def clause(self, site: Site, blockers: str) -> tuple[tuple[Hop, ...], str]:
        """Return the evidence hops (subnet, then each NACL with its blocking entries) and the
        message clause of one subnet's drop."""
        # Rules dropped in one subnet mostly share its blocking entries: the hops and words
        # are built once per (subnet, entries) rather than once per (rule, subnet).
        key = (site.address, blockers)
        found = self._clauses.get(key)
        if found is None:
            names = ", ".join(n.address for n in site.guard.nacls)
            hops = (
                Hop(hop=site.address, detail=f"NACL {names}"),
                *(Hop(hop=n.address, detail=blockers) for n in site.guard.nacls),
            )
            clause = f"NACL {names} of {site.address} ({blockers})"
            found = self._clauses[key] = (hops, clause)
        return found

    def traffic(self, flows: FlowSet) -> Traffic:
        """Return how a finding shows `flows`, once per distinct set."""
        found = self._traffic.get(flows)
        if found is None:
            groups = protocol_groups(flows)
            ports = [g.ports() for g in groups]
            words = "; ".join(
                describe_traffic(g.label, p, g.excluded) for g, p in zip(groups, ports, strict=True)
            )
            sources = flows.cidrs()
            found = self._traffic[flows] = Traffic(
                groups, ports, words, tuple(sources), describe_cidrs(sources)
            )
        return found

    def dropped(self, shown: list[Run], definite_only: bool) -> FlowSet:
        """Return the union of what the shown sites see of their cuts (`Cut.shown`).

        A site `inside` a cut sees the cut's less its own addresses, so the sites of one cut
        see together the cut's less the addresses common to all of them (all of it once one
        of them is not `inside`).
        """
        if len(shown) == 1 and not shown[0][1].inside:
            return shown[0][1].cut.shown(definite_only)
        common: dict[Cut, FlowSet | None] = {}
        for segment, seen in shown:
            cut = seen.cut
            if not seen.inside:
                common[cut] = None
            elif cut not in common:
                common[cut] = segment.common(definite_only)
            elif (inside := common[cut]) is not None:
                common[cut] = inside & segment.common(definite_only)
        return FlowSet.union_all(
            cut.shown(definite_only) if inside is None else cut.shown(definite_only) - inside
            for cut, inside in common.items()
        )

    def related(self, group: SecurityGroup, origin: str, evidence: Evidence) -> tuple[str, ...]:
        """Return the group, the subnets of `evidence`, their NACLs and the attachments of the
        group in them, each once and without the rule's `origin`; once per origin."""
        found = evidence.related.get(origin)
        if found is None:
            users = self.usage.by_security_group[group.address]
            shown = set(evidence.subnets)
            related = dict.fromkeys(
                (
                    group.address,
                    *evidence.subnets,
                    *evidence.nacls,
                    *(a.resource for a in users if not shown.isdisjoint(a.subnets)),
                )
            )
            related.pop(origin, None)
            found = evidence.related[origin] = tuple(related)
        return found

    def described(
        self, group: SecurityGroup, rule: SgRule, key: tuple[object, ...]
    ) -> tuple[str, str]:
        """Return `describe_sg_rule(rule, group.address)` and the end of the finding's
        fingerprint, once per distinct rule; `key` is the rule's `signature`."""
        origin = None if rule.origin in ("", group.address) else rule.origin
        memo = (rule.direction, key, origin)
        found = self._described.get(memo)
        if found is None:
            found = self._described[memo] = (
                describe_sg_rule(rule, group.address),
                f"|{rule.direction}|{key}",
            )
        return found

    def finding(
        self, group: SecurityGroup, rule: SgRule, key: tuple[object, ...], runs: list[Run]
    ) -> Finding | None:
        """Return the rule's finding from what each subnet's NACL drops, if anything shows;
        `key` is the rule's `signature`."""
        definite = [run for run in runs if run[1].definite and run[0].certain]
        shown = definite or [run for run in runs if run[1].definite or run[1].possible]
        if not shown:
            return None
        sure = bool(definite)
        wholly = all(seen.dead for _, seen in runs)
        egress = rule.direction == "egress"
        if egress and not (wholly and sure):
            return None  # a NACL narrowing a broad egress rule is defense in depth (C-10)
        described, tail = self.described(group, rule, key)
        parts = [part for run in shown for part in self.shown(run, sure, egress)]
        evidence = parts[0] if len(parts) == 1 else joined(parts)
        count = len(evidence.clauses)
        more = f" and {count - _SHOWN} more subnets" if count > _SHOWN else ""
        traffic = self.traffic(self.dropped(shown, sure))
        groups = traffic.groups
        label = protocol_label(rule.protocol)
        return make_finding(
            "TFV301",
            resource=rule.origin or group.address,
            severity=Severity.MEDIUM if wholly else Severity.LOW,
            certainty="definite" if sure else "possible",
            message=(
                f"{described} of {group.address} is {'dead' if wholly else 'partly dead'}:"
                f" {traffic.words} {'to' if egress else 'from'} {traffic.peers} is dropped by"
                f" {'; '.join(evidence.clauses[:_SHOWN])}{more}; allow it in the NACL or narrow"
                " the rule"
                f" ({'C-1' if wholly else 'C-2'})"
            ),
            related=self.related(group, rule.origin, evidence),
            protocol=label,
            ports=traffic.ports[0] if len(groups) == 1 and groups[0].label == label else None,
            sources=traffic.sources,
            path=(Hop(hop=group.address, detail=described), *evidence.hops),
            location=rule.location or self.network.locations.get(rule.origin or group.address),
            fingerprint_extra=f"{group.address}{tail}",
        )
