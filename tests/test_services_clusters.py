"""EKS, ECS, Lambda, search domains and interface endpoints: their interfaces, and the public
endpoints outside the VPC model (semantics §1.8, R-VPCE-1)."""

from __future__ import annotations

from aws_helpers import ref, res, unknown
from services_helpers import APP, PUB_A, PUB_B, exposures, group, network_of, rule, summary

from tfvpc.analyse.endpoint_exposure import endpoint_findings
from tfvpc.findings import Hop
from tfvpc.load.resources import Value
from tfvpc.model import Attachment, Network


def of(network: Network, resource: str) -> list[Attachment]:
    return [a for a in network.attachments.values() if a.resource == resource]


def eks(**config: Value) -> dict[str, Value]:
    return {"vpc_config": [{"subnet_ids": [ref(APP)], **config}]}


def test_eks_public_endpoint_defaults_to_the_whole_internet() -> None:
    network = network_of(res("aws_eks_cluster.k", eks()))
    (found,) = endpoint_findings(network)
    assert (found.resource, found.protocol, found.ports, found.sources) == (
        "aws_eks_cluster.k",
        "tcp",
        ((443, 443),),
        ("0.0.0.0/0",),
    )
    assert (found.certainty, found.severity.value) == ("definite", "high")
    assert "not a VPC path" in found.message
    assert found.path == (
        Hop(hop="internet"),
        Hop(
            hop="aws_eks_cluster.k",
            detail="public endpoint, governed by Kubernetes API authentication (IAM)",
        ),
    )
    (node,) = of(network, "aws_eks_cluster.k")
    assert (node.subnets, node.public_ipv4) == ((APP,), False)


def test_eks_endpoint_narrowed_disabled_or_unknown() -> None:
    narrow = network_of(
        res(
            "aws_eks_cluster.k",
            eks(public_access_cidrs=["198.51.100.0/24", "8.8.8.0/24", "10.0.0.0/8"]),
        )
    )
    (found,) = endpoint_findings(narrow)
    assert (found.sources, found.severity.value) == (("8.8.8.0/24",), "medium")
    off = network_of(res("aws_eks_cluster.k", eks(endpoint_public_access=False)))
    assert endpoint_findings(off) == []
    hidden = network_of(
        res(
            "aws_eks_cluster.k",
            eks(public_access_cidrs=unknown("public_access_cidrs is unknown")),
        )
    )
    (maybe,) = endpoint_findings(hidden)
    assert (maybe.certainty, maybe.sources) == ("possible", ("0.0.0.0/0",))
    assert "public_access_cidrs is unknown" in maybe.message


def test_opensearch_without_vpc_options_is_possibly_public_on_80_and_443() -> None:
    network = network_of(res("aws_opensearch_domain.logs", {"domain_name": "logs"}))
    assert summary(endpoint_findings(network)) == [
        (
            "aws_opensearch_domain.logs",
            "tcp",
            ((80, 80), (443, 443)),
            ("0.0.0.0/0",),
            "possible",
            "high",
        )
    ]
    https = network_of(
        res(
            "aws_elasticsearch_domain.logs",
            {"domain_endpoint_options": [{"enforce_https": True}]},
        )
    )
    (found,) = endpoint_findings(https)
    assert found.ports == ((443, 443),)


def test_search_domain_in_a_vpc_is_a_private_attachment() -> None:
    network = network_of(
        group("search", [rule(443, 443, cidrs=["0.0.0.0/0"])]),
        res(
            "aws_opensearch_domain.logs",
            {
                "vpc_options": [
                    {
                        "subnet_ids": [ref(PUB_A)],
                        "security_group_ids": [ref("aws_security_group.search")],
                    }
                ]
            },
        ),
    )
    (node,) = of(network, "aws_opensearch_domain.logs")
    assert (node.subnets, node.public_ipv4, node.security_groups) == (
        (PUB_A,),
        False,
        ("aws_security_group.search",),
    )
    assert exposures(network) == []


def test_ecs_service_with_a_public_ip_in_public_subnets_is_exposed() -> None:
    network = network_of(
        group("tasks", [rule(8080, 8080, cidrs=["0.0.0.0/0"])]),
        res(
            "aws_ecs_service.api",
            {
                "network_configuration": [
                    {
                        "subnets": [ref(PUB_A), ref(PUB_B)],
                        "security_groups": [ref("aws_security_group.tasks")],
                        "assign_public_ip": True,
                    }
                ]
            },
        ),
        res("aws_ecs_service.bridge", {"launch_type": "EC2"}),
    )
    assert [a.address for a in of(network, "aws_ecs_service.api")] == [
        f"aws_ecs_service.api@{PUB_A}",
        f"aws_ecs_service.api@{PUB_B}",
    ]
    assert of(network, "aws_ecs_service.bridge") == []
    assert summary(exposures(network)) == [
        ("aws_ecs_service.api", "tcp", ((8080, 8080),), ("0.0.0.0/0",), "definite", "high")
    ]


def test_lambda_in_a_public_subnet_is_never_reachable() -> None:
    network = network_of(
        group("fn", [rule(0, 65535, cidrs=["0.0.0.0/0"])]),
        res(
            "aws_lambda_function.fn",
            {
                "vpc_config": [
                    {
                        "subnet_ids": [ref(PUB_A)],
                        "security_group_ids": [ref("aws_security_group.fn")],
                    }
                ]
            },
        ),
        res("aws_lambda_function.outside", {"vpc_config": []}),
        public_ips=True,
    )
    (node,) = of(network, "aws_lambda_function.fn")
    assert (node.public_ipv4, node.ipv6) == (False, False)
    assert of(network, "aws_lambda_function.outside") == []
    assert exposures(network) == []


def test_interface_endpoint_is_a_private_attachment_with_associations() -> None:
    network = network_of(
        group("vpce", []),
        res(
            "aws_vpc_endpoint.ssm",
            {
                "vpc_id": ref("aws_vpc.main"),
                "vpc_endpoint_type": "Interface",
                "subnet_ids": [ref(APP)],
            },
        ),
        res(
            "aws_vpc_endpoint_subnet_association.b",
            {"vpc_endpoint_id": ref("aws_vpc_endpoint.ssm"), "subnet_id": ref(PUB_B)},
        ),
        res(
            "aws_vpc_endpoint_security_group_association.g",
            {
                "vpc_endpoint_id": ref("aws_vpc_endpoint.ssm"),
                "security_group_id": ref("aws_security_group.vpce"),
            },
        ),
        res("aws_vpc_endpoint.s3", {"vpc_id": ref("aws_vpc.main")}),
    )
    nodes = of(network, "aws_vpc_endpoint.ssm")
    assert [(n.subnets, n.security_groups, n.public_ipv4) for n in nodes] == [
        ((APP,), ("aws_security_group.vpce",), False),
        ((PUB_B,), ("aws_security_group.vpce",), False),
    ]
    assert of(network, "aws_vpc_endpoint.s3") == []
