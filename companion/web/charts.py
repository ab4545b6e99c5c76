"""Charts as inline SVG, rendered on the server: grouped bars and a heatmap, readable at a glance, no scripts."""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#0b5cad", "#e08a00", "#1e6b35", "#a11d2b")


@dataclass(frozen=True)
class Series:
    """One named row of values of a bar chart."""

    label: str
    values: Sequence[float | None]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, width: int = 640, height: int = 260
) -> Markup:
    """Grouped bars, one group per category, with a legend, axis labels and the values as tooltips."""
    left, right, top, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values if v is not None), default=0))
    group_w = plot_w / max(len(categories), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{_id(title)}-t" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d5dbe3"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#55606e">{_fmt(peak * fraction)}</text>'
        )
    for c, category in enumerate(categories):
        x0 = left + c * group_w + group_w * 0.1
        for s, one in enumerate(series):
            value = one.values[c] if c < len(one.values) else 0
            x = x0 + s * bar_w
            if value is None:
                # A hidden figure (e.g. too few people for the report) is marked, never drawn as zero.
                parts.append(
                    f'<text x="{x + bar_w * 0.45:.1f}" y="{top + plot_h - 3:.1f}" font-size="10" '
                    'text-anchor="middle" fill="#55606e">–</text>'
                )
                continue
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(one.label)}, {escape(category)}: {_fmt(value)}</title></rect>"
            )
        if len(categories) <= 16 or c % 2 == 0:
            parts.append(
                f'<text x="{left + c * group_w + group_w / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle" fill="#1d2430">{escape(category)}</text>'
            )
    x = left
    for s, one in enumerate(series):
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12" fill="#1d2430">{escape(one.label)}</text>')
        # Room for the label at about 7 px per character, so long German labels do not overlap.
        x += max(170, 16 + 7 * len(one.label) + 20)
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(title: str, labels: Sequence[str], matrix: Sequence[Sequence[float | None]], *, cell: int = 34) -> Markup:
    """A square heatmap: darker cells mean more interactions between the row's and the column's organisation.

    A cell of None is a hidden figure: drawn grey with a dash.
    """
    n = len(labels)
    left, top = 150, 130
    # Column labels are rotated by 50 degrees and reach right of their column; leave room for the longest,
    # or the last organisation's name is cut off at the edge (about 6.5 px per character at font size 11).
    longest = max((min(len(label), 22) for label in labels), default=0)
    overhang = math.ceil(longest * 6.5 * math.cos(math.radians(50)))
    width, height = left + n * cell + max(10, overhang + 4), top + n * cell + 10
    peak = max((v for row in matrix for v in row if v is not None), default=0) or 1
    parts = [
        # A natural width: a heatmap of few organisations stays small instead of filling the page.
        f'<svg class="chart" width="{width}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{_id(title)}-t" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_id(title)}-t">{escape(title)}</title>',
    ]
    for i, label in enumerate(labels):
        short = escape(label if len(label) <= 22 else label[:21] + "…")
        parts.append(
            f'<text x="{left - 6}" y="{top + i * cell + cell / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#1d2430">{short}</text>'
        )
        cx = left + i * cell + cell / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top - 6}" font-size="11" fill="#1d2430" '
            f'transform="rotate(-50 {cx:.1f} {top - 6})">{short}</text>'
        )
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value is None:
                x, y = left + j * cell, top + i * cell
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="#c9ced6">'
                    f"<title>{escape(labels[i])} – {escape(labels[j])}: –</title></rect>"
                    f'<text x="{x + (cell - 2) / 2:.1f}" y="{y + cell / 2 + 3:.1f}" font-size="10" '
                    'text-anchor="middle" fill="#1d2430">–</text>'
                )
                continue
            share = value / peak
            fill = _blend(share)
            ink = "#ffffff" if share > 0.55 else "#1d2430"
            x, y = left + j * cell, top + i * cell
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>{escape(labels[i])} – {escape(labels[j])}: {_fmt(value)}</title></rect>"
            )
            if value:
                parts.append(
                    f'<text x="{x + (cell - 2) / 2:.1f}" y="{y + cell / 2 + 3:.1f}" font-size="10" '
                    f'text-anchor="middle" fill="{ink}">{_fmt(value)}</text>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))


def _blend(share: float) -> str:
    # From near-white to the accent blue; sqrt so small counts stay visible next to a dominant pair.
    share = max(0.0, min(1.0, share)) ** 0.5
    low, high = (243, 246, 249), (11, 92, 173)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _id(title: str) -> str:
    return "c" + str(zlib.crc32(title.encode("utf-8")))
