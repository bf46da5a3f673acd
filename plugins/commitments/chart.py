"""The booklet's chart as an SVG drawn here (no JavaScript, no external service): one stacked
bar per theme, a segment per status, with a text alternative that says every figure.

Colours are SVG attributes (the pages' Content-Security-Policy drops inline styles); each
segment is also labelled in its title, and the same figures are in a table beside the chart."""

from __future__ import annotations

from collections import Counter
from xml.sax.saxutils import escape

from plugins.commitments.statuses import COLOURS, STATUSES

ROW = 34
LABEL = 220
WIDTH = 760
BAR = WIDTH - LABEL - 60


def stacked(
    themes: list[tuple[str, Counter[str]]], names: dict[str, str], title: str, summary: str
) -> str:
    """`themes`: (theme, status counts); `names`: status -> words in the reader's language."""
    height = ROW * len(themes) + 10
    biggest = max((sum(c.values()) for _, c in themes), default=0) or 1
    parts = [
        f'<svg class="status-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(summary)}</desc>',
    ]
    for i, (theme, counts) in enumerate(themes):
        y = i * ROW + 5
        shown = theme if len(theme) <= 28 else theme[:27] + "…"
        parts.append(f'<text x="0" y="{y + 20}">{escape(shown)}</text>')
        x = float(LABEL)
        for status in STATUSES:
            n = counts.get(status, 0)
            if not n:
                continue
            w = BAR * n / biggest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW - 10}" '
                f'fill="{COLOURS[status]}" stroke="#fff" stroke-width="1">'
                f"<title>{escape(theme)} — {escape(names[status])} — {n}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 20}">{sum(counts.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)
