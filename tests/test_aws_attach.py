"""Attachments: instances and ENIs, their groups, public IPv4 (R-IP-1/2) and IPv6 (R-IP-4)."""

from __future__ import annotations

from aws_helpers import build, ref, res, subnet, unknown, vpc

from tfvpc.load.resources import ResourceInstance, Unknown, Value
from tfvpc.model import Attachment, Network

PUBLIC = subnet("pub", "10.0.1.0/24", map_public_ip_on_launch=True)
PRIVATE = subnet("priv", "10.0.2.0/24")
SG = res("aws_security_group.web", {"vpc_id": ref("aws_vpc.main")})


def instance(name: str = "web", **values: Value) -> ResourceInstance:
    return res(f"aws_instance.{name}", values)


def attachment(network: Network, address: str = "aws_instance.web") -> Attachment:
    return network.attachments[address]


def public(found: Attachment) -> tuple[object, object, object]:
    return found.public_ipv4, found.public_ipv4_via, found.public_ipv4_evidence


def test_instance_in_a_public_subnet_gets_an_auto_assigned_address() -> None:
    network = build(
        vpc(),
        PUBLIC,
        SG,
        instance(
            subnet_id=ref("aws_subnet.pub"), vpc_security_group_ids=[ref("aws_security_group.web")]
        ),
    )
    found = attachment(network)
    assert (found.kind, found.resource, found.subnets) == (
        "aws_instance",
        "aws_instance.web",
        ("aws_subnet.pub",),
    )
    assert found.security_groups == ("aws_security_group.web",)
    assert public(found) == (True, "auto-assign", "aws_subnet.pub")
    assert found.ipv6 is False and found.unknowns == ()
    assert found.related == ("aws_instance.web", "aws_subnet.pub", "aws_security_group.web")


def test_explicit_associate_public_ip_address_wins_over_the_subnet() -> None:
    network = build(
        vpc(),
        PUBLIC,
        PRIVATE,
        instance("off", subnet_id=ref("aws_subnet.pub"), associate_public_ip_address=False),
        instance("on", subnet_id=ref("aws_subnet.priv"), associate_public_ip_address="true"),
    )
    assert public(attachment(network, "aws_instance.off")) == (False, None, None)
    assert public(attachment(network, "aws_instance.on")) == (
        True,
        "associate_public_ip_address",
        "aws_instance.on",
    )


def test_unknown_public_address_decisions_are_none_with_reasons() -> None:
    network = build(
        vpc(),
        PRIVATE,
        subnet("maybe", "10.0.3.0/24", map_public_ip_on_launch=Unknown("map unknown")),
        instance(
            "a",
            subnet_id=ref("aws_subnet.priv"),
            associate_public_ip_address=Unknown("assoc unknown"),
        ),
        instance("b", subnet_id=ref("aws_subnet.maybe")),
    )
    a = attachment(network, "aws_instance.a")
    assert a.public_ipv4 is None and a.unknowns == ("assoc unknown",)
    b = attachment(network, "aws_instance.b")
    assert b.public_ipv4 is None
    assert b.unknowns == ("map_public_ip_on_launch of aws_subnet.maybe is unknown",)


def test_instance_without_groups_gets_the_default_group() -> None:
    network = build(vpc(), PRIVATE, instance(subnet_id=ref("aws_subnet.priv")))
    # R-SG-11
    assert attachment(network).security_groups == ("aws_vpc.main:default_security_group",)


def test_unknown_group_list_is_not_replaced_by_the_default_group() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance(subnet_id=ref("aws_subnet.priv"), vpc_security_group_ids=Unknown("sgs unknown")),
    )
    found = attachment(network)
    assert found.security_groups == ()
    assert found.unknowns == ("sgs unknown",)


def test_eip_on_the_instance_makes_it_public() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance(subnet_id=ref("aws_subnet.priv")),
        res("aws_eip.ip", {"instance": ref("aws_instance.web"), "domain": "vpc"}),
    )
    found = attachment(network)
    assert public(found) == (True, "eip", "aws_eip.ip")
    assert "aws_eip.ip" in found.related


def test_eip_association_makes_the_instance_public() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance(subnet_id=ref("aws_subnet.priv")),
        res("aws_eip.ip", {"domain": "vpc"}),
        res(
            "aws_eip_association.a",
            {
                "allocation_id": ref("aws_eip.ip", "allocation_id"),
                "instance_id": ref("aws_instance.web"),
            },
        ),
    )
    found = attachment(network)
    assert public(found) == (True, "eip", "aws_eip.ip")
    assert {"aws_eip.ip", "aws_eip_association.a"} <= set(found.related)


