"""The region's default VPC: the implicit stand-in for it, and placement in default subnets.

Resources that name no VPC (an instance without subnet, a security group without vpc_id) live
in the default VPC. Without an `aws_default_vpc` in the input the builder assumes it exactly
as AWS creates it (semantics §2, §5 trap 3): 172.31.0.0/16, an attached internet gateway, a
main route table with 0.0.0.0/0 to it, public default subnets, the default NACL (R-NACL-8)
and the default security group (R-SG-9). Everything resting on that assumption is possible.
"""

from __future__ import annotations

import pytest
from aws_helpers import build, ref, res, subnet, vpc
from shared_plans import SHARED_PLANS

from tfvpc.analyse.exposure import find_exposures
from tfvpc.aws.defaults import STANDIN_ASSUMPTION, STANDIN_VPC
from tfvpc.load.plan import load_plan_file
from tfvpc.load.resources import ResourceInstance, Unknown, Value
from tfvpc.model import Network

STANDIN_SUBNET = "default_vpc:default_subnet"
STANDIN_SG = "default_vpc:default_security_group"
STANDIN_IGW = "default_vpc:internet_gateway"
STANDIN_TABLE = "default_vpc:main_route_table"
STANDIN_NACL = "default_vpc:default_nacl"
PLANS = SHARED_PLANS


def instance(name: str = "web", **values: Value) -> ResourceInstance:
    """Return an `aws_instance` that sets only `values`."""
    return res(f"aws_instance.{name}", dict(values))


