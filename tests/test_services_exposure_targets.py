"""TFV101 through load balancers for every kind of target: auto-scaling groups, ECS tasks, Lambda,
classic load balancers, an ALB behind an NLB, and targets the input does not hold."""

from __future__ import annotations

from aws_helpers import ref, res
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

LB_GROUP = group(
    "lb", [rule(443, 443, cidrs=["0.0.0.0/0"])], [rule(8080, 8080, cidrs=["10.0.10.0/24"])]
)
APP_GROUP = group("app", [rule(8080, 8080, groups=[ref("aws_security_group.lb")])])
FRONT = load_balancer("front", security_groups=[ref("aws_security_group.lb")])
HTTPS = listener("https", "front", 443, "HTTPS", "app")
APP_TG = target_group("app", 8080, "HTTP")


def test_auto_scaling_group_registered_by_target_group_arns() -> None:
    template = res(
        "aws_launch_template.app", {"vpc_security_group_ids": [ref("aws_security_group.app")]}
    )
    asg = res(
        "aws_autoscaling_group.app",
        {
            "vpc_zone_identifier": [ref("aws_subnet.app")],
            "launch_template": [{"id": ref("aws_launch_template.app"), "version": "$Latest"}],
            "target_group_arns": [ref("aws_lb_target_group.app", "arn")],
        },
    )
    network = network_of(LB_GROUP, APP_GROUP, FRONT, HTTPS, APP_TG, template, asg)
    assert summary(find_service_exposures(network)) == [
        ("aws_autoscaling_group.app", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high")
    ]


def test_auto_scaling_attachment_by_group_name() -> None:
    template = res(
        "aws_launch_template.app", {"vpc_security_group_ids": [ref("aws_security_group.app")]}
    )
    asg = res(
        "aws_autoscaling_group.app",
        {
            "name": "app-asg",
            "vpc_zone_identifier": [ref("aws_subnet.app")],
            "launch_template": [{"id": ref("aws_launch_template.app")}],
        },
    )
    attachment = res(
        "aws_autoscaling_attachment.app",
        {
            "autoscaling_group_name": "app-asg",
            "lb_target_group_arn": ref("aws_lb_target_group.app", "arn"),
        },
    )
    network = network_of(LB_GROUP, APP_GROUP, FRONT, HTTPS, APP_TG, template, asg, attachment)
    (found,) = find_service_exposures(network)
    assert (found.resource, found.certainty) == ("aws_autoscaling_group.app", "definite")
    assert "aws_autoscaling_attachment.app" in found.related


def test_ecs_service_tasks_on_their_container_port() -> None:
    tasks = group("tasks", [rule(3000, 3000, groups=[ref("aws_security_group.lb")])])
    lb_group = group(
        "lb", [rule(443, 443, cidrs=["0.0.0.0/0"])], [rule(0, 65535, cidrs=["10.0.0.0/16"])]
    )
    service = res(
        "aws_ecs_service.api",
        {
            "network_configuration": [
                {
                    "subnets": [ref("aws_subnet.app")],
                    "security_groups": [ref("aws_security_group.tasks")],
                    "assign_public_ip": False,
                }
            ],
            "load_balancer": [
                {
                    "target_group_arn": ref("aws_lb_target_group.app", "arn"),
                    "container_name": "api",
                    "container_port": 3000,
                }
            ],
        },
    )
    tg = target_group("app", 80, "HTTP", target_type="ip")
    network = network_of(lb_group, tasks, FRONT, HTTPS, tg, service)
    assert summary(exposures(network)) == [
        ("aws_ecs_service.api", "tcp", ((3000, 3000),), ("0.0.0.0/0",), "definite", "high"),
        ("aws_lb.front", "tcp", ((443, 443),), ("0.0.0.0/0",), "definite", "low"),
    ]


def test_lambda_target_is_invoked_on_the_listener_port() -> None:
    function = res("aws_lambda_function.api", {"function_name": "api"})
    tg = res("aws_lb_target_group.fn", {"target_type": "lambda"})
    https = listener("https", "front", 443, "HTTPS", "fn")
    attach = register("fn", "fn", ref("aws_lambda_function.api", "arn"))
    (found,) = find_service_exposures(network_of(LB_GROUP, FRONT, https, tg, function, attach))
    assert (found.resource, found.protocol, found.ports, found.certainty) == (
        "aws_lambda_function.api",
        "tcp",
        ((443, 443),),
        "definite",
    )
    assert found.path[-2] == Hop(
        hop="aws_lb_target_group.fn",
        detail="invokes aws_lambda_function.api (aws_lb_target_group_attachment.fn)",
    )


def test_target_not_in_the_input_is_possibly_exposed_on_its_registration() -> None:
    attach = register("ext", "app", "i-0123456789abcdef0", port=8080)
    (found,) = find_service_exposures(network_of(LB_GROUP, FRONT, HTTPS, APP_TG, attach))
    assert (found.resource, found.protocol, found.ports, found.certainty) == (
        "aws_lb_target_group_attachment.ext",
        "tcp",
        ((8080, 8080),),
        "possible",
    )
    assert "i-0123456789abcdef0" in found.message


def test_classic_load_balancer_and_its_instances() -> None:
    elb_group = group(
        "elb", [rule(80, 80, cidrs=["0.0.0.0/0"])], [rule(8080, 8080, cidrs=["10.0.10.0/24"])]
    )
    web = group("web", [rule(8080, 8080, groups=[ref("aws_security_group.elb")])])
    elb = res(
        "aws_elb.legacy",
        {
            "subnets": [ref("aws_subnet.pub_a")],
            "security_groups": [ref("aws_security_group.elb")],
            "listener": [
                {
                    "lb_port": 80,
                    "lb_protocol": "http",
                    "instance_port": 8080,
                    "instance_protocol": "http",
                }
            ],
            "instances": [ref("aws_instance.web")],
        },
    )
    findings = exposures(network_of(elb_group, web, instance("web", "app", ["web"]), elb))
    assert summary(findings) == [
        ("aws_elb.legacy", "tcp", ((80, 80),), ("0.0.0.0/0",), "definite", "low"),
        ("aws_instance.web", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high"),
    ]


def test_internal_alb_behind_an_internet_facing_nlb() -> None:
    inner_group = group(
        "inner",
        [rule(443, 443, cidrs=["10.0.0.0/16"])],
        [rule(8080, 8080, cidrs=["10.0.10.0/24"])],
    )
    app = group("app", [rule(8080, 8080, groups=[ref("aws_security_group.inner")])])
    resources = (
        inner_group,
        app,
        instance("app", "app", ["app"]),
        load_balancer("edge", load_balancer_type="network"),
        listener("tls", "edge", 443, "TCP", "inner"),
        target_group("inner", 443, "TCP", target_type="alb"),
        register("inner", "inner", ref("aws_lb.inner", "arn")),
        load_balancer("inner", internal=True, security_groups=[ref("aws_security_group.inner")]),
        listener("https", "inner", 443, "HTTPS", "app"),
        target_group("app", 8080, "HTTP"),
        register("app", "app", ref("aws_instance.app")),
    )
    findings = exposures(network_of(*resources))
    assert summary(findings) == [
        ("aws_instance.app", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high"),
        ("aws_lb.edge", "tcp", ((443, 443),), ("0.0.0.0/0",), "definite", "low"),
        ("aws_lb.inner", "tcp", ((443, 443),), ("0.0.0.0/0",), "definite", "low"),
    ]
    deepest = next(f for f in findings if f.resource == "aws_instance.app")
    assert "through aws_lb.edge then aws_lb.inner" in deepest.message
    names = [hop.hop for hop in deepest.path]
    assert (
        names.index("aws_lb.edge")
        < names.index("aws_lb.inner")
        < names.index("aws_lb_target_group.app")
    )
