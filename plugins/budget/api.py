"""GET /api/v1/budget/envelopes (public): each envelope with its figures in euros."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select

from plugins.budget.figures import by_group, for_envelopes, over_time
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import euros

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


@blueprint.get("/allocations")
def allocations():
    with current_app.extensions["bridge"].sessions() as session:
        items = [
            {
                "id": a.id,
                "envelope": a.envelope_id,
                "label": a.label,
                "amount": euros(a.amount_cents),
                "project": a.project_id,
                "result": a.result_id,
                "theme": a.theme,
                "neighbourhood": a.neighbourhood,
                "status": a.status,
                "upstream_amount": None
                if a.upstream_amount_cents is None
                else euros(a.upstream_amount_cents),
            }
            for a in session.scalars(select(Allocation).order_by(Allocation.id))
        ]
    return jsonify(items=items, next=None)


@blueprint.get("/ledger")
def ledger():
    with current_app.extensions["bridge"].sessions() as session:
        items = [
            line.as_json()
            for line in session.scalars(select(LedgerLine).order_by(LedgerLine.day, LedgerLine.id))
        ]
    return jsonify(items=items, next=None)


@blueprint.get("/figures")
def figures():
    """Allocated/committed/paid per theme and per neighbourhood, and over time per envelope."""
    with current_app.extensions["bridge"].sessions() as session:
        groups = {
            key: [{"label": label, **f.as_json()} for label, f in rows]
            for key, rows in by_group(session).items()
        }
        timeline = {
            e.id: [
                {"month": m, "committed": euros(c), "paid": euros(p)}
                for m, c, p in over_time(session, e.id)
            ]
            for e in session.scalars(select(Envelope))
        }
    return jsonify(
        by_theme=groups["theme"], by_neighbourhood=groups["neighbourhood"], over_time=timeline
    )


def _list(summary: str, item: dict) -> dict:
    return {
        "get": {
            "summary": summary,
            "tags": ["budget"],
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["items", "next"],
                                "properties": {
                                    "items": {"type": "array", "items": item},
                                    "next": {"type": ["string", "null"]},
                                },
                            }
                        }
                    },
                }
            },
        }
    }


MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "euros"}
OPENAPI_PATHS = {
    "/budget/envelopes": _list(
        "Envelopes with allocated, committed, paid and remaining",
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "amount": MONEY,
                "allocated": MONEY,
                "committed": MONEY,
                "paid": MONEY,
                "remaining": MONEY,
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
    ),
    "/budget/allocations": _list("Allocations of envelopes", {"type": "object"}),
    "/budget/ledger": _list("Commitments and payments", {"type": "object"}),
    "/budget/figures": {
        "get": {
            "summary": "Figures by theme, neighbourhood and over time",
            "tags": ["budget"],
            "responses": {"200": {"description": "Figures"}},
        }
    },
}
