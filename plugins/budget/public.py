"""The public transparency page: what was promised, committed and paid, in French first,
inside the public site's layout (its header, language switch and links), with the downloads.

Charts are drawn by the page itself (see `charts`): no external service and no JavaScript.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from bridge.plugin import current_context, current_language, render_public
from plugins.budget import charts
from plugins.budget.figures import (
    by_group,
    for_allocations,
    for_envelopes,
    over_time,
    over_time_by_group,
)
from plugins.budget.models import Allocation, Envelope
from plugins.budget.money import amount
from plugins.budget.pages import typeset_in_french

blueprint = Blueprint(
    "budget_public",
    __name__,
    url_prefix="/budget",
    template_folder="templates",
    static_folder="static",
)
typeset_in_french(blueprint)


@blueprint.get("/")
def page():
    lang = current_language()
    with current_context("budget").sessions() as session:
        figures = for_envelopes(session)
        envelopes = session.scalars(select(Envelope).order_by(Envelope.id)).all()
        main = max(envelopes, key=lambda e: e.amount_cents, default=None)
        groups = by_group(session, lang)
        timeline = over_time(session, main.id) if main else []
        per_allocation = for_allocations(session)
        projects = [
            (a.label, per_allocation[a.id])
            for a in session.scalars(
                select(Allocation)
                .where(Allocation.status == "confirmed")
                .order_by(Allocation.amount_cents.desc(), Allocation.id)
            )
        ]
        paid_by = {
            group: charts.lines_by_group(series, lang=lang)
            for group, series in over_time_by_group(session, lang).items()
        }
    return render_public(
        "budget/public.html",
        lang,
        amount=lambda cents: amount(cents, lang),
        envelopes=[(e, figures[e.id]) for e in envelopes],
        projects=projects,
        envelope_chart=charts.bars(
            [
                (e.name, figures[e.id].amount, figures[e.id].committed, figures[e.id].paid)
                for e in envelopes
            ]
        ),
        theme_chart=charts.bars(
            [(label, f.amount, f.committed, f.paid) for label, f in groups["theme"]]
        ),
        neighbourhood_chart=charts.bars(
            [(label, f.amount, f.committed, f.paid) for label, f in groups["neighbourhood"]]
        ),
        time_chart=charts.line_chart(timeline, lang),
        paid_by=paid_by,
        main=main,
    )