def ssh_group(**values: Value) -> ResourceInstance:
    """Return an `aws_security_group` admitting tcp 22 from anywhere (no vpc_id unless given)."""
    rule: Value = {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
    return res("aws_security_group.ssh", {"ingress": [rule], **values})


def ssh_instance(**values: Value) -> ResourceInstance:
    """Return an instance without subnet that carries `aws_security_group.ssh`."""
    return instance(vpc_security_group_ids=[ref("aws_security_group.ssh")], **values)


# --- the stand-in and its implicit objects ------------------------------------------------------


def test_instance_without_subnet_creates_the_stand_in_default_vpc() -> None:
    network = build(instance())
    standin = network.vpcs[STANDIN_VPC]
    assert standin.implicit and standin.unknowns == (STANDIN_ASSUMPTION,)
    assert (standin.ipv4_cidrs, standin.ipv6_cidrs) == (("172.31.0.0/16",), ())
    assert (standin.main_route_table, standin.default_nacl, standin.default_security_group) == (
        STANDIN_TABLE,
        STANDIN_NACL,
        STANDIN_SG,
    )
    igw = network.gateways[STANDIN_IGW]
    assert (igw.kind, igw.vpcs, igw.implicit, igw.unknowns) == (
        "igw",
        (STANDIN_VPC,),
        True,
        (STANDIN_ASSUMPTION,),
    )
    table = network.route_tables[STANDIN_TABLE]
    assert table.is_main and table.implicit
    assert [(r.destination, r.target_kind, r.target) for r in table.routes] == [
        ("172.31.0.0/16", "local", None),
        ("0.0.0.0/0", "igw", STANDIN_IGW),
    ]


def test_stand_in_default_nacl_and_group_have_no_ipv6_rules() -> None:
    # AWS creates the default VPC without an IPv6 block: rule 100 only (R-NACL-8) and
    # egress to 0.0.0.0/0 only (R-SG-9).
    network = build(instance())
    nacl = network.nacls[STANDIN_NACL]
    assert nacl.is_default and nacl.implicit
    for rules in (nacl.ingress, nacl.egress):
        assert [(r.rule_no, r.action, r.protocol, r.cidr) for r in rules] == [
            (100, "allow", -1, "0.0.0.0/0"),
            (32767, "deny", -1, "0.0.0.0/0"),
            (32767, "deny", -1, "::/0"),
        ]
    group = network.security_groups[STANDIN_SG]
    assert group.is_default and group.vpc == STANDIN_VPC
    assert sorted((r.direction, r.protocol, r.peer_kind, r.peer) for r in group.rules) == [
        ("egress", -1, "cidr", "0.0.0.0/0"),
        ("ingress", -1, "self", STANDIN_SG),
    ]


def test_stand_in_subnet_is_public_and_uses_the_main_table_and_default_nacl() -> None:
    network = build(instance())
    standin = network.subnets[STANDIN_SUBNET]
    assert standin.implicit and standin.unknowns == (STANDIN_ASSUMPTION,)
    assert (standin.vpc, standin.ipv4_cidr, standin.ipv6_cidr) == (
        STANDIN_VPC,
        "172.31.0.0/16",
        None,
    )
    assert standin.map_public_ip_on_launch is True
    assert standin.assign_ipv6_address_on_creation is False
    assert (standin.route_tables, standin.nacls) == ((STANDIN_TABLE,), (STANDIN_NACL,))


def test_instance_without_subnet_or_group_sits_in_the_stand_in_with_the_default_group() -> None:
    network = build(instance())
    found = network.attachments["aws_instance.web"]
    assert found.subnets == (STANDIN_SUBNET,)
    assert found.security_groups == (STANDIN_SG,)  # R-SG-11
    # R-IP-1: default subnets map a public IPv4 address on launch.
    assert (found.public_ipv4, found.public_ipv4_via, found.public_ipv4_evidence) == (
        True,
        "auto-assign",
        STANDIN_SUBNET,
    )
    assert found.ipv6 is False
    assert found.unknowns == ()


def test_group_names_default_resolves_to_the_stand_in_group() -> None:
    found = build(instance(security_groups=["default"])).attachments["aws_instance.web"]
    assert found.security_groups == (STANDIN_SG,)


def test_group_without_vpc_id_belongs_to_the_stand_in() -> None:
    network = build(ssh_group(), ssh_instance())
    assert network.security_groups["aws_security_group.ssh"].vpc == STANDIN_VPC
    found = network.attachments["aws_instance.web"]
    assert (found.subnets, found.security_groups) == (
        (STANDIN_SUBNET,),
        ("aws_security_group.ssh",),
    )


def test_group_without_vpc_id_alone_creates_the_vpc_but_no_subnet() -> None:
    network = build(ssh_group())
    assert list(network.vpcs) == [STANDIN_VPC]
    assert STANDIN_SUBNET not in network.subnets


def test_default_group_without_vpc_id_adopts_the_stand_in_group() -> None:
    network = build(res("aws_default_security_group.d", {}), instance())
    assert network.vpcs[STANDIN_VPC].default_security_group == "aws_default_security_group.d"
    assert STANDIN_SG not in network.security_groups
    found = network.attachments["aws_instance.web"]
    assert found.security_groups == ("aws_default_security_group.d",)


# --- when there is no stand-in ------------------------------------------------------------------


def test_nothing_naming_no_vpc_means_no_stand_in() -> None:
    network = build(
        vpc(),
        subnet("a", "10.0.1.0/24"),
        res("aws_security_group.g", {"vpc_id": ref("aws_vpc.main")}),
        instance(
            subnet_id=ref("aws_subnet.a"), vpc_security_group_ids=[ref("aws_security_group.g")]
        ),
    )
    assert list(network.vpcs) == ["aws_vpc.main"]
    assert not [a for a in network.subnets if a.endswith(":default_subnet")]
    assert not [a for a in network.gateways if a.startswith(STANDIN_VPC)]


def test_declared_default_vpc_is_used_instead_of_the_stand_in() -> None:
    network = build(res("aws_default_vpc.d", {}), ssh_group(), instance())
    assert STANDIN_VPC not in network.vpcs
    assert network.security_groups["aws_security_group.ssh"].vpc == "aws_default_vpc.d"
    standin = network.subnets["aws_default_vpc.d:default_subnet"]
    assert (standin.vpc, standin.ipv4_cidr, standin.map_public_ip_on_launch) == (
        "aws_default_vpc.d",
        "172.31.0.0/16",
        True,
    )
    assert standin.unknowns == (
        "the default subnets of aws_default_vpc.d are not in the input; assumed as AWS creates "
        "them (public IPv4 addresses on launch, main route table, default NACL)",
    )
    # The declared default VPC's own implicit objects rest on nothing unknown.
    assert network.gateways["aws_default_vpc.d:internet_gateway"].unknowns == ()
    found = network.attachments["aws_instance.web"]
    assert found.subnets == ("aws_default_vpc.d:default_subnet",)
    assert found.security_groups == ("aws_default_vpc.d:default_security_group",)


def test_instance_with_a_launch_template_keeps_its_unknown_placement() -> None:
    # The template may choose the subnet, so the instance is not put in a default subnet.
    network = build(instance(launch_template=[{"id": "lt-0abc", "version": "$Latest"}]))
    assert STANDIN_VPC not in network.vpcs
    found = network.attachments["aws_instance.web"]
    assert found.subnets == ()
    # Subnet, groups and public address would come from the template, which is not in the input.
    assert found.unknowns == (
        "lt-0abc is not in the input: what aws_instance.web takes from it is unknown",
    )
    assert (found.security_groups, found.public_ipv4, found.ipv6) == ((), None, None)


# --- declared default subnets and several default VPCs ------------------------------------------


def test_declared_default_subnet_of_the_instances_zone_is_its_placement() -> None:
    network = build(
        res("aws_default_subnet.a", {"availability_zone": "eu-west-1a"}),
        res("aws_default_subnet.b", {"availability_zone": "eu-west-1b"}),
        instance(availability_zone="eu-west-1b"),
    )
    assert network.subnets["aws_default_subnet.b"].vpc == STANDIN_VPC
    assert network.attachments["aws_instance.web"].subnets == ("aws_default_subnet.b",)


def test_without_a_zone_the_instance_may_be_in_any_default_subnet() -> None:
    network = build(
        res("aws_default_subnet.a", {"availability_zone": "eu-west-1a"}),
        instance(),
    )
    assert network.attachments["aws_instance.web"].subnets == (
        "aws_default_subnet.a",
        STANDIN_SUBNET,
    )
    # The declared default subnet takes part of 172.31.0.0/16: what is left is unknown.
    assert network.subnets[STANDIN_SUBNET].ipv4_cidr is None


def test_default_vpcs_declaring_one_id_are_one_default_vpc() -> None:
    network = build(
        res("module.a.aws_default_vpc.default", {"id": "vpc-1b20b966"}),
        res("module.b.aws_default_vpc.default", {"id": "vpc-1b20b966"}),
        instance(),
    )
    found = network.attachments["aws_instance.web"]
    assert found.subnets == ("module.a.aws_default_vpc.default:default_subnet",)
    assert "module.b.aws_default_vpc.default:default_subnet" not in network.subnets


def test_distinct_default_vpcs_make_the_placement_ambiguous() -> None:
    network = build(
        res("aws_default_vpc.east", {"id": "vpc-0east"}),
        res("aws_default_vpc.west", {"id": "vpc-0west"}),
        ssh_group(),
        instance(),
    )
    group = network.security_groups["aws_security_group.ssh"]
    assert group.vpc is None
    assert group.unknowns == (
        "aws_security_group.ssh uses the region's default VPC, which may be any of: "
        "aws_default_vpc.east, aws_default_vpc.west",
    )
    assert network.attachments["aws_instance.web"].subnets == (
        "aws_default_vpc.east:default_subnet",
        "aws_default_vpc.west:default_subnet",
    )


# --- exposure through the stand-in --------------------------------------------------------------


def test_instance_with_only_the_default_group_is_not_exposed() -> None:
    # R-SG-9: the default group admits only its own members, never the internet (R-SG-5).
    assert find_exposures(build(instance())) == []


def test_open_group_on_a_default_vpc_instance_is_a_possible_critical_exposure() -> None:
    network = build(ssh_group(), ssh_instance())
    findings = find_exposures(network)
    assert len(findings) == 1, findings
    finding = findings[0]
    assert (finding.rule_id, finding.resource, finding.certainty, finding.severity.value) == (
        "TFV101",
        "aws_instance.web",
        "possible",
        "critical",
    )
    assert (finding.protocol, finding.ports, finding.sources) == (
        "tcp",
        ((22, 22),),
        ("0.0.0.0/0",),
    )
    hops = [hop.hop for hop in finding.path]
    for expected in (STANDIN_IGW, STANDIN_TABLE, STANDIN_NACL, "aws_security_group.ssh"):
        assert expected in hops
    assert STANDIN_ASSUMPTION in finding.message


def test_explicit_associate_public_ip_false_wins_over_the_default_subnet() -> None:
    # R-IP-1: an explicit false means no public IPv4, whatever the subnet maps on launch.
    network = build(ssh_group(), ssh_instance(associate_public_ip_address=False))
    assert network.attachments["aws_instance.web"].public_ipv4 is False
    assert find_exposures(network) == []


def test_unknown_associate_public_ip_is_possible_not_safe() -> None:
    network = build(
        ssh_group(), ssh_instance(associate_public_ip_address=Unknown("var.public is unknown"))
    )
    assert network.attachments["aws_instance.web"].public_ipv4 is None
    [finding] = find_exposures(network)
    assert (finding.certainty, finding.ports) == ("possible", ((22, 22),))


# --- real plans ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plan",
    [
        "infracost+infracost__cmd__infracost__testdata__example_plan.json",
        "fugue+regula__rego__tests__examples__aws__inputs__ec2_t2_only_infra.json",
    ],
)
def test_default_vpc_instances_of_real_plans_are_not_exposed(plan: str) -> None:
    path = PLANS / plan
    if not path.exists():
        pytest.skip(f"{path} is not available")
    network: Network = build(*load_plan_file(path).resources)
    instances = [a for a in network.attachments.values() if a.kind == "aws_instance"]
    assert instances and all(a.subnets == (STANDIN_SUBNET,) for a in instances)
    assert all(a.security_groups == (STANDIN_SG,) for a in instances)
    assert find_exposures(network) == []
