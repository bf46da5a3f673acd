"""Line charts' axes, computed on the server: round French amounts up the side, calendar
months along the bottom, thinned so that their labels fit a wide screen and a phone."""

from __future__ import annotations

from plugins.budget import charts


def months_from(first: str, count: int) -> list[tuple[str, int, int]]:
    year, month = int(first[:4]), int(first[5:7]) - 1
    return [
        (f"{(year * 12 + month + i) // 12}-{(year * 12 + month + i) % 12 + 1:02d}", i * 1000, 0)
        for i in range(count)
    ]


def test_the_amount_axis_has_round_french_ticks_up_to_at_least_the_top():
    chart = charts.line_chart([("2024-03", 44_450_000, 18_825_000)])
    labels = [t["label"] for t in chart["y_ticks"]]
    assert labels == [
        "0\u00a0€",
        "200\u202f000\u00a0€",
        "400\u202f000\u00a0€",
        "600\u202f000\u00a0€",
    ]
    heights = [t["y"] for t in chart["y_ticks"]]
    assert heights == sorted(heights, reverse=True)  # from the bottom up
    assert heights[-1] == charts.PLOT_TOP and heights[0] == charts.PLOT_BOTTOM


def test_a_single_month_starts_from_zero_the_month_before():
    chart = charts.line_chart([("2024-01", 100_000, 50_000)], "fr")
    assert [(t["month"], t["year"]) for t in chart["x_ticks"]] == [
        ("déc.", "2023"),
        ("janv.", "2024"),
    ]
    assert chart["committed"] == "0,172.0 1000,0.0"


def test_month_labels_are_regular_and_thinned_for_a_phone():
    for count in (3, 7, 13, 25, 61, 130):
        chart = charts.line_chart(months_from("2022-03", count), "fr")
        ticks = chart["x_ticks"]
        phone = [t for t in ticks if not t["minor"]]
        assert 1 <= len(phone) <= charts.PHONE_LABELS and len(ticks) <= charts.WIDE_LABELS
        places = [float(t["x"]) for t in ticks]
        gaps = [b - a for a, b in zip(places, places[1:], strict=False)]
        assert max(gaps, default=0) - min(gaps, default=0) < 0.1, (count, gaps)  # evenly spaced
        assert all(charts.INSET <= x <= 100 - charts.INSET for x in places)
    ticks = charts.line_chart(months_from("2022-03", 25), "fr")["x_ticks"]
    assert [t["month"] for t in ticks][:3] == ["avr.", "juil.", "oct."]  # quarters
    assert {t["month"] for t in ticks if not t["minor"]} == {"janv.", "juil."}  # half-years


def test_english_months_and_an_empty_chart():
    ticks = charts.line_chart(months_from("2022-11", 3), "en")["x_ticks"]
    assert [t["month"] for t in ticks] == ["Oct", "Nov", "Dec", "Jan"]
    assert charts.line_chart([]) == {"empty": True}
    assert charts.lines_by_group({})["empty"]
