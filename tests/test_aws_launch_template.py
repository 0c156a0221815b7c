"""Builder: an aws_instance launched from a launch template takes what it does not set itself
from the template's primary interface and groups (R-IP-1, R-SG-11, semantics §2)."""

from __future__ import annotations

from dataclasses import replace

from aws_helpers import ref, res
from services_helpers import APP, PUB_A, exposures, group, network_of, rule, summary

from tfvpc.load.resources import Value
from tfvpc.model import Attachment, Network

WEB = "aws_security_group.web"
DB = "aws_security_group.db"
LT = "aws_launch_template.web"
SSH = rule(22, 22, cidrs=["0.0.0.0/0"])


def interface(**values: Value) -> dict[str, Value]:
    return {"device_index": 0, **values}


def launched(
    template: dict[str, Value], *, spec: Value = None, public_ips: bool = False, **own: Value
) -> Network:
    """Return the network with aws_instance.web launched from aws_launch_template.web."""
    specification = spec if spec is not None else {"id": ref(LT), "version": "$Latest"}
    return network_of(
        group("web", [SSH]),
        group("db", []),
        res(LT, {"name": "web-lt", **template}),
        res("aws_instance.web", {"launch_template": [specification], **own}),
        public_ips=public_ips,
    )


def web(network: Network) -> Attachment:
    return network.attachments["aws_instance.web"]


def shape(found: Attachment) -> tuple[object, ...]:
    return (
        found.subnets,
        found.security_groups,
        found.public_ipv4,
        found.public_ipv4_via,
        found.public_ipv4_evidence,
    )


def test_subnet_groups_and_public_flag_come_from_the_primary_interface() -> None:
    template = {
        "network_interfaces": [
            interface(
                subnet_id=ref(PUB_A),
                security_groups=[ref(WEB)],
                associate_public_ip_address="true",
            )
        ]
    }
    network = launched(template)
    found = web(network)
    assert shape(found) == ((PUB_A,), (WEB,), True, "associate_public_ip_address", LT)
    assert found.unknowns == ()
    assert LT in found.related
    ssh = ("aws_instance.web", "tcp", ((22, 22),), ("0.0.0.0/0",), "definite", "critical")
    assert summary(exposures(network)) == [ssh]


def test_the_string_flag_false_wins_and_empty_defers_to_the_subnet() -> None:
    off = launched(
        {
            "network_interfaces": [
                interface(subnet_id=ref(PUB_A), associate_public_ip_address="false")
            ]
        },
        public_ips=True,
    )
    assert web(off).public_ipv4 is False
    unset = launched(
        {"network_interfaces": [interface(subnet_id=ref(PUB_A), associate_public_ip_address="")]},
        public_ips=True,
    )
    assert (web(unset).public_ipv4, web(unset).public_ipv4_via) == (True, "auto-assign")


def test_the_instance_arguments_win_over_the_template() -> None:
    template = {
        "network_interfaces": [
            interface(
                subnet_id=ref(PUB_A), security_groups=[ref(WEB)], associate_public_ip_address="true"
            )
        ]
    }
    network = launched(
        template,
        subnet_id=ref(APP),
        vpc_security_group_ids=[ref(DB)],
        associate_public_ip_address=False,
    )
    assert shape(web(network)) == ((APP,), (DB,), False, None, None)
    assert summary(exposures(network)) == []


def test_template_level_groups_by_id_or_name_and_the_default_group() -> None:
    by_id = launched({"vpc_security_group_ids": [ref(WEB)]}, subnet_id=ref(PUB_A))
    assert web(by_id).security_groups == (WEB,)
    values = {"security_group_names": ["db"]}
    by_name = network_of(
        group("web", [SSH]),
        res(DB, {"vpc_id": ref("aws_vpc.main"), "name": "db", "ingress": [], "egress": []}),
        res(LT, values),
        res("aws_instance.web", {"launch_template": [{"id": ref(LT)}], "subnet_id": ref(APP)}),
    )
    assert web(by_name).security_groups == (DB,)
    # R-SG-11: neither the instance nor the template names a group.
    bare = launched({}, subnet_id=ref(APP))
    assert web(bare).security_groups == ("aws_vpc.main:default_security_group",)


def test_a_template_named_by_name_with_a_pinned_version() -> None:
    template = {"network_interfaces": [interface(subnet_id=ref(PUB_A), security_groups=[ref(WEB)])]}
    # The version is ignored: the template as declared is the only one the input holds.
    network = launched(template, spec={"name": "web-lt", "version": "3"}, public_ips=True)
    assert shape(web(network)) == ((PUB_A,), (WEB,), True, "auto-assign", PUB_A)


def test_ipv6_from_the_template_interface() -> None:
    template = {"network_interfaces": [interface(subnet_id=ref(PUB_A), ipv6_address_count=1)]}
    assert web(launched(template)).ipv6 is True
    assert web(launched(template, ipv6_address_count=0)).ipv6 is False


def test_a_template_that_is_not_in_the_input_leaves_what_it_sets_unknown() -> None:
    network = launched({}, spec={"id": "lt-0abc"}, subnet_id=ref(PUB_A))
    found = web(network)
    reason = "lt-0abc is not in the input: what aws_instance.web takes from it is unknown"
    assert shape(found) == ((PUB_A,), (), None, None, None)
    assert found.unknowns == (reason,)
    # Everything may be open, so only possibly.
    assert {f.certainty for f in exposures(network)} == {"possible"}
    own = launched(
        {},
        spec={"id": "lt-0abc"},
        subnet_id=ref(PUB_A),
        vpc_security_group_ids=[ref(WEB)],
        associate_public_ip_address=True,
        ipv6_address_count=0,
    )
    assert shape(web(own)) == (
        (PUB_A,),
        (WEB,),
        True,
        "associate_public_ip_address",
        "aws_instance.web",
    )
    assert web(own).unknowns == ()


def test_a_template_of_unknown_count_makes_the_instance_uncertain() -> None:
    why = "count of aws_launch_template.web is unknown (var.enabled is unknown)"
    template = {"network_interfaces": [interface(subnet_id=ref(PUB_A), security_groups=[ref(WEB)])]}
    network = network_of(
        group("web", [SSH]),
        replace(res(LT, template), uncertain=(why,)),
        res("aws_instance.web", {"launch_template": [{"id": ref(LT)}]}),
        public_ips=True,
    )
    assert why in web(network).unknowns
    assert {f.certainty for f in exposures(network)} == {"possible"}
