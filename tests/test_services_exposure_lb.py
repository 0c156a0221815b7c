"""TFV101 through application and network load balancers (R-LB-1..6), reasoned by hand.

Every network is `services_helpers.base()`: two public subnets (10.0.1.0/24, 10.0.2.0/24) routed
to the internet gateway, an app subnet 10.0.10.0/24 with local routes only, default NACLs.
"""

from __future__ import annotations

from aws_helpers import ref, res, unknown
from services_helpers import (
    exposures,
    group,
    instance,
    listener,
    load_balancer,
    network_of,
    register,
    rule,
    summary,
    target_group,
)

from tfvpc.analyse.service_exposure import find_service_exposures
from tfvpc.findings import Hop
from tfvpc.load.resources import ResourceInstance, Value

LB_IN = rule(443, 443, cidrs=["0.0.0.0/0"])
LB_OUT = rule(8080, 8080, cidrs=["10.0.0.0/16"])
APP_FROM_LB = rule(8080, 8080, groups=[ref("aws_security_group.lb")])


def alb(
    *,
    lb_values: dict[str, Value] | None = None,
    lb_egress: list[dict[str, Value]] | None = None,
    app_ingress: list[dict[str, Value]] | None = None,
    extra: tuple[ResourceInstance, ...] = (),
) -> list[ResourceInstance]:
    """Return an ALB on 443 forwarding to aws_instance.app:8080 in the app subnet."""
    return [
        group("lb", [LB_IN], [LB_OUT] if lb_egress is None else lb_egress),
        group("app", [APP_FROM_LB] if app_ingress is None else app_ingress),
        instance("app", "app", ["app"]),
        load_balancer("front", security_groups=[ref("aws_security_group.lb")], **(lb_values or {})),
        listener("https", "front", 443, "HTTPS", "app"),
        target_group("app", 8080, "HTTP"),
        register("app", "app", ref("aws_instance.app")),
        *extra,
    ]


