"""Builder: resources whose existence is uncertain (an unknown count/for_each) (R-MODEL-1).

An uncertain resource may not exist, or exist several times. Whatever it adds (an instance, a
rule, a route, a public address) is then only possibly there; whatever it replaces (a subnet's
default NACL or main route table, AWS's default rules of an adopted object) may still be in
force, so both are in the model and the subnet's choice is ambiguous.

The network is `services_helpers.base`: aws_vpc.main 10.0.0.0/16 with an internet gateway,
pub_a/pub_b routed to it through aws_route_table.pub, app on the implicit main table.
"""

from __future__ import annotations

from dataclasses import replace

from aws_helpers import ref, res
from services_helpers import exposures, group, instance, network_of, rule, summary

from tfvpc.analyse.flows import nacl_rule_flows, sg_rule_flows
from tfvpc.load.resources import ResourceInstance, Value
from tfvpc.model import Network

WHY = "count of the resource is unknown (var.enabled is unknown)"
SSH = rule(22, 22, cidrs=["0.0.0.0/0"])
MAIN = "aws_vpc.main:main_route_table"
DEFAULT_NACL = "aws_vpc.main:default_nacl"
DEFAULT_SG = "aws_vpc.main:default_security_group"
WEB = "aws_instance.web"


def maybe(resource: ResourceInstance) -> ResourceInstance:
    """Return `resource` as the HCL front end gives one with an unknown count."""
    return replace(resource, uncertain=(WHY,))


def web(subnet_name: str = "pub_a", groups: tuple[str, ...] = ("ssh",)) -> ResourceInstance:
    """Return aws_instance.web; in app (which maps no public address) it asks for one."""
    found = instance("web", subnet_name, list(groups))
    if subnet_name == "app":
        found = replace(found, values={**found.values, "associate_public_ip_address": True})
    return found


def tcp22(certainty: str) -> tuple[object, ...]:
    return (WEB, "tcp", ((22, 22),), ("0.0.0.0/0",), certainty, "critical")


def build(*extra: ResourceInstance, public_ips: bool = True) -> Network:
    return network_of(*extra, public_ips=public_ips)


def test_an_instance_of_unknown_count_is_only_possibly_exposed() -> None:
    certain = build(group("ssh", [SSH]), web())
    assert summary(exposures(certain)) == [tcp22("definite")]
    uncertain = build(group("ssh", [SSH]), maybe(web()))
    assert WHY in uncertain.attachments[WEB].unknowns
    assert summary(exposures(uncertain)) == [tcp22("possible")]


def test_a_rule_resource_of_unknown_count_counts_only_in_the_permissive_reading() -> None:
    def rule_resource(name: str, port: int) -> ResourceInstance:
        return res(
            f"aws_security_group_rule.{name}",
            {
                "type": "ingress",
                "security_group_id": ref("aws_security_group.ssh"),
                "protocol": "tcp",
                "from_port": port,
                "to_port": port,
                "cidr_blocks": ["0.0.0.0/0"],
            },
        )

    network = build(
        res("aws_security_group.ssh", {"vpc_id": ref("aws_vpc.main")}),
        rule_resource("https", 443),
        maybe(rule_resource("ssh", 22)),
        web(),
    )
    rules = {r.origin: r for r in network.security_groups["aws_security_group.ssh"].rules}
    assert rules["aws_security_group_rule.https"].unknowns == ()
    uncertain = rules["aws_security_group_rule.ssh"]
    assert uncertain.unknowns == (WHY,)
    # flows.py: a rule with unknowns matches nothing under the strict reading.
    assert not sg_rule_flows(uncertain, network, permissive=False)
    assert sg_rule_flows(uncertain, network, permissive=True)
    assert summary(exposures(network)) == [
        tcp22("possible"),
        (WEB, "tcp", ((443, 443),), ("0.0.0.0/0",), "definite", "low"),
    ]


def acl(name: str, **values: Value) -> ResourceInstance:
    return res(f"aws_network_acl.{name}", {"vpc_id": ref("aws_vpc.main"), **values})


def allow_all(rule_no: int = 100) -> dict[str, Value]:
    return {
        "rule_no": rule_no,
        "action": "allow",
        "protocol": "-1",
        "cidr_block": "0.0.0.0/0",
        "from_port": 0,
        "to_port": 0,
    }


def test_a_deny_entry_of_unknown_count_counts_only_in_the_strict_reading() -> None:
    deny = res(
        "aws_network_acl_rule.no_ssh",
        {
            "network_acl_id": ref("aws_network_acl.pub"),
            "rule_number": 50,
            "egress": False,
            "rule_action": "deny",
            "protocol": "tcp",
            "cidr_block": "0.0.0.0/0",
            "from_port": 22,
            "to_port": 22,
        },
    )
    http = rule(80, 80, cidrs=["0.0.0.0/0"])
    network = build(
        acl(
            "pub", subnet_ids=[ref("aws_subnet.pub_a")], ingress=[allow_all()], egress=[allow_all()]
        ),
        maybe(deny),
        group("ssh", [SSH, http]),
        web(),
    )
    entry = network.nacls["aws_network_acl.pub"].ingress[0]
    assert (entry.rule_no, entry.action, entry.unknowns) == (50, "deny", (WHY,))
    # Strict reading: the deny is widened (it may be there); permissive: it is not there.
    assert nacl_rule_flows(entry, permissive=True)
    assert not nacl_rule_flows(entry, permissive=False)
    assert summary(exposures(network)) == [
        tcp22("possible"),
        (WEB, "tcp", ((80, 80),), ("0.0.0.0/0",), "definite", "low"),
    ]


