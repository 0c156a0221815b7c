"""Topology pictures: the graph, and its DOT, Mermaid, SVG and HTML forms, exposures highlighted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tfvpc.findings import Hop, make_finding
from tfvpc.model import Attachment, Gateway, Network, Route, RouteTable, Subnet, Vpc
from tfvpc.report import graph, graph_svg, graph_text
from tfvpc.report.topology import INTERNET, boxes, edges, topology

VPC = "aws_vpc.main"
MAIN_RT = "aws_vpc.main:main_route_table"


def _network() -> Network:
    """A public subnet (0.0.0.0/0 -> igw) with a bastion, a private one (main table) with a db."""
    return Network(
        vpcs={
            VPC: Vpc(
                address=VPC,
                ipv4_cidrs=("10.0.0.0/16",),
                main_route_table=MAIN_RT,
                default_nacl="aws_vpc.main:default_nacl",
                default_security_group="aws_vpc.main:default_security_group",
            )
        },
        gateways={
            "aws_internet_gateway.igw": Gateway(
                address="aws_internet_gateway.igw", kind="igw", vpcs=(VPC,)
            )
        },
        route_tables={
            "aws_route_table.public": RouteTable(
                address="aws_route_table.public",
                vpc=VPC,
                routes=(
                    Route(destination="10.0.0.0/16", target_kind="local", origin=MAIN_RT),
                    Route(
                        destination="0.0.0.0/0",
                        target_kind="igw",
                        target="aws_internet_gateway.igw",
                        origin="aws_route_table.public",
                    ),
                ),
            ),
            MAIN_RT: RouteTable(address=MAIN_RT, vpc=VPC, is_main=True, implicit=True),
        },
        subnets={
            "aws_subnet.public": Subnet(
                address="aws_subnet.public",
                vpc=VPC,
                ipv4_cidr="10.0.1.0/24",
                route_tables=("aws_route_table.public",),
                nacls=("aws_vpc.main:default_nacl",),
            ),
            "aws_subnet.private": Subnet(
                address="aws_subnet.private",
                vpc=VPC,
                ipv4_cidr="10.0.2.0/24",
                route_tables=(MAIN_RT,),
            ),
        },
        attachments={
            "aws_instance.bastion": Attachment(
                address="aws_instance.bastion",
                kind="instance",
                resource="aws_instance.bastion",
                subnets=("aws_subnet.public",),
                security_groups=("aws_security_group.ssh",),
            ),
            'aws_db_instance.db["main"]': Attachment(
                address='aws_db_instance.db["main"]',
                kind="db_instance",
                resource='aws_db_instance.db["main"]',
                subnets=("aws_subnet.private",),
            ),
        },
    )


EXPOSURE = make_finding(
    "TFV101",
    resource="aws_instance.bastion",
    message="aws_instance.bastion accepts tcp 22 from the internet",
    related=("aws_security_group.ssh", "aws_subnet.public", "aws_route_table.public"),
    protocol="tcp",
    ports=((22, 22),),
    sources=("0.0.0.0/0",),
    path=(
        Hop(hop=INTERNET),
        Hop(hop="aws_internet_gateway.igw"),
        Hop(hop="aws_route_table.public", detail="0.0.0.0/0 -> aws_internet_gateway.igw"),
        Hop(hop="aws_instance.bastion"),
    ),
)
HOT_EDGES = {
    (INTERNET, "aws_internet_gateway.igw"),
    ("aws_internet_gateway.igw", "aws_route_table.public"),
    ("aws_route_table.public", "aws_subnet.public"),
    ("aws_subnet.public", "aws_instance.bastion"),
}


def test_topology_links_internet_gateways_tables_subnets_and_attachments() -> None:
    picture = topology(_network(), [EXPOSURE])
    found = {(source, target): (label, hot) for source, target, label, hot in edges(picture)}
    assert set(found) == HOT_EDGES | {
        (MAIN_RT, "aws_subnet.private"),
        ("aws_subnet.private", 'aws_db_instance.db["main"]'),
    }
    assert found["aws_internet_gateway.igw", "aws_route_table.public"] == ("0.0.0.0/0", True)
    assert {edge for edge, (_label, hot) in found.items() if hot} == HOT_EDGES
    nodes = boxes(picture)
    assert [address for address, box in nodes.items() if box.exposed] == ["aws_instance.bastion"]
    assert nodes["aws_instance.bastion"].lines[-1] == "EXPOSED tcp 22 from 0.0.0.0/0"
    assert nodes["aws_subnet.public"].layer == 3
    assert nodes["aws_subnet.public"].lines[1:] == ("10.0.1.0/24", "nacl aws_vpc.main:default_nacl")


def test_without_findings_nothing_is_highlighted() -> None:
    picture = topology(_network(), [])
    assert not any(box.exposed for box in boxes(picture).values())
    assert not any(hot for *_rest, hot in edges(picture))


def test_dot_clusters_the_vpc_and_colours_the_exposure() -> None:
    output = graph.render(_network(), [EXPOSURE], "dot")
    assert output.startswith("digraph tfvpc {\n  rankdir=LR;")
    assert '    label="aws_vpc.main";' in output
    assert (
        '"aws_instance.bastion" [label="aws_instance.bastion\\ninstance\\nsg aws_security_group.ssh'
        '\\nEXPOSED tcp 22 from 0.0.0.0/0", style=filled, fillcolor="#fde2e2", color="#c00000", '
        "penwidth=2];"
    ) in output
    assert (
        '"aws_internet_gateway.igw" -> "aws_route_table.public" '
        '[label="0.0.0.0/0", color="#c00000", penwidth=2];'
    ) in output
    assert '"aws_vpc.main:main_route_table" -> "aws_subnet.private";' in output
    # Quotes inside addresses are escaped.
    assert '"aws_db_instance.db[\\"main\\"]"' in output
    assert output.count("{") == output.count("}")


def test_mermaid_styles_exactly_the_hot_links() -> None:
    output = graph.render(_network(), [EXPOSURE], "mmd")
    lines = output.splitlines()
    assert lines[0] == "flowchart LR"
    links = [line.strip() for line in lines if "-->" in line]
    hot_numbers = re.search(r"linkStyle ([\d,]+) ", output)
    assert hot_numbers is not None
    hot = {links[int(n)] for n in hot_numbers.group(1).split(",")}
    assert len(hot) == len(HOT_EDGES) == 4
    ids = dict(re.findall(r"(n\d+)[\[(]+\"([^\"<]+)", output))
    named = {(ids[a], ids[b]) for a, b in (re.findall(r"(n\d+)", link) for link in hot)}
    assert named == HOT_EDGES
    exposed = re.search(r"class (\S+) exposed", output)
    assert exposed is not None and ids[exposed.group(1)] == "aws_instance.bastion"
    assert "aws_db_instance.db[#quot;main#quot;]" in output


def test_svg_is_well_formed_with_one_box_per_node() -> None:
    output = graph.render(_network(), [EXPOSURE], "svg")
    root = ET.fromstring(output.encode())
    namespace = "{http://www.w3.org/2000/svg}"
    rects = root.findall(f"{namespace}g/{namespace}rect")
    assert len(rects) == 8  # internet, igw, 2 route tables, 2 subnets, 2 attachments
    exposed = [rect for rect in rects if rect.get("fill") == graph_text.HOT_FILL]
    assert len(exposed) == 1
    hot_paths = [p for p in root.findall(f"{namespace}path") if p.get("stroke") == graph_text.HOT]
    assert len(hot_paths) == 4


def test_svg_columns_follow_the_layers() -> None:
    output = graph_svg.svg(topology(_network(), [EXPOSURE]))
    root = ET.fromstring(output.encode())
    namespace = "{http://www.w3.org/2000/svg}"
    x_of = {
        group.findtext(f"{namespace}title"): float(group.find(f"{namespace}rect").get("x"))  # type: ignore[union-attr, arg-type]
        for group in root.findall(f"{namespace}g")
    }
    assert x_of[INTERNET] < x_of["aws_internet_gateway.igw"] < x_of["aws_route_table.public"]
    assert x_of["aws_route_table.public"] == x_of[MAIN_RT]
    assert x_of["aws_route_table.public"] < x_of["aws_subnet.public"] < x_of["aws_instance.bastion"]


def test_html_is_self_contained() -> None:
    output = graph.render(_network(), [EXPOSURE], "html")
    assert output.startswith("<!DOCTYPE html>")
    assert "<svg" in output and "</svg>" in output
    assert "<script" not in output
    assert not re.search(r"\b(src|href)=", output)
    assert "<td>aws_instance.bastion</td><td>tcp 22 from 0.0.0.0/0</td>" in output


def test_html_says_when_nothing_is_exposed() -> None:
    output = graph.render(_network(), [], "html")
    assert "No attachment is reachable from the internet." in output


@pytest.mark.parametrize("fmt", graph.GRAPH_FORMATS)
def test_an_empty_network_still_draws(fmt: graph.GraphFormat) -> None:
    assert graph.render(Network(), [], fmt)
