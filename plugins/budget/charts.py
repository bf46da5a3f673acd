"""Chart geometry: the templates draw, this module scales.

No external service and no JavaScript: a page with charts is one HTML document that works
offline, prints, and reads out through its table and each chart's text. Bars are HTML boxes
sized in percent, their words HTML text. A line chart is an SVG without a viewBox, so that its
text keeps its CSS size at any width (a scaled SVG 640 units wide shrank its text to 6 px on a
phone): the axes' labels are placed in pixels (heights) and percent (widths), and only the
lines are drawn in a nested SVG stretched over the plot. The server cannot know the width, so
month labels come in two levels: every tick on a wide screen, one in a few on a phone (the
stylesheet hides the others), each level thinned so that labels never touch.
"""

from __future__ import annotations

from collections.abc import Callable

from bridge.plugin import formatting
from plugins.budget.money import amount

# Colours told apart by people with the common colour-vision deficiencies (Okabe-Ito), each
# also dashed differently in line charts so that nothing rests on colour alone.
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "12 6", "1 2"]

# A line chart, in CSS pixels down and percent across (budget.css gives the same height).
HEIGHT = 240
PLOT_TOP, PLOT_BOTTOM = 24, 196  # room above for the top tick's label, below for months
INSET = 6.0  # percent of the width left of the first month and right of the last: half a label
Y_TICKS = 4  # intervals on the amount axis, at most
WIDE_LABELS, PHONE_LABELS = 12, 5  # month labels that fit side by side, at 1280 and 320 px
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)  # months between labels, on calendar boundaries
DRAWN = 1000  # the nested SVG's own width units, stretched over the plot


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
                "figures": (amount(total), amount(committed), amount(paid)),
            }
            for label, total, committed, paid in rows
        ],
    }


def _months(first: str, last: str) -> list[str]:
    """Every month from the one before `first` (where every total is still 0) to `last`:
    '2024-03', '2024-05' -> '2024-02', '2024-03', '2024-04', '2024-05'."""
    start = int(first[:4]) * 12 + int(first[5:7]) - 2
    end = int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(start, end + 1)]


def _nice_step(top: int) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten euros, in cents) cutting `top` in at
    most Y_TICKS intervals."""
    power = 100  # one euro
    while True:
        for step in (power, 2 * power, 5 * power // 2, 5 * power):
            if step * Y_TICKS >= top:
                return step
        power *= 10


def _y_axis(top: int, lang: str) -> tuple[int, list[dict]]:
    """The amount axis: its highest tick (at or above `top`) and each tick's height and
    label in whole euros ('250 000 €'), from 0 up."""
    step = _nice_step(top)
    count = -(-max(top, 1) // step)
    highest = step * count
    return highest, [
        {"y": round(PLOT_BOTTOM - i * (PLOT_BOTTOM - PLOT_TOP) / count), "label": label}
        for i in range(count + 1)
        for label in [formatting.cents(i * step, lang)]
    ]


def _label_step(months: list[str], most: int, multiple_of: int = 1) -> int:
    """The fewest months between labels (a multiple of `multiple_of`) leaving at most `most`
    labels."""
    for step in MONTH_STEPS:
        if step % multiple_of == 0 and len(_ticks(months, step)) <= most:
            return step
    return MONTH_STEPS[-1]


def _ticks(months: list[str], step: int) -> list[int]:
    """Indexes of the months on a calendar boundary of `step` months (every quarter starts
    in January, April, July, October), so that labels come at regular months."""
    return [i for i, m in enumerate(months) if (int(m[:4]) * 12 + int(m[5:7]) - 1) % step == 0]


def _x_axis(months: list[str], lang: str) -> list[dict]:
    """Month labels: French short names, the year under January and under the first label
    (`year_on`: "" always, "wide" or "phone" only where that label comes first); `minor` ones
    are hidden on a phone."""
    wide = _ticks(months, _label_step(months, WIDE_LABELS))
    phone = _ticks(months, _label_step(months, PHONE_LABELS, _label_step(months, WIDE_LABELS)))
    return [
        {
            "x": f"{_x(i, len(months)):.2f}",
            "month": formatting.month_name(int(months[i][5:7]), lang, short=True),
            "year": months[i][:4],
            "year_on": (
                ""
                if months[i].endswith("-01") or i == wide[0] == phone[0]
                else "wide"
                if i == wide[0]
                else "phone"
                if i == phone[0]
                else None
            ),
            "minor": i not in phone,
        }
        for i in wide
    ]


def _x(index: int, count: int) -> float:
    """A month's place across the chart, in percent of its width."""
    return INSET + index * (100 - 2 * INSET) / max(count - 1, 1)


def _frame(months: list[str], top: int, lang: str) -> tuple[dict, Callable[[int, int], str]]:
    """The axes of a line chart, and the function placing a (month index, cents) point in the
    nested SVG's units."""
    highest, y_ticks = _y_axis(top, lang)
    height = PLOT_BOTTOM - PLOT_TOP
    count = len(months)

    def point(index: int, value: int) -> str:
        x = index * DRAWN / max(count - 1, 1)
        y = height - max(value, 0) * height / highest
        return f"{x:.0f},{y:.1f}"

    frame = {
        "height": HEIGHT,
        "plot": {"top": PLOT_TOP, "height": height, "width": DRAWN, "inset": INSET},
        "y_ticks": y_ticks,
        "x_ticks": _x_axis(months, lang),
        "baseline": PLOT_BOTTOM,
    }
    return frame, point


def line_chart(points: list[tuple[str, int, int]], lang: str = "fr") -> dict:
    """Cumulative committed and paid by month (points: month, committed, paid); a month
    without a line keeps the month before's totals."""
    if not points:
        return {"empty": True}
    months = _months(points[0][0], points[-1][0])
    by_month = {m: (c, p) for m, c, p in points}
    totals, values = (0, 0), []
    for m in months:
        totals = by_month.get(m, totals)
        values.append(totals)
    frame, point = _frame(months, max(max(c, p) for c, p in values), lang)
    return {
        **frame,
        "committed": " ".join(point(i, c) for i, (c, _) in enumerate(values)),
        "paid": " ".join(point(i, p) for i, (_, p) in enumerate(values)),
        "last": (amount(values[-1][0]), amount(values[-1][1])),
    }


def lines_by_group(
    series: dict[str, list[tuple[str, int, int]]], *, column: int = 2, lang: str = "fr"
) -> dict:
    """One line per group (a theme, a neighbourhood) of a cumulative figure over the months
    (column 1: committed, 2: paid); a group without a line that month keeps its last value."""
    known = sorted({m for points in series.values() for m, *_ in points})
    if not known:
        return {"empty": True, "lines": []}
    months = _months(known[0], known[-1])
    filled: dict[str, list[int]] = {}
    for label, points in series.items():
        by_month = {month: (committed, paid)[column - 1] for month, committed, paid in points}
        value, values = 0, list[int]()
        for m in months:
            value = by_month.get(m, value)
            values.append(value)
        filled[label] = values
    frame, point = _frame(months, max(max(values) for values in filled.values()), lang)
    return {
        **frame,
        "lines": [
            {
                "label": label,
                "colour": SERIES[i % len(SERIES)],
                "dash": DASHES[i % len(DASHES)],
                "points": " ".join(point(j, v) for j, v in enumerate(values)),
                "last": amount(values[-1]),
            }
            for i, (label, values) in enumerate(filled.items())
        ],
    }
