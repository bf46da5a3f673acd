"""The public transparency page: what was promised, committed and paid, in French first,
inside the public site's layout (its header, language switch and links), with the downloads.

Charts are drawn by the page itself (see `charts`): no external service and no JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy import select

from bridge.plugin import render_public
from plugins.budget import charts
from plugins.budget.figures import (
    by_group,
    for_allocations,
    for_envelopes,
    over_time,
    over_time_by_group,
)
from plugins.budget.models import Allocation, Envelope
from plugins.budget.money import french
from plugins.budget.pages import typeset_in_french

blueprint = Blueprint(
    "budget_public",
    __name__,
    url_prefix="/budget",
    template_folder="templates",
    static_folder="static",
)
typeset_in_french(blueprint)

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
        "none": "Aucune enveloppe pour l’instant.",
        "downloads": "Télécharger les données",
        "csv": "Enveloppes (CSV, pour un tableur)",
        "ledger_csv": "Grand livre (CSV, toutes les lignes, pour un tableur)",
        "xlsx": "Grand livre (XLSX, Excel)",
        "json": "Grand livre (JSON)",
        "ocds": "Enveloppes et contrats (OCDS, standard des données ouvertes de la commande "
        "publique)",
        "chart": "Graphique",
        "by_project": "Par projet ou action",
        "project": "Projet ou action",
        "paid_by_theme": "Paiements cumulés par thème",
        "paid_by_neighbourhood": "Paiements cumulés par quartier",
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
        "none": "No envelope yet.",
        "downloads": "Download the data",
        "csv": "Envelopes (CSV, for a spreadsheet)",
        "ledger_csv": "Ledger (CSV, every line, for a spreadsheet)",
        "xlsx": "Ledger (XLSX, Excel)",
        "json": "Ledger (JSON)",
        "ocds": "Envelopes and contracts (OCDS, Open Contracting Data Standard)",
        "chart": "Chart",
        "by_project": "By project or action",
        "project": "Project or action",
        "paid_by_theme": "Cumulative payments by theme",
        "paid_by_neighbourhood": "Cumulative payments by neighbourhood",
    },
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
        b=TEXT[lang],
        french=french,
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