def test_state_style_eip_association_links_by_literal_ids() -> None:
    network = build(
        res("aws_vpc.main", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
        res(
            "aws_subnet.priv",
            {
                "id": "subnet-1",
                "vpc_id": "vpc-1",
                "cidr_block": "10.0.2.0/24",
                "map_public_ip_on_launch": False,
            },
        ),
        res(
            "aws_instance.web",
            {
                "id": "i-1",
                "subnet_id": "subnet-1",
                "associate_public_ip_address": False,
                "primary_network_interface_id": "eni-1",
                "vpc_security_group_ids": [],
            },
        ),
        res(
            "aws_eip.ip",
            {
                "id": "eipalloc-1",
                "allocation_id": "eipalloc-1",
                "public_ip": "198.51.100.1",
                "instance": "i-1",
                "network_interface": "eni-1",
            },
        ),
        res("aws_eip_association.a", {"public_ip": "198.51.100.1", "instance_id": "i-1"}),
    )
    found = attachment(network)
    assert public(found) == (True, "eip", "aws_eip.ip")
    assert found.subnets == ("aws_subnet.priv",)


def test_eip_association_with_an_external_eip_names_the_association() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance(subnet_id=ref("aws_subnet.priv")),
        res(
            "aws_eip_association.a",
            {"allocation_id": "eipalloc-ext", "instance_id": ref("aws_instance.web")},
        ),
    )
    assert public(attachment(network)) == (True, "eip", "aws_eip_association.a")


def test_ambiguous_eip_makes_an_instance_only_possibly_public() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance("a", subnet_id=ref("aws_subnet.priv")),
        instance("b", subnet_id=ref("aws_subnet.priv")),
        res(
            "aws_eip.ip",
            {"instance": unknown("instance unknown", "aws_instance.a", "aws_instance.b")},
        ),
    )
    found = attachment(network, "aws_instance.a")
    assert public(found) == (None, "eip", "aws_eip.ip")
    assert found.unknowns == ("instance unknown (may be any of: aws_instance.a, aws_instance.b)",)


def test_standalone_eni_is_public_only_through_an_eip() -> None:
    network = build(
        vpc(),
        PUBLIC,
        SG,
        res(
            "aws_network_interface.plain",
            {
                "subnet_id": ref("aws_subnet.pub"),
                "security_groups": [ref("aws_security_group.web")],
            },
        ),
        res("aws_network_interface.eip", {"subnet_id": ref("aws_subnet.pub")}),
        res("aws_eip.ip", {"network_interface": ref("aws_network_interface.eip")}),
    )
    plain = attachment(network, "aws_network_interface.plain")
    # R-IP-1: no automatic public address on a standalone ENI, even in a mapping subnet.
    assert (plain.kind, plain.resource, public(plain)) == (
        "aws_network_interface",
        "aws_network_interface.plain",
        (False, None, None),
    )
    assert plain.security_groups == ("aws_security_group.web",)
    with_eip = attachment(network, "aws_network_interface.eip")
    assert public(with_eip) == (True, "eip", "aws_eip.ip")
    assert with_eip.security_groups == ("aws_vpc.main:default_security_group",)


def test_secondary_eni_is_reported_under_its_instance() -> None:
    network = build(
        vpc(),
        PRIVATE,
        instance(subnet_id=ref("aws_subnet.priv")),
        res("aws_network_interface.second", {"subnet_id": ref("aws_subnet.priv")}),
        res(
            "aws_network_interface_attachment.a",
            {
                "instance_id": ref("aws_instance.web"),
                "network_interface_id": ref("aws_network_interface.second"),
                "device_index": 1,
            },
        ),
    )
    found = attachment(network, "aws_network_interface.second")
    assert found.resource == "aws_instance.web"
    assert "aws_network_interface_attachment.a" in found.related


def test_instance_launched_on_an_eni_takes_its_subnet_and_groups() -> None:
    network = build(
        vpc(),
        PUBLIC,
        SG,
        res(
            "aws_network_interface.primary",
            {
                "subnet_id": ref("aws_subnet.pub"),
                "security_groups": [ref("aws_security_group.web")],
            },
        ),
        instance(
            network_interface=[
                {"network_interface_id": ref("aws_network_interface.primary"), "device_index": 0}
            ]
        ),
        res("aws_eip.ip", {"network_interface": ref("aws_network_interface.primary")}),
    )
    assert "aws_network_interface.primary" not in network.attachments
    found = attachment(network)
    assert found.subnets == ("aws_subnet.pub",)
    assert found.security_groups == ("aws_security_group.web",)
    # The EIP on the primary ENI is the instance's public address (R-IP-2).
    assert public(found) == (True, "eip", "aws_eip.ip")
    assert "aws_network_interface.primary" in found.related


