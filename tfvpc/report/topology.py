"""The topology graph: internet -> gateways -> route tables -> subnets -> attachments.

`topology` turns a Network and its findings into a networkx graph whose nodes carry a `Box`
(label lines, layer, VPC, exposed) and whose edges carry a label and a `hot` flag (on the path
of an internet exposure). The picture formats read it through `boxes` and `edges`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from tfvpc.findings import Finding
from tfvpc.model import Attachment, Network
from tfvpc.report.common import traffic_text

INTERNET = "internet"
EXPOSURE_RULE = "TFV101"
LAYERS = ("internet", "gateways", "route tables", "subnets", "attachments")
_INTERNET_GATEWAYS = ("igw", "eigw")


@dataclass(frozen=True)
class Box:
    """What a node shows: label lines, column (index in LAYERS), VPC cluster, exposure."""

    lines: tuple[str, ...]
    layer: int
    vpc: str | None = None
    exposed: bool = False


def topology(network: Network, findings: Sequence[Finding]) -> nx.DiGraph:
    """Return the graph of `network`, with exposures (TFV101 findings) marked on it."""
    exposures = [finding for finding in findings if finding.rule_id == EXPOSURE_RULE]
    graph = nx.DiGraph()
    if any(gateway.kind in _INTERNET_GATEWAYS for gateway in network.gateways.values()):
        graph.add_node(INTERNET, box=Box(lines=("internet",), layer=0))
    for address, gateway in network.gateways.items():
        vpc = gateway.vpcs[0] if len(gateway.vpcs) == 1 else None
        graph.add_node(address, box=Box(lines=(address, gateway.kind), layer=1, vpc=vpc))
        if gateway.kind in _INTERNET_GATEWAYS:
            graph.add_edge(INTERNET, address, label="")
    for address, table in network.route_tables.items():
        kind = "main route table" if table.is_main else "route table"
        graph.add_node(address, box=Box(lines=(address, kind), layer=2, vpc=table.vpc))
        for route in table.routes:
            if route.target in network.gateways:
                destination = route.destination or route.prefix_list or "?"
                _add_labelled_edge(graph, route.target, address, destination)
    for address, subnet in network.subnets.items():
        detail = " ".join(c for c in (subnet.ipv4_cidr, subnet.ipv6_cidr) if c) or "cidr unknown"
        lines = [address, detail]
        lines += [f"nacl {nacl}" for nacl in subnet.nacls]
        graph.add_node(address, box=Box(lines=tuple(lines), layer=3, vpc=subnet.vpc))
        for table_address in subnet.route_tables:
            if table_address in network.route_tables:
                graph.add_edge(table_address, address, label="")
    exposures_of: dict[str, list[Finding]] = {}
    for finding in exposures:
        exposures_of.setdefault(finding.resource, []).append(finding)
    for address, attachment in network.attachments.items():
        found = exposures_of.get(attachment.resource, [])
        graph.add_node(address, box=_attachment_box(attachment, found))
        for subnet_address in attachment.subnets:
            if subnet_address in network.subnets:
                graph.add_edge(subnet_address, address, label="")
    _mark_exposure_paths(graph, network, exposures)
    return graph


def _attachment_box(attachment: Attachment, exposures: Sequence[Finding]) -> Box:
    """Return the box of an attachment: resource, kind, security groups, what is exposed."""
    lines = [attachment.resource, attachment.kind]
    if attachment.security_groups:
        lines.append("sg " + ", ".join(attachment.security_groups))
    lines += [f"EXPOSED {traffic_text(finding, source_limit=1)}" for finding in exposures]
    return Box(lines=tuple(lines), layer=4, exposed=bool(exposures))


def _add_labelled_edge(graph: nx.DiGraph, source: str, target: str, label: str) -> None:
    """Add an edge, joining labels when several routes give the same edge."""
    if graph.has_edge(source, target):
        known: str = graph.edges[source, target]["label"]
        label = f"{known}, {label}"
    graph.add_edge(source, target, label=label)


def _mark_exposure_paths(graph: nx.DiGraph, network: Network, exposures: Sequence[Finding]) -> None:
    """Set `hot` on every edge whose two ends lie on the path of one exposure."""
    for _source, _target, data in graph.edges(data=True):
        data["hot"] = False
    attachments_of: dict[str, list[str]] = {}
    for address, attachment in network.attachments.items():
        attachments_of.setdefault(attachment.resource, []).append(address)
    for finding in exposures:
        on_path = {INTERNET, finding.resource, *finding.related}
        on_path.update(hop.hop for hop in finding.path)
        on_path.update(attachments_of.get(finding.resource, ()))
        for source, target in graph.subgraph(on_path & set(graph.nodes)).edges:
            graph.edges[source, target]["hot"] = True


def boxes(graph: nx.DiGraph) -> dict[str, Box]:
    """Return the Box of every node, in insertion order."""
    return {node: data["box"] for node, data in graph.nodes(data=True)}


def edges(graph: nx.DiGraph) -> list[tuple[str, str, str, bool]]:
    """Return every edge as (source, target, label, hot)."""
    return [
        (source, target, data["label"], data["hot"])
        for source, target, data in graph.edges(data=True)
    ]
