"""FlowCache: the same answers as the flows functions, shared between objects written alike,
and scoped to one analysis of one network (no answer crosses to another network)."""

from __future__ import annotations

import gc
import weakref

from model_helpers import group, nacl, nacl_rule, network, public_network, sg_rule

from tfvpc.analyse.conflicts import find_conflicts
from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.flow_cache import FlowCache
from tfvpc.analyse.flows import (
    missing_group_rule,
    nacl_allowed,
    nacl_decisions,
    needed_replies,
    return_split,
    sg_allowed,
    sg_allowed_union,
)
from tfvpc.analyse.reachability import find_reachability_problems
from tfvpc.model import NaclRule
from tfvpc.space import FlowSet

SSH = FlowSet.of(6, "0.0.0.0/0", (22, 22))


def _rules(origin: str) -> tuple[NaclRule, ...]:
    """Inbound: deny ssh from 203.0.113.0/24, allow tcp from anywhere, origin as given."""
    return (
        nacl_rule(90, "deny", 6, "203.0.113.0/24", (22, 22)).model_copy(update={"origin": origin}),
        nacl_rule(100, "allow", 6, "0.0.0.0/0", (0, 65535)).model_copy(update={"origin": origin}),
    )


def test_nacl_answers_equal_the_flows_functions_for_both_readings() -> None:
    unknown = nacl_rule(80, "deny", 6, None, (443, 443), unknowns=("cidr_block unknown",))
    acl = nacl(ingress=(unknown, *_rules("aws_network_acl.a")))
    cache = FlowCache(network(acl))
    for egress in (False, True):
        for permissive in (False, True):
            decided = cache.nacl_decisions(acl, egress, permissive=permissive)
            assert list(decided) == nacl_decisions(acl, egress, permissive=permissive)
            expected = nacl_allowed(acl, egress, permissive=permissive)
            assert cache.nacl_allowed(acl, egress, permissive=permissive) == expected
    # The unknown deny narrows under the permissive reading only (R-MODEL-1).
    strict = cache.nacl_allowed(acl, False, permissive=False)
    loose = cache.nacl_allowed(acl, False, permissive=True)
    assert not strict.contains(4, 6, 0x08080808, 443)
    assert loose.contains(4, 6, 0x08080808, 443)


def test_nacls_written_alike_share_one_answer_and_keep_their_own_rules() -> None:
    first = nacl("aws_network_acl.a", ingress=_rules("aws_network_acl.a"))
    second = nacl("aws_network_acl.b", ingress=_rules("aws_network_acl.b"))
    other = nacl("aws_network_acl.c", ingress=_rules("aws_network_acl.c")[1:])
    cache = FlowCache(network(first, second, other))
    assert cache.nacl_token(first, False) == cache.nacl_token(second, False)
    assert cache.nacl_token(first, False) != cache.nacl_token(other, False)
    assert cache.nacl_token(first, False) != cache.nacl_token(first, True)
    assert cache.nacl_allowed(first, False, permissive=True) is cache.nacl_allowed(
        second, False, permissive=True
    )
    # Each NACL's decisions name its own entries (their origin goes into findings).
    origins = {rule.origin for rule, _ in cache.nacl_decisions(second, False, permissive=True)}
    assert "aws_network_acl.b" in origins
    assert "aws_network_acl.a" not in origins
    blocked_ssh = FlowSet.of(6, "203.0.113.0/24", (22, 22))
    assert cache.nacl_allowed(first, False, permissive=True).isdisjoint(blocked_ssh)
    assert not cache.nacl_allowed(other, False, permissive=True).isdisjoint(blocked_ssh)


def test_caches_of_two_networks_never_share_an_answer() -> None:
    # The same NACL address with different entries in two networks (a second scan).
    before = nacl(ingress=_rules("aws_network_acl.public"))
    after = nacl(ingress=_rules("aws_network_acl.public")[1:])
    first, second = FlowCache(network(before)), FlowCache(network(after))
    assert first.nacl_allowed(before, False, permissive=False).isdisjoint(
        FlowSet.of(6, "203.0.113.9/32", (22, 22))
    )
    assert not second.nacl_allowed(after, False, permissive=False).isdisjoint(
        FlowSet.of(6, "203.0.113.9/32", (22, 22))
    )


def test_group_answers_equal_the_flows_functions() -> None:
    web = group("aws_security_group.web", [sg_rule(6, (443, 443)), sg_rule(6, (80, 80))])
    ssh = group("aws_security_group.ssh", [sg_rule(6, (22, 22), "198.51.100.0/24")])
    net = network(web, ssh)
    cache = FlowCache(net)
    groups = [web.address, ssh.address, web.address, "sg-0outside"]
    for permissive in (False, True):
        expected = sg_allowed(groups[:1], "ingress", net, permissive=permissive)
        assert list(cache.group_rules(web.address, "ingress", permissive=permissive)) == expected
        union = sg_allowed_union(groups, "ingress", net, permissive=permissive)
        assert cache.group_unions(groups, "ingress")[permissive] == union
        assert cache.group_unions(reversed(groups), "ingress")[permissive] == union
    (missing,) = cache.group_rules("sg-0outside", "ingress", permissive=True)
    assert missing[0] == missing_group_rule("sg-0outside", "ingress")
    assert cache.group_flows("sg-0outside", "ingress", permissive=False) == FlowSet.empty()
    assert cache.group_flows(web.address, "egress", permissive=True) == FlowSet.empty()


def test_rules_written_alike_share_one_flow_set() -> None:
    first = sg_rule(6, (22, 22), origin="aws_security_group_rule.a")
    second = sg_rule(6, (22, 22), origin="aws_security_group_rule.b")
    cache = FlowCache(network())
    assert cache.sg_rule_flows(first, permissive=False) == SSH
    assert cache.sg_rule_flows(first, permissive=False) is cache.sg_rule_flows(
        second, permissive=False
    )
    unknown = sg_rule(6, (22, 22), None, peer_kind="unknown", unknowns=("cidr unknown",))
    assert cache.sg_rule_flows(unknown, permissive=False) == FlowSet.empty()
    assert cache.sg_rule_flows(unknown, permissive=True).contains(6, 6, 1, 22)


def test_replies_and_splits_equal_the_flows_functions() -> None:
    cache = FlowCache(network())
    back = FlowSet.of(6, "0.0.0.0/0", (1024, 40000))
    assert cache.needed_replies(SSH) == needed_replies(SSH)
    assert cache.return_split(SSH, back) == return_split(SSH, back)
    assert cache.return_split(SSH, back) is cache.return_split(SSH, back)


def test_no_object_of_an_analysed_network_outlives_the_analysis() -> None:
    net = public_network()
    for analyse in (find_exposures, find_reachability_problems, find_conflicts):
        analyse(net)
    watched = [weakref.ref(net), *(weakref.ref(acl) for acl in net.nacls.values())]
    del net
    gc.collect()
    assert all(ref() is None for ref in watched)