def test_an_association_of_unknown_count_leaves_the_default_nacl_possible() -> None:
    closed = acl("closed")  # a custom NACL without rules denies everything (R-NACL-9)
    association = res(
        "aws_network_acl_association.a",
        {"network_acl_id": ref("aws_network_acl.closed"), "subnet_id": ref("aws_subnet.pub_a")},
    )
    certain = build(closed, association, group("ssh", [SSH]), web())
    assert certain.subnets["aws_subnet.pub_a"].nacls == ("aws_network_acl.closed",)
    assert summary(exposures(certain)) == []
    network = build(closed, maybe(association), group("ssh", [SSH]), web())
    subnet = network.subnets["aws_subnet.pub_a"]
    assert subnet.nacls == ("aws_network_acl.closed", DEFAULT_NACL)
    assert WHY in subnet.unknowns
    assert summary(exposures(network)) == [tcp22("possible")]


def test_a_nacl_of_unknown_count_naming_its_subnets() -> None:
    network = build(
        maybe(acl("closed", subnet_ids=[ref("aws_subnet.pub_a")], ingress=[allow_all(200)])),
        group("ssh", [SSH]),
        web(),
    )
    nacl = network.nacls["aws_network_acl.closed"]
    assert WHY in nacl.unknowns
    assert [r.unknowns for r in nacl.ingress if not r.is_default_deny] == [(WHY,)]
    assert network.subnets["aws_subnet.pub_a"].nacls == ("aws_network_acl.closed", DEFAULT_NACL)
    # The other subnets are not claimed at all.
    assert network.subnets["aws_subnet.pub_b"].nacls == (DEFAULT_NACL,)
    assert WHY not in network.subnets["aws_subnet.pub_b"].unknowns


def association(table: str, subnet_name: str) -> ResourceInstance:
    return res(
        f"aws_route_table_association.{subnet_name}_{table}",
        {
            "route_table_id": ref(f"aws_route_table.{table}"),
            "subnet_id": ref(f"aws_subnet.{subnet_name}"),
        },
    )


def test_an_association_of_unknown_count_leaves_the_main_table_possible() -> None:
    network = build(maybe(association("pub", "app")), group("ssh", [SSH]), web("app"))
    subnet = network.subnets["aws_subnet.app"]
    assert subnet.route_tables == ("aws_route_table.pub", MAIN)
    assert WHY in subnet.unknowns
    assert summary(exposures(network)) == [tcp22("possible")]


def test_the_main_table_may_be_public_when_a_private_association_may_not_exist() -> None:
    # The adopted main table routes to the internet gateway; app's association to a private
    # table may not exist, and then app is public.
    adopted = res(
        "aws_default_route_table.main",
        {
            "default_route_table_id": ref("aws_vpc.main", "default_route_table_id"),
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.igw")}],
        },
    )
    private = res("aws_route_table.private", {"vpc_id": ref("aws_vpc.main")})
    certain = build(
        adopted, private, association("private", "app"), group("ssh", [SSH]), web("app")
    )
    assert summary(exposures(certain)) == []
    network = build(
        adopted, private, maybe(association("private", "app")), group("ssh", [SSH]), web("app")
    )
    tables = network.subnets["aws_subnet.app"].route_tables
    assert tables == ("aws_route_table.private", "aws_default_route_table.main")
    assert summary(exposures(network)) == [tcp22("possible")]


def test_a_main_table_switch_of_unknown_count() -> None:
    switch = res(
        "aws_main_route_table_association.m",
        {"vpc_id": ref("aws_vpc.main"), "route_table_id": ref("aws_route_table.pub")},
    )
    network = build(maybe(switch), group("ssh", [SSH]), web("app"))
    assert network.vpcs["aws_vpc.main"].main_route_table == "aws_route_table.pub"
    subnet = network.subnets["aws_subnet.app"]
    assert subnet.route_tables == ("aws_route_table.pub", MAIN)
    assert WHY in subnet.unknowns
    assert network.route_tables["aws_route_table.pub"].is_main
    assert network.route_tables[MAIN].is_main
    # Subnets with a certain association of their own are not affected.
    assert network.subnets["aws_subnet.pub_a"].route_tables == ("aws_route_table.pub",)
    assert summary(exposures(network)) == [tcp22("possible")]


