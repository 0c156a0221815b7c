"""Builder: RDS, Aurora, Redshift, DMS and ElastiCache placement, groups, ports and public flags
(semantics §1.8, R-EVAL-12)."""

from __future__ import annotations

import pytest
from aws_helpers import build, ref, res
from services_helpers import APP, PUB_A, PUB_B, base, exposures, group, network_of, rule, summary

from tfvpc.load.resources import Value
from tfvpc.model import Attachment, Listener, Network

DB = "aws_security_group.db"
DB_OPEN = group(
    "db", [rule(5432, 5432, cidrs=["0.0.0.0/0"]), rule(3306, 3306, cidrs=["0.0.0.0/0"])]
)


def subnet_group(name: str, *subnets: str) -> Value:
    return {"name": name, "subnet_ids": [ref(s) for s in subnets]}


def of(network: Network, resource: str) -> list[Attachment]:
    return [a for a in network.attachments.values() if a.resource == resource]


def rds(**values: Value) -> dict[str, Value]:
    return {"engine": "postgres", "vpc_security_group_ids": [ref(DB)], **values}


def test_public_rds_in_alike_public_subnets_has_a_node_per_subnet() -> None:
    network = network_of(
        DB_OPEN,
        res("aws_db_subnet_group.pub", subnet_group("pub", PUB_A, PUB_B)),
        res("aws_db_instance.db", rds(publicly_accessible=True, db_subnet_group_name="pub")),
    )
    nodes = of(network, "aws_db_instance.db")
    assert [(n.address, n.subnets, n.public_ipv4, n.unknowns) for n in nodes] == [
        (f"aws_db_instance.db@{PUB_A}", (PUB_A,), True, ()),
        (f"aws_db_instance.db@{PUB_B}", (PUB_B,), True, ()),
    ]
    assert nodes[0].listeners == (
        Listener(protocol=6, from_port=5432, to_port=5432, origin="aws_db_instance.db"),
    )
    assert "aws_db_subnet_group.pub" in nodes[0].related


def test_mixed_subnet_group_is_one_ambiguous_attachment() -> None:
    network = network_of(
        DB_OPEN,
        res("aws_db_subnet_group.mixed", subnet_group("mixed", PUB_A, APP)),
        res(
            "aws_db_instance.db",
            rds(publicly_accessible=True, db_subnet_group_name=ref("aws_db_subnet_group.mixed")),
        ),
    )
    (node,) = of(network, "aws_db_instance.db")
    assert (node.address, node.subnets) == ("aws_db_instance.db", (PUB_A, APP))
    assert node.unknowns == (
        "aws_db_instance.db sits in one subnet of aws_db_subnet_group.mixed, "
        "chosen by AWS at apply",
    )
    assert summary(exposures(network)) == [
        ("aws_db_instance.db", "tcp", ((5432, 5432),), ("0.0.0.0/0",), "possible", "critical")
    ]


def test_explicit_availability_zone_picks_the_subnet() -> None:
    network = network_of(
        DB_OPEN,
        res("aws_db_subnet_group.mixed", subnet_group("mixed", PUB_B, APP)),
        res(
            "aws_db_instance.db",
            rds(
                publicly_accessible=True,
                db_subnet_group_name="mixed",
                availability_zone="eu-west-1b",
            ),
        ),
    )
    (node,) = of(network, "aws_db_instance.db")
    assert (node.address, node.unknowns) == (f"aws_db_instance.db@{PUB_B}", ())


def test_private_rds_and_default_group() -> None:
    network = network_of(
        res("aws_db_subnet_group.pub", subnet_group("pub", PUB_A)),
        res("aws_db_instance.db", {"engine": "mysql", "db_subnet_group_name": "pub"}),
    )
    (node,) = of(network, "aws_db_instance.db")
    assert (node.public_ipv4, node.security_groups) == (
        False,
        ("aws_vpc.main:default_security_group",),
    )
    assert node.listeners[0].from_port == 3306
    assert exposures(network) == []


