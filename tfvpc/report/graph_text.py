"""The topology graph as text for other tools: Graphviz DOT and Mermaid flowcharts."""

from __future__ import annotations

import networkx as nx

from tfvpc.report.topology import INTERNET, Box, boxes, edges

HOT = "#c00000"
HOT_FILL = "#fde2e2"
_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}


def dot(graph: nx.DiGraph) -> str:
    """Return the graph as Graphviz DOT (left to right, one cluster per VPC)."""
    nodes = boxes(graph)
    lines = [
        "digraph tfvpc {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="monospace", fontsize=10];',
        '  edge [fontname="monospace", fontsize=9];',
    ]
    for number, (vpc, members) in enumerate(_clusters(nodes).items()):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f"    label={_dot_string(vpc)};")
        lines += [f"    {_dot_node(address, nodes[address])}" for address in members]
        lines.append("  }")
    lines += [f"  {_dot_node(address, box)}" for address, box in nodes.items() if box.vpc is None]
    for source, target, label, hot in edges(graph):
        attributes = [f"label={_dot_string(label)}"] if label else []
        if hot:
            attributes += [f'color="{HOT}"', "penwidth=2"]
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_dot_string(source)} -> {_dot_string(target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid(graph: nx.DiGraph) -> str:
    """Return the graph as a Mermaid flowchart (left to right, one subgraph per VPC)."""
    nodes = boxes(graph)
    ids = {address: f"n{number}" for number, address in enumerate(nodes)}
    lines = ["flowchart LR"]
    for number, (vpc, members) in enumerate(_clusters(nodes).items()):
        lines.append(f"  subgraph v{number}[{_mermaid_string(vpc)}]")
        lines += [f"    {_mermaid_node(ids[node], node, nodes[node])}" for node in members]
        lines.append("  end")
    lines += [
        f"  {_mermaid_node(ids[address], address, box)}"
        for address, box in nodes.items()
        if box.vpc is None
    ]
    hot_links: list[str] = []
    for number, (source, target, label, hot) in enumerate(edges(graph)):
        arrow = f"-->|{_mermaid_string(label)}|" if label else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
        if hot:
            hot_links.append(str(number))
    lines.append(f"  classDef exposed fill:{HOT_FILL},stroke:{HOT},stroke-width:2px")
    exposed = [ids[address] for address, box in nodes.items() if box.exposed]
    if exposed:
        lines.append(f"  class {','.join(exposed)} exposed")
    if hot_links:
        lines.append(f"  linkStyle {','.join(hot_links)} stroke:{HOT},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _clusters(nodes: dict[str, Box]) -> dict[str, list[str]]:
    """Return the node addresses of each VPC, VPCs in order of first appearance."""
    clusters: dict[str, list[str]] = {}
    for address, box in nodes.items():
        if box.vpc is not None:
            clusters.setdefault(box.vpc, []).append(address)
    return clusters


def _dot_node(address: str, box: Box) -> str:
    """Return the DOT statement of one node."""
    attributes = [f"label={_dot_string(chr(10).join(box.lines))}"]
    if address == INTERNET:
        attributes.append("shape=ellipse")
    if box.exposed:
        attributes += ["style=filled", f'fillcolor="{HOT_FILL}"', f'color="{HOT}"', "penwidth=2"]
    return f"{_dot_string(address)} [{', '.join(attributes)}];"


def _dot_string(text: str) -> str:
    """Return `text` as a quoted DOT string (newlines as centred line breaks)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _mermaid_node(node_id: str, address: str, box: Box) -> str:
    """Return the Mermaid statement of one node (a circle for the internet)."""
    label = _mermaid_string("<br/>".join(_mermaid_escape(line) for line in box.lines), raw=True)
    return f"{node_id}(({label}))" if address == INTERNET else f"{node_id}[{label}]"


def _mermaid_escape(text: str) -> str:
    """Return `text` with the characters Mermaid labels treat specially as entity codes."""
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in text)


def _mermaid_string(text: str, *, raw: bool = False) -> str:
    """Return `text` as a quoted Mermaid label; `raw` means it is escaped already."""
    return f'"{text if raw else _mermaid_escape(text)}"'
