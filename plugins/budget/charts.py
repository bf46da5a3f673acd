"""Chart geometry for inline SVG: the templates draw, this module scales.

No external service and no JavaScript: a page with charts is one HTML document that works
offline, prints, and reads out through its table and each chart's text alternative.
"""

from __future__ import annotations

from plugins.budget.money import french

# Colours told apart by people with the common colour-vision deficiencies (Okabe-Ito), each
# also dashed differently in line charts so that nothing rests on colour alone.
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "12 6", "1 2"]
LABEL_WIDTH = 210


def bars(rows: list[tuple[str, int, int, int]], width: int = 640) -> dict:
    """Horizontal bars per row (label, total, committed, paid): total light, committed mid,
    paid dark, all scaled to the largest total."""
    top = max([r[1] for r in rows] + [1])
    room = width - LABEL_WIDTH - 10
    height = 34
    return {
        "width": width,
        "height": height * len(rows) + 10,
        "rows": [
            {
                "y": 5 + i * height,
                "label": label,
                "total": total * room // top,
                "committed": min(committed, top) * room // top,
                "paid": min(paid, top) * room // top,
                "text": french(committed),
            }
            for i, (label, total, committed, paid) in enumerate(rows)
        ],
    }


def _scale(months: list[str], top: int, width: int, height: int):
    step = (width - 60) / max(len(months) - 1, 1)
    x = {m: 40 + i * step for i, m in enumerate(months)}

    def y(value: int) -> float:
        return height - 30 - value * (height - 50) / (top or 1)

    return x, y


def line_chart(points: list[tuple[str, int, int]], width: int = 640, height: int = 200) -> dict:
    """Cumulative committed and paid by month (points: month, committed, paid)."""
    if not points:
        return {"width": width, "height": height, "committed": "", "paid": "", "labels": []}
    months = [m for m, _, _ in points]
    x, y = _scale(months, max(max(c, p) for _, c, p in points), width, height)
    return {
        "width": width,
        "height": height,
        "committed": " ".join(f"{x[m]:.0f},{y(c):.0f}" for m, c, _ in points),
        "paid": " ".join(f"{x[m]:.0f},{y(p):.0f}" for m, _, p in points),
        "labels": _month_labels(months, x),
    }


def lines_by_group(
    series: dict[str, list[tuple[str, int, int]]],
    *,
    column: int = 2,
    width: int = 640,
    height: int = 220,
) -> dict:
    """One line per group (a theme, a neighbourhood) of a cumulative figure over the months
    (column 1: committed, 2: paid); a group without a line that month keeps its last value."""
    months = sorted({m for points in series.values() for m, *_ in points})
    if not months:
        return {"width": width, "height": height, "lines": [], "labels": []}
    filled: dict[str, list[int]] = {}
    for label, points in series.items():
        by_month = {p[0]: p[column] for p in points}
        value, values = 0, []
        for m in months:
            value = by_month.get(m, value)
            values.append(value)
        filled[label] = values
    top = max(max(values) for values in filled.values())
    x, y = _scale(months, top, width, height)
    return {
        "width": width,
        "height": height,
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
        "labels": _month_labels(months, x),
    }


def _month_labels(months: list[str], x: dict[str, float]) -> list[dict]:
    """The first and last month under the axis."""
    ends = [months[0], months[-1]] if len(months) > 1 else months
    return [
        {"x": x[m], "text": m, "anchor": "start" if i == 0 else "end"} for i, m in enumerate(ends)
    ]
