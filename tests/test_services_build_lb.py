"""Builder: load balancers, listeners, target groups and members (R-LB-1..7)."""

from __future__ import annotations

from aws_helpers import ref, res, unknown
from services_helpers import (
    PUB_A,
    PUB_B,
    group,
    instance,
    listener,
    load_balancer,
    network_of,
    register,
    target_group,
)

from tfvpc.model import Listener


def test_internet_facing_alb_has_one_public_node_per_subnet_with_its_listeners() -> None:
    network = network_of(
        load_balancer("front"),
        listener("https", "front", 443, "HTTPS", "app"),
        target_group("app", 8080, "HTTP"),
    )
    lb = network.load_balancers["aws_lb.front"]
    assert (lb.kind, lb.internet_facing, lb.vpc) == ("application", True, "aws_vpc.main")
    assert lb.attachments == (f"aws_lb.front@{PUB_A}", f"aws_lb.front@{PUB_B}")
    node = network.attachments[f"aws_lb.front@{PUB_A}"]
    assert (node.resource, node.subnets, node.public_ipv4, node.public_ipv4_via) == (
        "aws_lb.front",
        (PUB_A,),
        True,
        "lb",
    )
    assert node.listeners == (
        Listener(protocol=6, from_port=443, to_port=443, origin="aws_lb_listener.https"),
    )
    # R-LB-5: an ALB without security groups gets the VPC's default group.
    assert node.security_groups == ("aws_vpc.main:default_security_group",)
    assert lb.listeners[0].target_groups == ("aws_lb_target_group.app",)


def test_nlb_without_groups_has_none_and_udp_listeners_are_udp() -> None:
    network = network_of(
        load_balancer("nlb", load_balancer_type="network"),
        listener("dns", "nlb", 53, "TCP_UDP", "dns"),
        target_group("dns", 53, "TCP_UDP"),
    )
    node = network.attachments[f"aws_lb.nlb@{PUB_A}"]
    assert node.security_groups == ()  # R-LB-4
    assert {(item.protocol, item.from_port) for item in node.listeners} == {(6, 53), (17, 53)}
    # AWS default: ip or instance targets over TCP_UDP keep client addresses.
    assert network.target_groups["aws_lb_target_group.dns"].preserve_client_ip is True


def test_internal_gateway_and_ipv6_only_balancers_have_no_public_ipv4() -> None:
    network = network_of(
        load_balancer("internal", internal=True),
        load_balancer("gwlb", load_balancer_type="gateway"),
        load_balancer("v6", ip_address_type="dualstack-without-public-ipv4"),
        load_balancer("dual", ip_address_type="dualstack"),
    )
    nodes = {a.resource: a for a in network.attachments.values()}
    assert (nodes["aws_lb.internal"].public_ipv4, nodes["aws_lb.internal"].ipv6) == (False, False)
    assert (nodes["aws_lb.gwlb"].public_ipv4, nodes["aws_lb.gwlb"].ipv6) == (False, False)
    assert (nodes["aws_lb.v6"].public_ipv4, nodes["aws_lb.v6"].ipv6) == (False, True)
    assert (nodes["aws_lb.dual"].public_ipv4, nodes["aws_lb.dual"].ipv6) == (True, True)
    assert network.load_balancers["aws_lb.internal"].internet_facing is False


def test_unknown_scheme_and_missing_listeners_are_unknowns() -> None:
    network = network_of(load_balancer("front", internal=unknown("internal is unknown")))
    node = network.attachments[f"aws_lb.front@{PUB_A}"]
    assert node.public_ipv4 is None
    assert node.unknowns == (
        "internal is unknown",
        "no listener of aws_lb.front is in the input: the ports it answers on are unknown",
    )


def test_listener_rules_and_weighted_forward_add_target_groups() -> None:
    https = res(
        "aws_lb_listener.https",
        {
            "load_balancer_arn": ref("aws_lb.front", "arn"),
            "port": 443,
            "protocol": "HTTPS",
            "default_action": [
                {
                    "type": "forward",
                    "forward": [
                        {
                            "target_group": [
                                {"arn": ref("aws_lb_target_group.blue", "arn"), "weight": 90},
                                {"arn": ref("aws_lb_target_group.green", "arn"), "weight": 10},
                            ]
                        }
                    ],
                }
            ],
        },
    )
    rule = res(
        "aws_lb_listener_rule.api",
        {
            "listener_arn": ref("aws_lb_listener.https", "arn"),
            "action": [{"type": "forward", "target_group_arn": ref("aws_lb_target_group.api")}],
        },
    )
    network = network_of(
        load_balancer("front"),
        https,
        rule,
        target_group("blue", 80, "HTTP"),
        target_group("green", 80, "HTTP"),
        target_group("api", 80, "HTTP"),
    )
    (found,) = network.load_balancers["aws_lb.front"].listeners
    assert found.target_groups == (
        "aws_lb_target_group.blue",
        "aws_lb_target_group.green",
        "aws_lb_target_group.api",
    )


def test_members_by_instance_ip_and_port_override() -> None:
    web = instance("web", "app", ["web"])
    web.values["private_ip"] = "10.0.10.7"
    network = network_of(
        group("web", []),
        web,
        target_group("app", 8080, "HTTP"),
        register("by_id", "app", ref("aws_instance.web")),
        register("by_ip", "app", "10.0.10.7", port=9090),
        register("outside", "app", "192.0.2.10"),
    )
    members = network.target_groups["aws_lb_target_group.app"].members
    assert [(m.target, m.attachments, m.port, m.unknowns) for m in members] == [
        ("aws_instance.web", ("aws_instance.web",), None, ()),
        ("aws_instance.web", ("aws_instance.web",), 9090, ()),
        (
            "192.0.2.10",
            (),
            None,
            ("target 192.0.2.10 of aws_lb_target_group_attachment.outside is not in the input",),
        ),
    ]


def test_classic_load_balancer_listeners_become_implicit_target_groups() -> None:
    elb = res(
        "aws_elb.legacy",
        {
            "name": "legacy",
            "subnets": [ref(PUB_A)],
            "listener": [
                {
                    "lb_port": 443,
                    "lb_protocol": "https",
                    "instance_port": 8443,
                    "instance_protocol": "https",
                },
            ],
        },
    )
    attach = res("aws_elb_attachment.web", {"elb": "legacy", "instance": ref("aws_instance.web")})
    network = network_of(elb, attach, instance("web", "app", []))
    lb = network.load_balancers["aws_elb.legacy"]
    assert (lb.kind, lb.security_groups) == ("classic", ("aws_vpc.main:default_security_group",))
    (item,) = lb.listeners
    assert (item.address, item.port, item.lb_protocol, item.target_groups) == (
        "aws_elb.legacy:listener[0]",
        443,
        "HTTPS",
        ("aws_elb.legacy:instance_port:8443",),
    )
    classic = network.target_groups["aws_elb.legacy:instance_port:8443"]
    assert (classic.implicit, classic.port, classic.preserve_client_ip) == (True, 8443, False)
    assert [m.target for m in classic.members] == ["aws_instance.web"]


def test_ip_target_type_over_tcp_does_not_preserve_client_addresses() -> None:
    network = network_of(
        target_group("ip", 80, "TCP", target_type="ip"),
        target_group("forced", 80, "TCP", target_type="ip", preserve_client_ip="true"),
        target_group("inst", 80, "TCP"),
    )
    groups = network.target_groups
    assert groups["aws_lb_target_group.ip"].preserve_client_ip is False
    assert groups["aws_lb_target_group.forced"].preserve_client_ip is True
    assert groups["aws_lb_target_group.inst"].preserve_client_ip is True
