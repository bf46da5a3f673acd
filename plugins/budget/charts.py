"""Chart geometry: the templates draw, this module scales.

No external service and no JavaScript: a page with charts is one HTML document that works
offline, prints, and reads out through its table and each chart's text. Words and figures are
HTML text beside the drawing, never text inside a scaled SVG: on a phone an SVG 640 units wide
shrinks its text to 6 px, and long labels were cut. Bars are HTML boxes sized in percent; lines
are an SVG without text, its axis and legend written underneath.
"""

from __future__ import annotations

from plugins.budget.money import french
from plugins.budget.pages import month

# Colours told apart by people with the common colour-vision deficiencies (Okabe-Ito), each
# also dashed differently in line charts so that nothing rests on colour alone.
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "12 6", "1 2"]
WIDTH, HEIGHT = 640, 200


def _percent(value: int, top: int) -> str:
    return f"{max(0, min(value, top)) * 100 / (top or 1):.1f}"


def bars(rows: list[tuple[str, int, int, int]]) -> dict:
    """Horizontal bars per row (label, total, committed, paid), in percent of the largest
    total: total light, committed mid, paid dark; each with its figures as text."""
    top = max([r[1] for r in rows] + [1])
    return {
        "rows": [
            {
                "label": label,
                "total": _percent(total, top),
                "committed": _percent(committed, top),
                "paid": _percent(paid, top),
                "figures": (french(total), french(committed), french(paid)),
            }
            for label, total, committed, paid in rows
        ],
    }


def _scale(months: list[str], top: int):
    step = (WIDTH - 20) / max(len(months) - 1, 1)
    x = {m: 10 + i * step for i, m in enumerate(months)}

    def y(value: int) -> float:
        return HEIGHT - 10 - max(value, 0) * (HEIGHT - 20) / (top or 1)

    return x, y


def _axis(months: list[str], top: int, lang: str) -> dict:
    """What is written under a line chart: first and last month, in words, and the top."""
    return {
        "first": month(months[0], lang),
        "last": month(months[-1], lang),
        "top": french(top),
    }


def line_chart(points: list[tuple[str, int, int]], lang: str = "fr") -> dict:
    """Cumulative committed and paid by month (points: month, committed, paid)."""
    if not points:
        return {"width": WIDTH, "height": HEIGHT, "committed": "", "paid": "", "axis": None}
    months = [m for m, _, _ in points]
    top = max(max(c, p) for _, c, p in points)
    x, y = _scale(months, top)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "committed": " ".join(f"{x[m]:.0f},{y(c):.0f}" for m, c, _ in points),
        "paid": " ".join(f"{x[m]:.0f},{y(p):.0f}" for m, _, p in points),
        "axis": _axis(months, top, lang),
        "last": (french(points[-1][1]), french(points[-1][2])),
    }


def lines_by_group(
    series: dict[str, list[tuple[str, int, int]]], *, column: int = 2, lang: str = "fr"
) -> dict:
    """One line per group (a theme, a neighbourhood) of a cumulative figure over the months
    (column 1: committed, 2: paid); a group without a line that month keeps its last value."""
    months = sorted({m for points in series.values() for m, *_ in points})
    if not months:
        return {"width": WIDTH, "height": HEIGHT, "lines": [], "axis": None}
    filled: dict[str, list[int]] = {}
    for label, points in series.items():
        by_month = {p[0]: p[column] for p in points}
        value, values = 0, []
        for m in months:
            value = by_month.get(m, value)
            values.append(value)
        filled[label] = values
    top = max(max(values) for values in filled.values())
    x, y = _scale(months, top)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lines": [
            {
                "label": label,
                "colour": SERIES[i % len(SERIES)],
                "dash": DASHES[i % len(DASHES)],
                "points": " ".join(
                    f"{x[m]:.0f},{y(v):.0f}" for m, v in zip(months, values, strict=True)
                ),
                "last": french(values[-1]),
            }
            for i, (label, values) in enumerate(filled.items())
        ],
        "axis": _axis(months, top, lang),
    }
