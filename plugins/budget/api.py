"""GET /api/v1/budget/envelopes (public): each envelope with its figures in euros."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select

from plugins.budget.figures import for_envelopes
from plugins.budget.models import Envelope

blueprint = Blueprint("budget_api", __name__, url_prefix="/api/v1/budget")


@blueprint.get("/envelopes")
def envelopes():
    with current_app.extensions["bridge"].sessions() as session:
        figures = for_envelopes(session)
        items = [
            {
                "id": e.id,
                "name": e.name,
                "year_start": e.year_start,
                "year_end": e.year_end,
                "source": e.source,
                **figures[e.id].as_json(),
            }
            for e in session.scalars(select(Envelope).order_by(Envelope.id))
        ]
    return jsonify(items=items, next=None)
