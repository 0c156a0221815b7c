"""Topology pictures of one input: Graphviz DOT, Mermaid, SVG or a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import networkx as nx

from tfvpc.findings import Finding
from tfvpc.model import Network
from tfvpc.report import graph_svg, graph_text
from tfvpc.report.topology import topology

GraphFormat = Literal["dot", "mmd", "svg", "html"]

_RENDERERS: dict[GraphFormat, Callable[[nx.DiGraph], str]] = {
    "dot": graph_text.dot,
    "mmd": graph_text.mermaid,
    "svg": graph_svg.svg,
    "html": graph_svg.html,
}
GRAPH_FORMATS: tuple[GraphFormat, ...] = tuple(_RENDERERS)


def render(network: Network, findings: Sequence[Finding], fmt: GraphFormat) -> str:
    """Return the topology picture of `network`, exposures highlighted, in format `fmt`."""
    return _RENDERERS[fmt](topology(network, findings))