def test_instance_on_a_pre_existing_eni_gets_no_auto_public_address() -> None:
    network = build(
        vpc(),
        PUBLIC,
        res("aws_network_interface.primary", {"subnet_id": ref("aws_subnet.pub")}),
        instance(
            primary_network_interface=[
                {"network_interface_id": ref("aws_network_interface.primary")}
            ]
        ),
    )
    assert public(attachment(network)) == (False, None, None)


def test_instance_on_an_external_eni_is_unknown() -> None:
    network = build(
        instance(network_interface=[{"network_interface_id": "eni-ext", "device_index": 0}])
    )
    found = attachment(network)
    assert found.subnets == () and found.public_ipv4 is None
    assert found.unknowns == ("network interface eni-ext of aws_instance.web is not in the input",)


def test_instance_without_subnet_is_in_the_default_vpc() -> None:
    network = build(res("aws_default_vpc.d", {}), instance(security_groups=["default"]))
    found = attachment(network)
    # The stand-in for the undeclared default subnets carries the assumption, not the instance.
    assert found.subnets == ("aws_default_vpc.d:default_subnet",)
    assert found.security_groups == ("aws_default_vpc.d:default_security_group",)
    assert (found.public_ipv4, found.public_ipv4_via) == (True, "auto-assign")
    assert found.unknowns == ()


def test_group_names_link_to_groups_of_that_name() -> None:
    network = build(
        res("aws_default_vpc.d", {}),
        res("aws_security_group.ssh", {"name": "allow-ssh"}),
        instance(security_groups=["allow-ssh", "missing"]),
    )
    found = attachment(network)
    assert found.security_groups == ("aws_security_group.ssh",)
    assert "security group 'missing' of aws_instance.web is not in the input" in found.unknowns


def test_sg_attachment_adds_groups_to_the_instance_and_to_enis() -> None:
    network = build(
        vpc(),
        PRIVATE,
        SG,
        instance(subnet_id=ref("aws_subnet.priv")),
        res(
            "aws_network_interface.eni",
            {"subnet_id": ref("aws_subnet.priv"), "security_groups": []},
        ),
        res(
            "aws_network_interface_sg_attachment.i",
            {
                "security_group_id": ref("aws_security_group.web"),
                "network_interface_id": ref("aws_instance.web", "primary_network_interface_id"),
            },
        ),
        res(
            "aws_network_interface_sg_attachment.e",
            {
                "security_group_id": ref("aws_security_group.web"),
                "network_interface_id": ref("aws_network_interface.eni"),
            },
        ),
    )
    assert attachment(network).security_groups == (
        "aws_vpc.main:default_security_group",
        "aws_security_group.web",
    )
    assert attachment(network, "aws_network_interface.eni").security_groups == (
        "aws_vpc.main:default_security_group",
        "aws_security_group.web",
    )


def test_ipv6_addresses() -> None:
    network = build(
        vpc(ipv6_cidr_block="2600::/56"),
        subnet(
            "v6", "10.0.1.0/24", ipv6_cidr_block="2600::/64", assign_ipv6_address_on_creation=True
        ),
        PRIVATE,
        instance("auto", subnet_id=ref("aws_subnet.v6")),
        instance("off", subnet_id=ref("aws_subnet.v6"), ipv6_address_count=0),
        instance("count", subnet_id=ref("aws_subnet.priv"), ipv6_address_count=1),
        instance("listed", subnet_id=ref("aws_subnet.priv"), ipv6_addresses=["2600::10"]),
        instance("none", subnet_id=ref("aws_subnet.priv")),
        instance(
            "unknown", subnet_id=ref("aws_subnet.priv"), ipv6_address_count=Unknown("count unknown")
        ),
    )
    found = {
        name: attachment(network, f"aws_instance.{name}").ipv6
        for name in ("auto", "off", "count", "listed", "none", "unknown")
    }
    assert found == {
        "auto": True,
        "off": False,
        "count": True,
        "listed": True,
        "none": False,
        "unknown": None,
    }
