"""The public transparency page: what was promised, committed and paid, in French first.

Charts are inline SVG drawn here, so the page needs no external service and no JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from plugins.budget.figures import by_group, for_envelopes, over_time
from plugins.budget.models import Envelope
from plugins.budget.money import french

blueprint = Blueprint("budget_public", __name__, url_prefix="/budget", template_folder="templates")

TEXT = {
    "fr": {
        "title": "Budget de suivi",
        "intro": "Ce que la ville a promis, engagé et payé "
        "pour les actions choisies par les habitant·es.",
        "envelope": "Enveloppe",
        "amount": "Montant",
        "allocated": "Alloué",
        "committed": "Engagé",
        "paid": "Payé",
        "remaining": "Reste à engager",
        "by_theme": "Par thème",
        "by_neighbourhood": "Par quartier",
        "over_time": "Au fil du temps",
        "other": "English",
        "other_lang": "en",
        "none": "Aucune enveloppe pour l'instant.",
        "chart": "Graphique",
    },
    "en": {
        "title": "Follow-up budget",
        "intro": "What the city promised, committed and paid for the actions residents chose.",
        "envelope": "Envelope",
        "amount": "Amount",
        "allocated": "Allocated",
        "committed": "Committed",
        "paid": "Paid",
        "remaining": "Left to commit",
        "by_theme": "By theme",
        "by_neighbourhood": "By neighbourhood",
        "over_time": "Over time",
        "other": "Français",
        "other_lang": "fr",
        "none": "No envelope yet.",
        "chart": "Chart",
    },
}


def bars(rows: list[tuple[str, int, int, int]], width: int = 640) -> dict:
    """Horizontal bars: total (light), committed (mid), paid (dark), scaled to the largest."""
    top = max([r[1] for r in rows] + [1])
    height = 34
    return {
        "width": width,
        "height": height * len(rows) + 10,
        "rows": [
            {
                "y": 5 + i * height,
                "label": label,
                "total": total * (width - 220) // top,
                "committed": committed * (width - 220) // top,
                "paid": paid * (width - 220) // top,
                "text": french(committed),
            }
            for i, (label, total, committed, paid) in enumerate(rows)
        ],
    }


def line_chart(points: list[tuple[str, int, int]], width: int = 640, height: int = 200) -> dict:
    if not points:
        return {"width": width, "height": height, "committed": "", "paid": "", "labels": []}
    top = max(max(c, p) for _, c, p in points) or 1
    step = (width - 60) / max(len(points) - 1, 1)

    def path(index: int) -> str:
        return " ".join(
            f"{40 + i * step:.0f},{height - 30 - v[index] * (height - 50) / top:.0f}"
            for i, v in enumerate(points)
        )

    return {
        "width": width,
        "height": height,
        "committed": path(1),
        "paid": path(2),
        "labels": [
            {"x": 40 + i * step, "text": m}
            for i, (m, _, _) in enumerate(points)
            if i in (0, len(points) - 1)
        ],
    }


@blueprint.get("/")
def page():
    lang = "en" if request.args.get("lang") == "en" else "fr"
    with current_app.extensions["bridge"].sessions() as session:
        figures = for_envelopes(session)
        envelopes = session.scalars(select(Envelope).order_by(Envelope.id)).all()
        main = max(envelopes, key=lambda e: e.amount_cents, default=None)
        groups = by_group(session, lang)
        timeline = over_time(session, main.id) if main else []
    return render_template(
        "budget/public.html",
        t=TEXT[lang],
        lang=lang,
        french=french,
        envelopes=[(e, figures[e.id]) for e in envelopes],
        envelope_chart=bars(
            [
                (e.name, figures[e.id].amount, figures[e.id].committed, figures[e.id].paid)
                for e in envelopes
            ]
        ),
        theme_chart=bars([(label, f.amount, f.committed, f.paid) for label, f in groups["theme"]]),
        neighbourhood_chart=bars(
            [(label, f.amount, f.committed, f.paid) for label, f in groups["neighbourhood"]]
        ),
        time_chart=line_chart(timeline),
        main=main,
    )
