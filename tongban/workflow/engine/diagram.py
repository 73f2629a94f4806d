"""The process drawn as SVG from the file's own BPMNDI layout, with its progress marked.

Server-rendered, no script: every element is drawn from its shape's bounds and every sequence
flow from its waypoints; done elements are green, active ones blue and bold, pending ones
grey. All text from the file is escaped.
"""

from __future__ import annotations

from django.utils.html import escape

from tongban.workflow.engine.definitions import Layout

PADDING = 20
STYLE = (
    "text{font:12px sans-serif;fill:#1b1b1b}"
    ".pool,.lane{fill:none;stroke:#8a8a8a}"
    ".node{fill:#fff;stroke:#6b6b6b;stroke-width:1.5}"
    ".done .node{fill:#e6f4ea;stroke:#1e7b34}"
    ".active .node{fill:#e8f0fe;stroke:#1a56c4;stroke-width:3}"
    ".flow{fill:none;stroke:#6b6b6b;stroke-width:1.5;marker-end:url(#arrow)}"
    ".flow.done{stroke:#1e7b34}"
)
LABELS = {"done": "done", "active": "active", "pending": "pending"}


def _text(x: float, y: float, value: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(value[:60])}</text>'


def _shape(kind: str, x: float, y: float, width: float, height: float) -> str:
    cx, cy = x + width / 2, y + height / 2
    base = kind.split(":")[0]
    if base.endswith("Event"):
        radius = min(width, height) / 2
        extra = ' stroke-width="3"' if base == "endEvent" else ""
        inner = (
            f'<circle class="node" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius - 4:.1f}"/>'
            if kind.endswith(":timer")
            else ""
        )
        return f'<circle class="node" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}"{extra}/>{inner}'
    if base.endswith("Gateway"):
        points = (
            f"{cx:.1f},{y:.1f} {x + width:.1f},{cy:.1f} {cx:.1f},{y + height:.1f} {x:.1f},{cy:.1f}"
        )
        marker = {"parallelGateway": "+", "exclusiveGateway": "×", "inclusiveGateway": "○"}.get(
            base, ""
        )
        return f'<polygon class="node" points="{points}"/>' + _text(cx, cy + 5, marker)
    return (
        f'<rect class="node" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
        f'height="{height:.1f}" rx="10"/>'
    )


def diagram_svg(layout: Layout, states: dict[str, str], *, title: str) -> str:
    """The SVG document; ``states`` maps element ids to ``done`` or ``active``."""
    xs = [x for x, _, w, _ in layout.shapes.values()] + [
        x for points in layout.edges.values() for x, _ in points
    ]
    ys = [y for _, y, _, h in layout.shapes.values()] + [
        y for points in layout.edges.values() for _, y in points
    ]
    right = max([x + w for x, _, w, _ in layout.shapes.values()] + xs or [0.0])
    bottom = max([y + h for _, y, _, h in layout.shapes.values()] + ys or [0.0])
    left, top = (min(xs) if xs else 0.0) - PADDING, (min(ys) if ys else 0.0) - PADDING
    width, height = right - left + PADDING, bottom - top + PADDING
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {top:.1f} '
        f'{width:.1f} {height:.1f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-labelledby="diagram-title">',
        f'<title id="diagram-title">{escape(title)}</title>',
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="#6b6b6b"/></marker></defs>',
    ]
    containers = [
        (element_id, bounds)
        for element_id, bounds in layout.shapes.items()
        if layout.kinds.get(element_id) in {"participant", "lane"}
    ]
    for element_id, (x, y, w, h) in containers:
        kind = layout.kinds[element_id]
        parts.append(
            f'<g class="{kind}"><rect class="{"pool" if kind == "participant" else "lane"}" '
            f'x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"/>'
            f'<text x="{x + 14:.1f}" y="{y + h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 {x + 14:.1f} {y + h / 2:.1f})">'
            f"{escape(layout.names.get(element_id, '')[:60])}</text></g>"
        )
    for element_id, points in layout.edges.items():
        if len(points) < 2:
            continue
        state = "done" if states.get(element_id) == "done" else "pending"
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="flow {state}" points="{path}"/>')
        name = layout.names.get(element_id, "")
        if name:
            (x1, y1), (x2, y2) = points[0], points[1]
            parts.append(_text((x1 + x2) / 2 + 4, (y1 + y2) / 2 - 6, name, "start"))
    for element_id, (x, y, w, h) in layout.shapes.items():
        kind = layout.kinds.get(element_id, "")
        if kind in {"participant", "lane", ""}:
            continue
        state = states.get(element_id, "pending")
        name = layout.names.get(element_id, "")
        label = (
            _text(x + w / 2, y + h / 2 + 4, name)
            if kind.endswith("Task") or kind == "task"
            else _text(x + w / 2, y + h + 14, name)
        )
        parts.append(
            f'<g class="{state}" data-element="{escape(element_id)}" '
            f'data-state="{LABELS[state]}"><title>{escape(name or element_id)} '
            f"({LABELS[state]})</title>{_shape(kind, x, y, w, h)}{label}</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
