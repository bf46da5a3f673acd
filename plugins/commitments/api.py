"""The commitments' read API under /api/v1/commitments: paged lists, as every list of the
bridge (`limit`, `cursor`), public like the booklet. Who changed a status is said only to a
caller with a token or a session (the public sees when and why)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from bridge.plugin import (
    Problem,
    current_identity,
    db,
    find,
    has_role,
    integer_parameter,
    list_operation,
    page,
    problem_response,
)
from plugins.commitments.models import Commitment, Evidence, Mandate, StatusChange
from plugins.commitments.statuses import STATUSES
from plugins.commitments.writes import evidence_json

blueprint = Blueprint("commitments_api", __name__, url_prefix="/api/v1/commitments")


def mandate_json(m: Mandate) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "starts_on": m.starts_on.isoformat() if m.starts_on else None,
        "ends_on": m.ends_on.isoformat() if m.ends_on else None,
        "description": m.description,
    }


def commitment_json(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.id,
        "mandate": c.mandate_id,
        "ref": c.ref,
        "theme": c.theme,
        "title": c.title,
        "description": c.description,
        "status": c.status,
        "status_changed_at": c.status_changed_at.isoformat() + "Z",
    }


@blueprint.get("/mandates")
def mandates():
    return page(select(Mandate), Mandate, mandate_json)


@blueprint.get("")
def commitments():
    query = select(Commitment)
    if (mandate := integer_parameter("mandate")) is not None:
        query = query.where(Commitment.mandate_id == mandate)
    if status := request.args.get("status"):
        if status not in STATUSES:
            raise Problem(400, f"status is one of {', '.join(STATUSES)}", field="status")
        query = query.where(Commitment.status == status)
    if theme := request.args.get("theme"):
        query = query.where(Commitment.theme == theme)
    return page(query, Commitment, commitment_json)


@blueprint.get("/<int:commitment_id>")
def commitment(commitment_id: int):
    session = db()
    found = find(session, Commitment, commitment_id)
    if found is None:
        raise Problem(404, f"no commitment {commitment_id}")
    who = current_identity()
    # `by` holds an account's e-mail (personal data): for those who write, as on the pages
    known = who is not None and has_role(who.role, "editor")
    history = session.scalars(
        select(StatusChange).where(StatusChange.commitment_id == found.id).order_by(StatusChange.id)
    )
    evidence = session.scalars(
        select(Evidence).where(Evidence.commitment_id == found.id).order_by(Evidence.id)
    )
    return jsonify(
        {
            **commitment_json(found),
            "evidence": [evidence_json(e) for e in evidence],
            "history": [
                {
                    "from": h.old_status,
                    "to": h.new_status,
                    "reason": h.reason,
                    "at": h.changed_at.isoformat() + "Z",
                    **({"by": h.changed_by} if known else {}),
                }
                for h in history
            ],
        }
    )


STATUS: dict[str, Any] = {"type": "string", "enum": list(STATUSES)}
PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "mandate": {"type": "integer"},
    "ref": {"type": "string"},
    "theme": {"type": "string"},
    "title": {"type": "string"},
    "description": {"type": ["string", "null"]},
    "status": STATUS,
    "status_changed_at": {"type": "string", "format": "date-time"},
}
COMMITMENT: dict[str, Any] = {"type": "object", "properties": PROPERTIES}
FILTERS = [
    {"name": "mandate", "in": "query", "schema": {"type": "integer"}},
    {"name": "status", "in": "query", "schema": STATUS},
    {"name": "theme", "in": "query", "schema": {"type": "string"}},
]
OPENAPI_PATHS = {
    "/commitments": {
        "get": list_operation(
            "Commitments of every mandate, with their status",
            COMMITMENT,
            FILTERS,
            tags=["commitments"],
        )
    },
    "/commitments/mandates": {
        "get": list_operation(
            "Mandates",
            {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "starts_on": {"type": ["string", "null"], "format": "date"},
                    "ends_on": {"type": ["string", "null"], "format": "date"},
                    "description": {"type": ["string", "null"]},
                },
            },
            tags=["commitments"],
        )
    },
    "/commitments/{commitment_id}": {
        "get": {
            "summary": "One commitment with its evidence and the history of its status",
            "operationId": "commitments_one",
            "tags": ["commitments"],
            "parameters": [
                {
                    "name": "commitment_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
            "responses": {
                "200": {
                    "description": "The commitment",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    **PROPERTIES,
                                    "evidence": {"type": "array", "items": {"type": "object"}},
                                    "history": {"type": "array", "items": {"type": "object"}},
                                },
                            }
                        }
                    },
                },
                "404": problem_response("No such commitment"),
            },
        }
    },
}
