"""Static SVG charts for printed reports: pure functions from labels and counts to SVG text.

No script and no external resource: the SVG is inlined in the HTML and prints as it shows. Every piece of
text is escaped, since labels (industries, chamber names) come from content. Each bar is a
`<rect class="bar" data-value="…">`, one per data point (zero included), so that a reader of the SVG can
count the bars and check their values.
"""

from __future__ import annotations

import logging
from html import escape

log = logging.getLogger(__name__)

FONT = "PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, sans-serif"
BAR = "#3f6fb5"
LINE = "#c0392b"
INK = "#1f2328"
MUTED = "#57606a"
RULE = "#d0d7de"


def _text(
    x: float, y: float, text: str, *, size: float = 11, anchor: str = "middle", fill: str = INK, cls: str = ""
) -> str:
    css = f' class="{cls}"' if cls else ""
    return (
        f'<text{css} x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def column_chart(
    labels: list[str],
    values: list[int],
    *,
    title: str,
    unit: str = "",
    line: list[int] | None = None,
    line_name: str = "",
    bar_name: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """Vertical bars, one per label; `line` (e.g. a cumulative total) is drawn on its own right-hand scale."""
    if len(labels) != len(values) or (line is not None and len(line) != len(values)):
        raise ValueError("labels, values and line must have the same length")
    left, right, top, bottom = 36, 44 if line is not None else 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    body = [f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{RULE}"/>']
    if bar_name or line_name:
        body.append(_legend(left, 14, bar_name, line_name if line is not None else ""))
    if not values:
        body.append(_text(width / 2, top + plot_h / 2, "暂无数据", fill=MUTED, size=13))
        return _svg(width, height, title, body)
    top_value = max(max(values), 1)
    slot = plot_w / len(values)
    bar_w = max(2.0, slot * 0.6)
    step = max(1, round(len(labels) / 16))  # keep axis labels from overlapping on long ranges
    for index, (label, value) in enumerate(zip(labels, values)):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * value / top_value
        body.append(
            f'<rect class="bar" data-value="{value}" x="{x:.1f}" y="{base - h:.1f}" '
            f'width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}：{value}{escape(unit)}</title></rect>"
        )
        if value:
            body.append(_text(x + bar_w / 2, base - h - 3, str(value), size=10, cls="value"))
        if index % step == 0 or index == len(labels) - 1:
            body.append(_text(x + bar_w / 2, base + 14, _short(label, 8), size=10, fill=MUTED))
    if line is not None:
        line_top = max(max(line), 1)
        points = [(left + slot * i + slot / 2, base - plot_h * v / line_top) for i, v in enumerate(line)]
        body.append(
            f'<polyline class="line" fill="none" stroke="{LINE}" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + '"/>'
        )
        for (x, y), value, label in zip(points, line, labels):
            body.append(
                f'<circle class="point" data-value="{value}" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                f'fill="{LINE}"><title>{escape(label)}：{escape(line_name)} {value}{escape(unit)}'
                f"</title></circle>"
            )
        body.append(_text(left + plot_w + 4, top + 4, str(line[-1]), size=10, anchor="start", fill=LINE))
    return _svg(width, height, title, body)


def _legend(x: float, y: float, bar_name: str, line_name: str) -> str:
    parts = []
    if bar_name:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{BAR}"/>')
        parts.append(_text(x + 14, y, bar_name, size=11, anchor="start"))
        x += 24 + 12 * len(bar_name)
    if line_name:
        parts.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 14}" y2="{y - 4}" stroke="{LINE}" stroke-width="2"/>')
        parts.append(_text(x + 18, y, line_name, size=11, anchor="start"))
    return "".join(parts)


def bar_chart(
    labels: list[str], values: list[int], *, title: str, unit: str = "", width: int = 640, row: int = 22
) -> str:
    """Horizontal bars, one row per label, in the order given (e.g. an industry distribution)."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    left, right, top = 130, 50, 8
    height = top * 2 + max(1, len(values)) * row
    plot_w = width - left - right
    body: list[str] = []
    if not values:
        body.append(_text(width / 2, height / 2 + 4, "暂无数据", fill=MUTED, size=13))
        return _svg(width, height, title, body)
    top_value = max(max(values), 1)
    for index, (label, value) in enumerate(zip(labels, values)):
        y = top + index * row
        w = plot_w * value / top_value
        body.append(_text(left - 6, y + row * 0.68, _short(label, 10), size=11, anchor="end"))
        body.append(
            f'<rect class="bar" data-value="{value}" x="{left}" y="{y + 3:.1f}" width="{w:.1f}" '
            f'height="{row - 6:.1f}" fill="{BAR}"><title>{escape(label)}：{value}{escape(unit)}</title></rect>'
        )
        body.append(_text(left + w + 4, y + row * 0.68, f"{value}", size=10, anchor="start", cls="value"))
    return _svg(width, height, title, body)