def test_an_adopted_default_nacl_of_unknown_count_keeps_aws_defaults_possible() -> None:
    adopter = res(
        "aws_default_network_acl.d",
        {"default_network_acl_id": ref("aws_vpc.main", "default_network_acl_id")},
    )
    certain = build(adopter, group("ssh", [SSH]), web())
    assert summary(exposures(certain)) == []  # adopted without rules: deny all
    network = build(maybe(adopter), group("ssh", [SSH]), web())
    assert network.subnets["aws_subnet.pub_a"].nacls == ("aws_default_network_acl.d", DEFAULT_NACL)
    implicit = network.nacls[DEFAULT_NACL]
    # R-NACL-8: AWS's rules 100 hold only if the adopter does not exist.
    assert [(r.rule_no, r.unknowns) for r in implicit.ingress if not r.is_default_deny] == [
        (100, (WHY,))
    ]
    assert summary(exposures(network)) == [tcp22("possible")]


def test_an_adopted_default_group_of_unknown_count() -> None:
    adopter = res(
        "aws_default_security_group.d",
        {"vpc_id": ref("aws_vpc.main"), "ingress": [SSH], "egress": []},
    )
    bare = res("aws_instance.web", {"subnet_id": ref("aws_subnet.pub_a")})
    certain = build(adopter, bare)
    assert certain.attachments[WEB].security_groups == ("aws_default_security_group.d",)
    assert summary(exposures(certain)) == [tcp22("definite")]
    network = build(maybe(adopter), bare)
    assert network.attachments[WEB].security_groups == ("aws_default_security_group.d", DEFAULT_SG)
    implicit = network.security_groups[DEFAULT_SG]
    assert {r.unknowns for r in implicit.rules} == {(WHY,)}
    assert summary(exposures(network)) == [tcp22("possible")]


def test_an_elastic_ip_of_unknown_count_makes_the_address_only_possible() -> None:
    eip = res("aws_eip.ip", {"instance": ref(WEB), "domain": "vpc"})
    network = build(maybe(eip), group("ssh", [SSH]), web(), public_ips=False)
    found = network.attachments[WEB]
    assert (found.public_ipv4, found.public_ipv4_via, found.public_ipv4_evidence) == (
        None,
        "eip",
        "aws_eip.ip",
    )
    assert WHY in found.unknowns
    assert summary(exposures(network)) == [tcp22("possible")]
    association = res(
        "aws_eip_association.a",
        {"allocation_id": ref("aws_eip.ip", "allocation_id"), "instance_id": ref(WEB)},
    )
    detached = res("aws_eip.ip", {"domain": "vpc"})
    via = build(detached, maybe(association), group("ssh", [SSH]), web(), public_ips=False)
    assert via.attachments[WEB].public_ipv4 is None


def test_a_group_attachment_of_unknown_count() -> None:
    attach = res(
        "aws_network_interface_sg_attachment.extra",
        {
            "security_group_id": ref("aws_security_group.ssh"),
            "network_interface_id": ref(WEB, "primary_network_interface_id"),
        },
    )
    network = build(group("ssh", [SSH]), group("none", []), maybe(attach), web(groups=("none",)))
    found = network.attachments[WEB]
    assert found.security_groups == ("aws_security_group.none", "aws_security_group.ssh")
    assert WHY in found.unknowns
    assert summary(exposures(network)) == [tcp22("possible")]


def test_a_route_and_a_gateway_of_unknown_count() -> None:
    route = res(
        "aws_route.out",
        {
            "route_table_id": ref("aws_route_table.private"),
            "destination_cidr_block": "0.0.0.0/0",
            "gateway_id": ref("aws_internet_gateway.igw"),
        },
    )
    private = res("aws_route_table.private", {"vpc_id": ref("aws_vpc.main")})
    network = build(
        private, maybe(route), association("private", "app"), group("ssh", [SSH]), web("app")
    )
    routes = {r.origin: r for r in network.route_tables["aws_route_table.private"].routes}
    assert routes["aws_route.out"].unknowns == (WHY,)
    assert summary(exposures(network)) == [tcp22("possible")]
    gateway = build(group("ssh", [SSH]), web())
    assert gateway.gateways["aws_internet_gateway.igw"].unknowns == ()


def test_a_prefix_list_entry_of_unknown_count_keeps_the_known_entries() -> None:
    network = build(
        res(
            "aws_ec2_managed_prefix_list.office",
            {"address_family": "IPv4", "max_entries": 5, "entry": [{"cidr": "198.51.100.0/24"}]},
        ),
        maybe(
            res(
                "aws_ec2_managed_prefix_list_entry.home",
                {
                    "prefix_list_id": ref("aws_ec2_managed_prefix_list.office"),
                    "cidr": "192.0.2.0/24",
                },
            )
        ),
        group("ssh", []),
    )
    found = network.prefix_lists["aws_ec2_managed_prefix_list.office"]
    assert found.cidrs == ("192.0.2.0/24", "198.51.100.0/24")
    assert found.unknowns == (WHY,)


def test_reasons_of_several_uncertainties_are_kept_once_each() -> None:
    module = "count of module.edge is unknown (var.regions is unknown)"
    both = replace(web(), uncertain=(module, WHY))
    network = build(group("ssh", [SSH]), both)
    unknowns = network.attachments[WEB].unknowns
    assert (unknowns.count(module), unknowns.count(WHY)) == (1, 1)
