"""What TFV101 walks share (`exposure_context`, `exposure_subnets.placement`): sharing a
subnet's gates with subnets placed alike must never carry one subnet's identity or words into
another's findings."""

from __future__ import annotations

from model_helpers import NACL, SUBNET, instance, nacl, nacl_rule, public_network, subnet

from tfvpc.analyse.exposure import find_exposures
from tfvpc.analyse.exposure_context import WalkContext
from tfvpc.analyse.exposure_subnets import placement

OTHER = "aws_subnet.other"
OTHER_NACL = "aws_network_acl.other"


def test_subnets_with_one_nacl_and_table_are_placed_by_them_alone() -> None:
    first = subnet()
    second = subnet(OTHER, "10.0.2.0/24", unknowns=("map_public_ip_on_launch is unknown",))
    assert placement(first) == placement(second)


def test_a_subnet_with_an_ambiguous_nacl_is_placed_on_its_own() -> None:
    first = subnet(nacls=(NACL, OTHER_NACL))
    second = subnet(OTHER, "10.0.2.0/24", nacls=(NACL, OTHER_NACL))
    assert placement(first) != placement(second)


def test_subnets_placed_alike_share_their_gates() -> None:
    second = subnet(OTHER, "10.0.2.0/24")
    context = WalkContext(public_network(extra=(second,)))
    first = context.network.subnets[SUBNET]
    for permissive in (True, False):
        shared = context.gates(first, permissive=permissive)
        assert context.gates(second, permissive=permissive) is shared


def test_findings_in_subnets_placed_alike_name_their_own_subnet() -> None:
    other = instance("aws_instance.other", subnets=(OTHER,), evidence=OTHER)
    network = public_network(extra=(subnet(OTHER, "10.0.2.0/24"), other))
    found = {finding.resource: finding for finding in find_exposures(network)}
    assert found["aws_instance.bastion"].path[-2].hop == SUBNET
    assert found["aws_instance.other"].path[-2].hop == OTHER
    assert OTHER not in found["aws_instance.bastion"].related
    assert SUBNET not in found["aws_instance.other"].related


def test_ambiguous_nacls_are_doubted_in_each_subnets_own_words() -> None:
    both = (NACL, OTHER_NACL)
    other = instance("aws_instance.other", subnets=(OTHER,), evidence=OTHER)
    network = public_network(
        subnet(nacls=both),
        extra=(subnet(OTHER, "10.0.2.0/24", nacls=both), nacl(OTHER_NACL), other),
    )
    messages = {finding.resource: finding.message for finding in find_exposures(network)}
    assert f"network ACL of {SUBNET} is ambiguous" in messages["aws_instance.bastion"]
    assert f"network ACL of {OTHER} is ambiguous" in messages["aws_instance.other"]
    assert OTHER not in messages["aws_instance.bastion"]


def test_the_strict_reading_shares_the_sets_of_a_nacl_it_reads_alike() -> None:
    context = WalkContext(public_network())
    known = context.network.nacls[NACL]
    assert context.readings_agree(known, egress=False)
    first = context.network.subnets[SUBNET]
    loose = context.gates(first, permissive=True)[0][0]
    strict = context.gates(first, permissive=False)[0][0]
    assert strict is not loose
    assert strict.reach is loose.reach
    assert strict.outbound is loose.outbound


def test_a_nacl_entry_with_unknowns_or_an_unknown_cidr_is_read_twice() -> None:
    doubted = nacl_rule(90, "deny", 6, ports=(22, 22), unknowns=("cidr_block is unknown",))
    unknown_cidr = nacl_rule(90, "deny", 6, None, (22, 22))
    for rule in (doubted, unknown_cidr):
        network = public_network(nacl(ingress=(rule, nacl_rule(100, "allow", -1))))
        context = WalkContext(network)
        assert not context.readings_agree(network.nacls[NACL], egress=False)
        assert context.readings_agree(network.nacls[NACL], egress=True)
        first = network.subnets[SUBNET]
        loose = context.gates(first, permissive=True)[0][0]
        strict = context.gates(first, permissive=False)[0][0]
        assert strict.reach != loose.reach