@pytest.mark.parametrize(
    ("engine", "port"),
    [
        ("aurora-postgresql", 5432),
        ("aurora-mysql", 3306),
        ("mariadb", 3306),
        ("oracle-ee", 1521),
        ("sqlserver-se", 1433),
        ("db2-se", 50000),
    ],
)
def test_engine_default_ports(engine: str, port: int) -> None:
    network = network_of(
        res("aws_db_subnet_group.pub", subnet_group("pub", PUB_A)),
        res("aws_db_instance.db", {"engine": engine, "db_subnet_group_name": "pub"}),
    )
    (node,) = of(network, "aws_db_instance.db")
    assert node.listeners[0].from_port == port


def test_aurora_instance_takes_groups_and_port_from_its_cluster() -> None:
    network = network_of(
        DB_OPEN,
        res("aws_db_subnet_group.pub", subnet_group("pub", PUB_A)),
        res(
            "aws_rds_cluster.main",
            {
                "cluster_identifier": "main",
                "engine": "aurora-postgresql",
                "db_subnet_group_name": "pub",
                "vpc_security_group_ids": [ref(DB)],
            },
        ),
        res(
            "aws_rds_cluster_instance.one",
            {"cluster_identifier": "main", "publicly_accessible": True},
        ),
    )
    (node,) = of(network, "aws_rds_cluster_instance.one")
    assert (node.subnets, node.security_groups, node.public_ipv4) == ((PUB_A,), (DB,), True)
    assert node.listeners[0].from_port == 5432
    assert summary(exposures(network)) == [
        (
            "aws_rds_cluster_instance.one",
            "tcp",
            ((5432, 5432),),
            ("0.0.0.0/0",),
            "definite",
            "critical",
        )
    ]


@pytest.mark.parametrize(
    ("version", "public", "has_note"),
    [("~> 5.0", True, False), (">= 6.0", False, False), (">= 5.0", None, True), (None, None, True)],
)
def test_redshift_publicly_accessible_default_depends_on_provider_version(
    version: str | None, public: bool | None, has_note: bool
) -> None:
    from tfvpc.aws import build_network

    resources = [
        *base(),
        res("aws_redshift_subnet_group.dw", subnet_group("dw", PUB_A)),
        res("aws_redshift_cluster.dw", {"cluster_subnet_group_name": "dw"}),
    ]
    network = build_network(resources, aws_provider_version=version)
    (node,) = of(network, "aws_redshift_cluster.dw")
    assert node.public_ipv4 is public
    assert node.listeners[0].from_port == 5439
    assert any("provider version" in u for u in node.unknowns) is has_note


def test_dms_defaults_to_private_and_elasticache_is_never_public() -> None:
    network = build(
        *base(),
        res(
            "aws_dms_replication_subnet_group.r",
            {"replication_subnet_group_id": "r", "subnet_ids": [ref(PUB_A)]},
        ),
        res("aws_dms_replication_instance.r", {"replication_subnet_group_id": "r"}),
        res("aws_elasticache_subnet_group.c", subnet_group("c", PUB_A, PUB_B)),
        res("aws_elasticache_cluster.c", {"subnet_group_name": "c"}),
    )
    (dms,) = of(network, "aws_dms_replication_instance.r")
    assert (dms.subnets, dms.public_ipv4) == ((PUB_A,), False)
    caches = of(network, "aws_elasticache_cluster.c")
    assert [(c.subnets, c.public_ipv4) for c in caches] == [((PUB_A,), False), ((PUB_B,), False)]


def test_database_without_subnet_group_is_in_the_default_vpc() -> None:
    network = network_of(res("aws_db_instance.db", {"engine": "postgres"}))
    (node,) = of(network, "aws_db_instance.db")
    assert node.subnets == ()
    assert node.unknowns[0].startswith("aws_db_instance.db has no db_subnet_group_name")
