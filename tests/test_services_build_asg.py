"""Builder: auto-scaling groups take subnets from vpc_zone_identifier and the rest from their
launch template or configuration (R-IP-1, R-SG-11)."""

from __future__ import annotations

from aws_helpers import ref, res
from services_helpers import APP, PUB_A, PUB_B, group, network_of

from tfvpc.load.resources import Value
from tfvpc.model import Attachment, Network

WEB = "aws_security_group.web"


def asg(**values: Value) -> dict[str, Value]:
    return {"vpc_zone_identifier": [ref(PUB_A), ref(PUB_B)], **values}


def nodes(network: Network) -> dict[str, Attachment]:
    return {a: n for a, n in network.attachments.items() if n.resource.startswith("aws_auto")}


def template(flag: str | None = None, **values: Value) -> dict[str, Value]:
    interface: dict[str, Value] = {"device_index": 0, "security_groups": [ref(WEB)]}
    if flag is not None:
        interface["associate_public_ip_address"] = flag
    return {"network_interfaces": [interface], **values}


def build_with(template_values: dict[str, Value], *, public_ips: bool = False) -> Network:
    return network_of(
        group("web", []),
        res("aws_launch_template.web", template_values),
        res(
            "aws_autoscaling_group.web",
            asg(launch_template=[{"id": ref("aws_launch_template.web"), "version": "$Latest"}]),
        ),
        public_ips=public_ips,
    )


def test_one_instance_per_subnet_with_the_template_interface_flag() -> None:
    found = nodes(build_with(template("true")))
    assert list(found) == [
        f"aws_autoscaling_group.web@{PUB_A}",
        f"aws_autoscaling_group.web@{PUB_B}",
    ]
    node = found[f"aws_autoscaling_group.web@{PUB_A}"]
    assert (node.subnets, node.security_groups) == ((PUB_A,), (WEB,))
    assert (node.public_ipv4, node.public_ipv4_via, node.public_ipv4_evidence) == (
        True,
        "associate_public_ip_address",
        "aws_launch_template.web",
    )
    assert "aws_launch_template.web" in node.related


def test_string_false_wins_over_the_subnet_and_empty_string_defers_to_it() -> None:
    off = nodes(build_with(template("false"), public_ips=True))
    assert {n.public_ipv4 for n in off.values()} == {False}
    unset = nodes(build_with(template(""), public_ips=True))
    assert {(n.public_ipv4, n.public_ipv4_via) for n in unset.values()} == {(True, "auto-assign")}
    private = nodes(build_with(template("")))
    assert {n.public_ipv4 for n in private.values()} == {False}


def test_template_groups_without_interfaces_and_default_group() -> None:
    with_ids = nodes(build_with({"vpc_security_group_ids": [ref(WEB)]}))
    assert {n.security_groups for n in with_ids.values()} == {(WEB,)}
    bare = nodes(build_with({}))
    assert {n.security_groups for n in bare.values()} == {("aws_vpc.main:default_security_group",)}


def test_launch_configuration_by_name() -> None:
    network = network_of(
        group("web", []),
        res(
            "aws_launch_configuration.web",
            {
                "name": "web-lc",
                "security_groups": [ref(WEB)],
                "associate_public_ip_address": True,
            },
        ),
        res("aws_autoscaling_group.web", asg(launch_configuration="web-lc")),
    )
    found = nodes(network)
    assert {(n.public_ipv4, n.security_groups) for n in found.values()} == {(True, (WEB,))}


def test_mixed_instances_policy_templates_each_get_nodes() -> None:
    network = network_of(
        group("web", []),
        res("aws_launch_template.a", template("true", name="a")),
        res("aws_launch_template.b", template("false", name="b")),
        res(
            "aws_autoscaling_group.web",
            {
                "vpc_zone_identifier": [ref(APP)],
                "mixed_instances_policy": [
                    {
                        "launch_template": [
                            {
                                "launch_template_specification": [
                                    {"launch_template_id": ref("aws_launch_template.a")}
                                ],
                                "override": [
                                    {
                                        "instance_type": "m5.large",
                                        "launch_template_specification": [
                                            {"launch_template_name": "b"}
                                        ],
                                    }
                                ],
                            }
                        ]
                    }
                ],
            },
        ),
    )
    found = nodes(network)
    assert {a: n.public_ipv4 for a, n in found.items()} == {
        f"aws_autoscaling_group.web@{APP}/aws_launch_template.a": True,
        f"aws_autoscaling_group.web@{APP}/aws_launch_template.b": False,
    }


def test_template_not_in_the_input_leaves_groups_and_address_unknown() -> None:
    network = network_of(
        res(
            "aws_autoscaling_group.web",
            asg(launch_template=[{"id": "lt-0123456789abcdef0", "version": "$Default"}]),
        )
    )
    node = nodes(network)[f"aws_autoscaling_group.web@{PUB_A}"]
    assert (node.public_ipv4, node.security_groups, node.ipv6) == (None, (), None)
    assert node.unknowns == (
        "lt-0123456789abcdef0 is not in the input: security groups and public address unknown",
    )