def test_alb_is_exposed_on_its_listener_and_its_target_through_it() -> None:
    findings = exposures(network_of(*alb()))
    assert summary(findings) == [
        ("aws_instance.app", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high"),
        # One finding for the load balancer, not one per subnet node.
        ("aws_lb.front", "tcp", ((443, 443),), ("0.0.0.0/0",), "definite", "low"),
    ]


def test_target_path_names_listener_target_group_and_the_hop_rules() -> None:
    (found,) = find_service_exposures(network_of(*alb()))
    hops = [hop.hop for hop in found.path]
    assert hops == [
        "internet",
        "aws_internet_gateway.igw",
        "aws_route_table.pub",
        "aws_vpc.main:default_nacl",
        "aws_security_group.lb",
        "aws_lb.front",
        "aws_lb_target_group.app",
        "aws_security_group.lb",
        "aws_vpc.main:default_nacl",
        "aws_vpc.main:default_nacl",
        "aws_security_group.app",
        "aws_vpc.main:default_nacl",
        "aws_instance.app",
    ]
    assert Hop(hop="aws_lb.front", detail="listener aws_lb_listener.https: HTTPS 443") in (
        found.path
    )
    assert (
        Hop(
            hop="aws_lb_target_group.app",
            detail="forwards HTTP 8080 to aws_instance.app (aws_lb_target_group_attachment.app)",
        )
        in found.path
    )
    assert Hop(hop="aws_security_group.lb", detail="egress tcp 8080 to 10.0.0.0/16") in found.path
    assert (
        Hop(
            hop="aws_security_group.app",
            detail="ingress tcp 8080 from security group aws_security_group.lb",
        )
        in found.path
    )
    assert found.path[-1] == Hop(hop="aws_instance.app", detail="target: tcp 8080")
    assert "through aws_lb.front" in found.message
    assert {"aws_lb.front", "aws_lb_listener.https", "aws_lb_target_group.app"} <= set(
        found.related
    )


def test_internal_load_balancer_exposes_nothing() -> None:
    assert exposures(network_of(*alb(lb_values={"internal": True}))) == []


def test_load_balancer_without_egress_cannot_reach_its_targets() -> None:
    # R-SG-10: Terraform removes the default egress rule, so the LB opens nothing (R-LB-3).
    assert summary(find_service_exposures(network_of(*alb(lb_egress=[])))) == []


def test_target_admitting_the_lb_subnets_by_cidr_is_reached() -> None:
    app = [rule(8080, 8080, cidrs=["10.0.1.0/24", "10.0.2.0/24"])]
    assert summary(find_service_exposures(network_of(*alb(app_ingress=app)))) == [
        ("aws_instance.app", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high")
    ]


def test_target_admitting_other_addresses_only_is_not_reached() -> None:
    app = [rule(8080, 8080, cidrs=["192.168.0.0/16"]), rule(9090, 9090, cidrs=["10.0.0.0/16"])]
    assert find_service_exposures(network_of(*alb(app_ingress=app))) == []


def test_target_subnet_nacl_dropping_the_target_port_stops_the_hop() -> None:
    nacl = res(
        "aws_network_acl.app",
        {
            "vpc_id": ref("aws_vpc.main"),
            "subnet_ids": [ref("aws_subnet.app")],
            "ingress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    "cidr_block": "10.0.0.0/16",
                }
            ],
            "egress": [
                {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0"}
            ],
        },
    )
    assert find_service_exposures(network_of(*alb(extra=(nacl,)))) == []


def test_unknown_scheme_makes_the_target_possibly_exposed() -> None:
    values: dict[str, Value] = {"internal": unknown("internal of aws_lb.front is unknown")}
    findings = exposures(network_of(*alb(lb_values=values)))
    assert [(f.resource, f.certainty) for f in findings] == [
        ("aws_lb.front", "possible"),
        ("aws_instance.app", "possible"),
    ]
    assert "internal of aws_lb.front is unknown" in findings[1].message


NLB_TARGET = [rule(5432, 5432, cidrs=["203.0.113.0/24", "198.51.0.0/16", "10.0.1.0/24"])]


def nlb(
    *,
    lb_groups: list[str] | None = None,
    db_ingress: list[dict[str, Value]] | None = None,
    target_id: Value = None,
    group_values: dict[str, Value] | None = None,
    extra: tuple[ResourceInstance, ...] = (),
) -> list[ResourceInstance]:
    """Return an NLB on tcp 5432 forwarding to aws_instance.db:5432 (private IP 10.0.10.5)."""
    lb_values: dict[str, Value] = {"load_balancer_type": "network"}
    if lb_groups is not None:
        lb_values["security_groups"] = [ref(f"aws_security_group.{g}") for g in lb_groups]
    db = instance("db", "app", ["db"])
    db.values["private_ip"] = "10.0.10.5"
    return [
        group("db", NLB_TARGET if db_ingress is None else db_ingress),
        db,
        load_balancer("nlb", **lb_values),
        listener("pg", "nlb", 5432, "TCP", "pg"),
        target_group("pg", 5432, "TCP", **(group_values or {})),
        register("pg", "pg", ref("aws_instance.db") if target_id is None else target_id),
        *extra,
    ]


def test_nlb_without_groups_passes_everyone_and_the_target_group_is_the_control() -> None:
    # R-LB-4: no SG on the NLB; instance targets see client addresses, so the target's group
    # decides: 198.51.0.0/16 are internet clients, 203.0.113.0/24 (documentation) and
    # 10.0.1.0/24 (the VPC) are not.
    findings = exposures(network_of(*nlb()))
    assert summary(findings) == [
        ("aws_instance.db", "tcp", ((5432, 5432),), ("198.51.0.0/16",), "definite", "critical"),
        ("aws_lb.nlb", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "definite", "critical"),
    ]
    target = next(f for f in findings if f.resource == "aws_instance.db")
    assert "restrict the ingress of aws_security_group.db" in target.message


def test_ip_target_without_client_ip_preservation_sees_the_nlb_address() -> None:
    # R-LB-4: ip targets over TCP do not preserve client addresses by default: the target's
    # group must admit the NLB's subnets, and then every client of the NLB reaches it.
    db = [rule(5432, 5432, cidrs=["10.0.0.0/16"])]
    findings = find_service_exposures(
        network_of(*nlb(db_ingress=db, target_id="10.0.10.5", group_values={"target_type": "ip"}))
    )
    assert summary(findings) == [
        ("aws_instance.db", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "definite", "critical")
    ]


def test_preserving_nlb_with_groups_is_admitted_by_a_rule_naming_its_group() -> None:
    nlb_group = group(
        "nlb", [rule(5432, 5432, cidrs=["0.0.0.0/0"])], [rule(5432, 5432, cidrs=["10.0.10.0/24"])]
    )
    db = [rule(5432, 5432, groups=[ref("aws_security_group.nlb")])]
    findings = exposures(network_of(*nlb(lb_groups=["nlb"], db_ingress=db, extra=(nlb_group,))))
    assert summary(findings) == [
        ("aws_instance.db", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "definite", "critical"),
        ("aws_lb.nlb", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "definite", "critical"),
    ]


def test_preserving_nlb_group_narrows_the_lb_and_so_the_target() -> None:
    nlb_group = group(
        "nlb",
        [rule(5432, 5432, cidrs=["198.51.100.0/24", "8.8.8.0/24"])],
        [rule(5432, 5432, cidrs=["10.0.10.0/24"])],
    )
    db = [rule(5432, 5432, cidrs=["0.0.0.0/0"])]
    findings = exposures(network_of(*nlb(lb_groups=["nlb"], db_ingress=db, extra=(nlb_group,))))
    assert summary(findings) == [
        ("aws_instance.db", "tcp", ((5432, 5432),), ("8.8.8.0/24",), "definite", "critical"),
        ("aws_lb.nlb", "tcp", ((5432, 5432),), ("8.8.8.0/24",), "definite", "critical"),
    ]


def test_unknown_client_ip_preservation_leaves_the_target_possible() -> None:
    # Preserved: the target's group (VPC only) admits no internet client; not preserved: every
    # client arrives from the NLB's subnets, which the group admits. Only possibly exposed.
    db = [rule(5432, 5432, cidrs=["10.0.0.0/16"])]
    values: dict[str, Value] = {"preserve_client_ip": unknown("preserve_client_ip is unknown")}
    findings = find_service_exposures(network_of(*nlb(db_ingress=db, group_values=values)))
    assert summary(findings) == [
        ("aws_instance.db", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "possible", "critical")
    ]
    assert "preserve_client_ip is unknown" in findings[0].message


def test_unregistered_target_group_exposes_only_the_load_balancer() -> None:
    resources = [r for r in nlb() if r.type != "aws_lb_target_group_attachment"]
    assert summary(exposures(network_of(*resources))) == [
        ("aws_lb.nlb", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "definite", "critical")
    ]


def app_nacl(*entries: dict[str, Value]) -> ResourceInstance:
    """Return a NACL of the app subnet: the given inbound entries, every protocol out."""
    return res(
        "aws_network_acl.app",
        {
            "vpc_id": ref("aws_vpc.main"),
            "subnet_ids": [ref("aws_subnet.app")],
            "ingress": list(entries),
            "egress": [
                {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0"}
            ],
        },
    )


def test_preserved_clients_are_filtered_by_the_target_subnet_nacl() -> None:
    # R-NACL-2: 198.51.7.0/24 is denied first, the rest of the target group's 198.51.0.0/16 is
    # allowed; the NLB's subnet is the default NACL.
    nacl = app_nacl(
        {
            "rule_no": 90,
            "action": "deny",
            "protocol": "tcp",
            "from_port": 0,
            "to_port": 65535,
            "cidr_block": "198.51.7.0/24",
        },
        {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0"},
    )
    (found,) = find_service_exposures(network_of(*nlb(extra=(nacl,))))
    assert found.sources == (
        "198.51.0.0/22",
        "198.51.4.0/23",
        "198.51.6.0/24",
        "198.51.8.0/21",
        "198.51.16.0/20",
        "198.51.32.0/19",
        "198.51.64.0/18",
        "198.51.128.0/17",
    )
    assert (
        Hop(
            hop="aws_network_acl.app",
            detail="aws_subnet.app: inbound rule 100 allow all from 0.0.0.0/0; "
            "outbound rule 100 allow all to 0.0.0.0/0",
        )
        in found.path
    )


def test_proxied_hop_needs_the_target_subnet_nacl_to_admit_every_node() -> None:
    # The target's NACL admits 8080 from one LB subnet only: the node in the other subnet
    # cannot forward, the first one can, so the target stays exposed (definite).
    nacl = app_nacl(
        {
            "rule_no": 100,
            "action": "allow",
            "protocol": "tcp",
            "from_port": 8080,
            "to_port": 8080,
            "cidr_block": "10.0.1.0/24",
        },
    )
    assert summary(find_service_exposures(network_of(*alb(extra=(nacl,))))) == [
        ("aws_instance.app", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high")
    ]


def test_unknown_target_group_port_is_only_possible_on_any_port() -> None:
    resources = [r for r in alb() if r.type != "aws_lb_target_group"]
    resources.append(
        res(
            "aws_lb_target_group.app",
            {
                "port": unknown("port of aws_lb_target_group.app is unknown"),
                "protocol": "HTTP",
                "vpc_id": ref("aws_vpc.main"),
            },
        )
    )
    resources = [r for r in resources if r.type != "aws_lb_target_group_attachment"]
    resources.append(register("app", "app", ref("aws_instance.app")))
    (found,) = find_service_exposures(network_of(*resources))
    assert (found.certainty, found.ports) == ("possible", ((0, 65535),))
    assert "port of aws_lb_target_group.app is unknown" in found.message
