"""The resource catalogue: docs/resources.md is generated from it, and relevant types that are not
modelled are named; plus the provider-version reading that version-dependent defaults use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfvpc.aws.catalogue import (
    RELEVANT_UNMODELLED,
    SUPPORTED_TYPES,
    relevant_unmodelled,
    render_markdown_table,
)
from tfvpc.aws.provider import default_by_major, major_range

DOC = Path(__file__).resolve().parent.parent / "docs" / "resources.md"


def test_docs_resources_md_is_up_to_date() -> None:
    assert DOC.read_text() == render_markdown_table(), (
        "docs/resources.md is stale: regenerate it with the command at its top"
    )


def test_table_lists_every_supported_and_relevant_type_once() -> None:
    text = render_markdown_table()
    for name in [*SUPPORTED_TYPES, *RELEVANT_UNMODELLED]:
        assert text.count(f"| `{name}` |") == 1, name


def test_service_types_are_supported() -> None:
    services = {
        "aws_lb",
        "aws_lb_listener",
        "aws_lb_listener_rule",
        "aws_lb_target_group",
        "aws_lb_target_group_attachment",
        "aws_elb",
        "aws_autoscaling_group",
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_db_instance",
        "aws_rds_cluster_instance",
        "aws_redshift_cluster",
        "aws_dms_replication_instance",
        "aws_elasticache_cluster",
        "aws_eks_cluster",
        "aws_ecs_service",
        "aws_lambda_function",
        "aws_opensearch_domain",
        "aws_ec2_transit_gateway_route",
        "aws_vpn_connection",
    }
    assert services <= set(SUPPORTED_TYPES)
    assert not set(SUPPORTED_TYPES) & set(RELEVANT_UNMODELLED)


def test_relevant_unmodelled_types_are_matched_by_pattern() -> None:
    present = [
        "aws_networkfirewall_firewall",
        "aws_cloudfront_distribution",
        "aws_s3_bucket",
        "aws_lb",
        "aws_mq_broker",
    ]
    assert relevant_unmodelled(present) == {
        "aws_cloudfront_distribution": RELEVANT_UNMODELLED["aws_cloudfront_*"],
        "aws_mq_broker": RELEVANT_UNMODELLED["aws_mq_broker"],
        "aws_networkfirewall_firewall": RELEVANT_UNMODELLED["aws_networkfirewall_*"],
    }


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("~> 5.0", (5, 5)),
        ("~> 5.31.2", (5, 5)),
        ("~> 5", (5, 10_000)),
        (">= 4.0, < 6.0", (4, 5)),
        (">= 4.0, < 6.1", (4, 6)),
        ("5.31.0", (5, 5)),
        ("= 6.0.0-beta2", (6, 6)),
        ("> 5.9", (5, 10_000)),
        ("<= 5.99", (0, 5)),
        ("latest", None),
        (None, None),
        (">= 6, < 5", None),
    ],
)
def test_major_range(constraint: str | None, expected: tuple[int, int] | None) -> None:
    assert major_range(constraint) == expected


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [("~> 5.0", True), ("~> 4.67", True), (">= 6.0", False), (">= 5.0", None), (None, None)],
)
def test_default_by_major(constraint: str | None, expected: bool | None) -> None:
    assert default_by_major(constraint, 5) is expected
