"""The hop from a load-balancer node to one target (R-LB-3, R-LB-4), in one reading.

The node opens the connection. Its security groups' *egress* must allow the target port to the
target (R-SG-10 leaves a Terraform group without egress, which breaks it); the node subnet's
NACL lets the request out and the replies in; the target subnet's NACL lets the request in and
the replies out (R-NACL-1/11); the target's security groups admit the node, by CIDR or by
naming the load balancer's group (R-SG-5: group references match private addresses).

With client-IP preservation (an NLB, R-LB-4) IPv4 clients keep their address up to the target,
so the target's groups and NACL see the *client*: they filter which clients get through, and a
rule naming the NLB's group admits every client it forwards (ELB guide, NLB security groups).
IPv6 clients always arrive from the node's address.

A target's address is somewhere in its subnet: the strict reading needs a rule to cover the
whole subnet, the permissive one any part of it. Unknowns follow `exposure_paths`: the
permissive reading records a `Doubt` and goes on, the strict one drops what rests on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tfvpc.analyse.exposure_paths import Doubt
from tfvpc.analyse.exposure_text import describe_nacl_rule, describe_sg_rule
from tfvpc.analyse.flows import (
    TCP,
    SgDirection,
    addresses_only,
    nacl_allowed,
    nacl_decisions,
    needed_replies,
    return_split,
    sg_allowed,
    sg_rule_flows,
)
from tfvpc.analyse.routing import addresses_of
from tfvpc.findings import Hop
from tfvpc.model import Attachment, LoadBalancer, Nacl, Network, Subnet
from tfvpc.space import FlowSet


class Reading:
    """One reading of the model (permissive or strict) and the doubts it leaned on."""

    def __init__(self, network: Network, *, permissive: bool) -> None:
        self.network = network
        self.permissive = permissive
        self.doubts: list[Doubt] = []

    def doubt(self, reasons: Iterable[str], affected: FlowSet) -> bool:
        """Record an unknown (permissive reading); return True when the strict reading must
        drop whatever rests on it."""
        if not self.permissive:
            return True
        doubt = Doubt(tuple(reasons), affected)
        if doubt not in self.doubts:
            self.doubts.append(doubt)
        return False

    def covers(self, need: FlowSet, got: FlowSet) -> bool:
        """Return True when `got` lets the hop through: all of `need` when strict, some of it
        when permissive (a target's address is somewhere in its subnet)."""
        return bool(need & got) if self.permissive else need.issubset(got)


@dataclass
class Passage:
    """Which clients one node -> target hop lets through, and the evidence."""

    clients: FlowSet
    hops: list[Hop] = field(default_factory=list)


def _window(addresses: FlowSet, protocol: int, port: int) -> FlowSet:
    """Return the flows to/from `addresses` on one protocol and port."""
    return addresses.restrict(protocols=(protocol, protocol), ports=(port, port))


def _subnet_space(reading: Reading, subnet: Subnet | None, owner: str) -> FlowSet:
    """Return a subnet's IPv4 addresses; unknown, every IPv4 address (permissive) or none."""
    space = addresses_of(subnet.ipv4_cidr) if subnet is not None else None
    if space is not None:
        return space
    name = subnet.address if subnet is not None else f"the subnet of {owner}"
    if reading.doubt([f"the IPv4 CIDR of {name} is unknown"], FlowSet.universe(4)):
        return FlowSet.empty()
    return FlowSet.universe(4)


def _one_subnet(reading: Reading, attachment: Attachment) -> Subnet | None:
    subnets = attachment.subnets
    if len(subnets) == 1 and subnets[0] in reading.network.subnets:
        return reading.network.subnets[subnets[0]]
    what = "unknown" if not subnets else f"one of {', '.join(subnets)}"
    reading.doubt([f"the subnet of {attachment.address} is {what}"], FlowSet.universe())
    return None


def groups_admit(
    reading: Reading,
    groups: Iterable[str],
    direction: SgDirection,
    need: FlowSet,
    peer_groups: Iterable[str],
) -> tuple[FlowSet, list[Hop]]:
    """Return the part of `need` that the groups admit in `direction`, and the admitting rules.

    `need` holds flows whose address is the remote end. A rule naming one of `peer_groups`
    (or ``self`` when the group is one of them) matches every remote address (R-SG-5).
    """
    network = reading.network
    peers = set(peer_groups)
    admitted = FlowSet.empty()
    hops: list[Hop] = []
    for group in dict.fromkeys(groups):
        known = network.security_groups.get(group)
        if known is not None and known.unknowns and reading.doubt(known.unknowns, need):
            continue
        for rule, flows in sg_allowed((group,), direction, network, permissive=reading.permissive):
            named = group if rule.peer_kind == "self" else rule.peer
            if rule.peer_kind in ("security_group", "self") and named in peers:
                if rule.unknowns and not reading.permissive:
                    continue
                opened = rule.model_copy(update={"peer_kind": "unknown", "peer": None})
                flows = sg_rule_flows(opened, network, permissive=True)
            part = flows & need
            if not part:
                continue
            if rule.unknowns:
                reading.doubt(rule.unknowns, part)
            admitted = admitted | part
            hops.append(Hop(hop=group, detail=describe_sg_rule(rule, group)))
    return admitted, hops


@dataclass(frozen=True)
class _NaclLookup:
    """A subnet's NACL (`nacl`), or why there is none: unknown (`open`) or strict (`stop`)."""

    nacl: Nacl | None = None
    open: bool = False


def _the_nacl(reading: Reading, subnet: Subnet, need: FlowSet) -> _NaclLookup:
    """Return the subnet's NACL; when nothing is known of it the permissive reading lets
    everything cross (`open`) and the strict one nothing (neither field set)."""
    if len(subnet.nacls) != 1:
        what = "unknown" if not subnet.nacls else f"ambiguous ({', '.join(subnet.nacls)})"
        return _NaclLookup(
            open=not reading.doubt([f"the network ACL of {subnet.address} is {what}"], need)
        )
    nacl = reading.network.nacls.get(subnet.nacls[0])
    if nacl is None:
        reason = f"network ACL {subnet.nacls[0]} is not in the input"
        return _NaclLookup(open=not reading.doubt([reason], need))
    if nacl.unknowns and reading.doubt(nacl.unknowns, need):
        return _NaclLookup()
    return _NaclLookup(nacl)


def nacl_passes(
    reading: Reading, subnet: Subnet, requests: FlowSet, *, outbound: bool
) -> tuple[FlowSet, list[Hop]]:
    """Return the requests a subnet's NACL lets cross (out of the subnet when `outbound`) and
    whose replies it lets back, tcp needing replies (R-NACL-1/11); and the rules involved."""
    lookup = _the_nacl(reading, subnet, requests)
    nacl = lookup.nacl
    if nacl is None:
        return (requests if lookup.open else FlowSet.empty()), []
    forward = nacl_allowed(nacl, outbound, permissive=reading.permissive)
    back = nacl_allowed(nacl, not outbound, permissive=reading.permissive)
    passed = requests & forward
    split = return_split(passed, back)
    passed = passed - split.none.restrict(protocols=(TCP, TCP))
    replies = needed_replies(passed)
    rules: list[str] = []
    for egress, flows in ((outbound, passed), (not outbound, replies)):
        for rule, decided in nacl_decisions(nacl, egress, permissive=reading.permissive):
            if rule.action == "allow" and decided & flows:
                if rule.unknowns:
                    reading.doubt(rule.unknowns, passed)
                word = "outbound" if egress else "inbound"
                rules.append(f"{word} {describe_nacl_rule(rule)}")
    detail = f"{subnet.address}: {'; '.join(dict.fromkeys(rules)) or 'no rule evaluated'}"
    return passed, [Hop(hop=nacl.address, detail=detail)] if passed else []


@dataclass(frozen=True)
class HopSpec:
    """What one node -> target hop carries: protocol, target port, client IP preservation."""

    protocol: int
    port: int
    preserve: bool


def _proxied(
    reading: Reading,
    lb: LoadBalancer,
    node: Subnet,
    target: Attachment,
    there: Subnet,
    spec: HopSpec,
) -> list[Hop] | None:
    """Return the evidence that the node reaches the target from its own address, or None."""
    here_space = _subnet_space(reading, node, target.address)
    target_space = _subnet_space(reading, there, target.address)
    hops: list[Hop] = []
    if node.address != there.address:
        # R-NACL-12: NACLs do not filter traffic inside one subnet.
        out = _window(target_space, spec.protocol, spec.port)
        passed, evidence = nacl_passes(reading, node, out, outbound=True)
        if not reading.covers(out, passed):
            return None
        hops += evidence
        into = _window(here_space, spec.protocol, spec.port)
        passed, evidence = nacl_passes(reading, there, into, outbound=False)
        if not reading.covers(into, passed):
            return None
        hops += evidence
    need = _window(here_space, spec.protocol, spec.port)
    if target.security_groups:
        admitted, evidence = groups_admit(
            reading, target.security_groups, "ingress", need, lb.security_groups
        )
        if not reading.covers(need, admitted):
            return None
        hops += evidence
    return hops


def _preserved(
    reading: Reading,
    lb: LoadBalancer,
    node: Subnet,
    target: Attachment,
    there: Subnet,
    spec: HopSpec,
    clients: FlowSet,
) -> tuple[FlowSet, list[Hop]]:
    """Return the IPv4 clients the target's NACL and groups admit with their own address."""
    requests = _window(clients.restrict(family=4), spec.protocol, spec.port)
    hops: list[Hop] = []
    if node.address != there.address:
        requests, evidence = nacl_passes(reading, there, requests, outbound=False)
        hops += evidence
    if target.security_groups:
        requests, evidence = groups_admit(
            reading, target.security_groups, "ingress", requests, lb.security_groups
        )
        hops += evidence
    return requests, hops


def passage(
    reading: Reading,
    lb: LoadBalancer,
    node: Attachment,
    target: Attachment,
    spec: HopSpec,
    clients: FlowSet,
) -> Passage:
    """Return which of `clients` (flows whose address is the client) reach `target` through
    `node` on the target protocol and port, with the security groups, NACLs and rules that
    let them (R-LB-3, R-LB-4)."""
    empty = Passage(FlowSet.empty())
    for attachment in (node, target):
        if attachment.unknowns and reading.doubt(attachment.unknowns, clients):
            return empty
    here = _one_subnet(reading, node)
    there = _one_subnet(reading, target)
    if here is None or there is None:
        return Passage(clients if reading.permissive else FlowSet.empty())
    if here.vpc != there.vpc or here.vpc is None:
        why = f"the route from {lb.address} to {target.address} in another VPC is not evaluated"
        if reading.doubt([why], clients):
            return empty
    target_space = _subnet_space(reading, there, target.address)
    hops: list[Hop] = []
    if lb.security_groups:
        out = _window(target_space, spec.protocol, spec.port)
        allowed, evidence = groups_admit(
            reading, lb.security_groups, "egress", out, target.security_groups
        )
        if not reading.covers(out, allowed):
            return empty
        hops += evidence
    proxied = clients.restrict(family=6) if spec.preserve else clients
    through = FlowSet.empty()
    if proxied:
        proof = _proxied(reading, lb, here, target, there, spec)
        if proof is not None:
            through = proxied
            hops += proof
    if spec.preserve and clients.restrict(family=4):
        if here.address != there.address:
            out = _window(target_space, spec.protocol, spec.port)
            passed, evidence = nacl_passes(reading, here, out, outbound=True)
            if reading.covers(out, passed):
                hops += evidence
                admitted, more = _preserved(reading, lb, here, target, there, spec, clients)
                through = through | (addresses_only(admitted) & clients)
                hops += more
        else:
            admitted, more = _preserved(reading, lb, here, target, there, spec, clients)
            through = through | (addresses_only(admitted) & clients)
            hops += more
    return Passage(through, list(dict.fromkeys(hops)))
