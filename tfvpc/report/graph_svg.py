"""The topology graph drawn as SVG (columns by layer), alone or in a self-contained HTML page.

The drawing needs nothing at view time: no script, no font, no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import networkx as nx

from tfvpc.report.graph_text import HOT, HOT_FILL
from tfvpc.report.topology import INTERNET, LAYERS, Box, boxes, edges

_FONT_SIZE = 12
_CHAR_WIDTH = 7.3  # advance of a 12px monospace glyph, generous so that labels fit
_LINE_HEIGHT = 15
_PAD = 8
_COLUMN_GAP = 110
_ROW_GAP = 18
_MARGIN = 20


@dataclass(frozen=True)
class _Placed:
    """A node's rectangle in the drawing."""

    x: float
    y: float
    width: float
    height: float


def svg(graph: nx.DiGraph) -> str:
    """Return the graph as a standalone SVG document."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg_element(graph) + "\n"


def html(graph: nx.DiGraph) -> str:
    """Return a self-contained HTML page: the SVG drawing and the list of exposed attachments."""
    exposed = [(address, box) for address, box in boxes(graph).items() if box.exposed]
    rows = "".join(
        f"<tr><td>{escape(box.lines[0])}</td><td>{escape(line.removeprefix('EXPOSED '))}</td></tr>"
        for _address, box in exposed
        for line in box.lines
        if line.startswith("EXPOSED ")
    )
    table = (
        f"<table><tr><th>resource</th><th>exposed to the internet</th></tr>{rows}</table>"
        if rows
        else "<p>No attachment is reachable from the internet.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>tfvpc topology</title>\n<style>\n"
        "body{font-family:system-ui,sans-serif;margin:24px;color:#1f2328}\n"
        ".graph{overflow:auto;border:1px solid #d0d7de;padding:8px}\n"
        "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;"
        "text-align:left;font-family:monospace}\n"
        f".hot{{color:{HOT};font-weight:bold}}\n"
        "</style>\n</head>\n<body>\n<h1>tfvpc topology</h1>\n"
        f"<p>Columns: {escape(' → '.join(LAYERS))}. "
        f'<span class="hot">Red</span>: attachments the internet can reach and the path to them.'
        "</p>\n"
        f'<div class="graph">\n{_svg_element(graph)}\n</div>\n'
        f"<h2>Exposed</h2>\n{table}\n</body>\n</html>\n"
    )


def _svg_element(graph: nx.DiGraph) -> str:
    """Return the <svg> element of the drawing."""
    nodes = boxes(graph)
    placed = _layout(graph, nodes)
    width = max((p.x + p.width for p in placed.values()), default=0) + _MARGIN
    height = max((p.y + p.height for p in placed.values()), default=0) + _MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" '
        f'font-size="{_FONT_SIZE}">',
        "<title>tfvpc topology</title>",
    ]
    cold = [edge for edge in edges(graph) if not edge[3]]
    hot = [edge for edge in edges(graph) if edge[3]]
    for source, target, label, is_hot in cold + hot:
        parts.append(_edge(placed[source], placed[target], label, is_hot))
    for address, box in nodes.items():
        parts.append(_node(address, box, placed[address]))
    parts.append("</svg>")
    return "\n".join(parts)


def _layout(graph: nx.DiGraph, nodes: dict[str, Box]) -> dict[str, _Placed]:
    """Return each node's rectangle: one column per layer, rows ordered to limit crossings."""
    columns: list[list[str]] = [[] for _ in LAYERS]
    for address, box in nodes.items():
        columns[box.layer].append(address)
    rank: dict[str, float] = {}
    ordered: list[list[str]] = []
    for column in columns:
        if not column:
            continue
        # Barycentre heuristic: a node goes near the mean row of the nodes that lead to it.
        column = sorted(
            column, key=lambda node: (_barycentre(graph, node, rank), _vpc(nodes, node), node)
        )
        rank.update((node, float(row)) for row, node in enumerate(column))
        ordered.append(column)
    sizes = {node: _size(box) for node, box in nodes.items()}
    heights = [
        sum(sizes[n][1] for n in column) + _ROW_GAP * (len(column) - 1) for column in ordered
    ]
    tallest = max(heights, default=0)
    placed: dict[str, _Placed] = {}
    x = float(_MARGIN)
    for column, column_height in zip(ordered, heights, strict=True):
        column_width = max(sizes[node][0] for node in column)
        y = _MARGIN + (tallest - column_height) / 2
        for node in column:
            node_width, node_height = sizes[node]
            placed[node] = _Placed(x, y, node_width, node_height)
            y += node_height + _ROW_GAP
        x += column_width + _COLUMN_GAP
    return placed


def _barycentre(graph: nx.DiGraph, node: str, rank: dict[str, float]) -> float:
    """Return the mean row of `node`'s placed predecessors (unplaced ones sort last)."""
    rows = [rank[p] for p in graph.predecessors(node) if p in rank]
    return sum(rows) / len(rows) if rows else float("inf")


def _vpc(nodes: dict[str, Box], node: str) -> str:
    """Return the VPC of `node` for sorting ("" when it has none)."""
    return nodes[node].vpc or ""


def _size(box: Box) -> tuple[float, float]:
    """Return the width and height of a node's rectangle."""
    longest = max(len(line) for line in box.lines)
    return longest * _CHAR_WIDTH + 2 * _PAD, len(box.lines) * _LINE_HEIGHT + 2 * _PAD - 3


def _node(address: str, box: Box, at: _Placed) -> str:
    """Return the SVG group of one node: a rounded rectangle and its label lines."""
    fill, stroke, stroke_width = (HOT_FILL, HOT, 2) if box.exposed else ("#f6f8fa", "#57606a", 1)
    radius = at.height / 2 if address == INTERNET else 4
    lines = []
    for number, line in enumerate(box.lines):
        baseline = at.y + _PAD + _FONT_SIZE - 2 + number * _LINE_HEIGHT
        weight = ' font-weight="bold"' if number == 0 else ""
        colour = f' fill="{HOT}"' if line.startswith("EXPOSED ") else ""
        lines.append(
            f'<text x="{at.x + _PAD:.1f}" y="{baseline:.1f}"{weight}{colour}>{escape(line)}</text>'
        )
    return (
        f"<g><title>{escape(address)}</title>"
        f'<rect x="{at.x:.1f}" y="{at.y:.1f}" width="{at.width:.1f}" height="{at.height:.1f}" '
        f'rx="{radius:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>'
        + "".join(lines)
        + "</g>"
    )


def _edge(source: _Placed, target: _Placed, label: str, hot: bool) -> str:
    """Return the SVG curve from `source`'s right side to `target`'s left side, with its label."""
    x1, y1 = source.x + source.width, source.y + source.height / 2
    x2, y2 = target.x, target.y + target.height / 2
    bend = (x2 - x1) / 2
    colour, width = (HOT, 2.5) if hot else ("#8c959f", 1)
    curve = (
        f'<path d="M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} '
        f'{x2:.1f},{y2:.1f}" fill="none" stroke="{colour}" stroke-width="{width}"/>'
    )
    if not label:
        return curve
    return curve + (
        f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" font-size="10" '
        f'text-anchor="middle" fill="{colour}" stroke="#ffffff" stroke-width="3" '
        f'paint-order="stroke">{escape(label)}</text>'
    )
