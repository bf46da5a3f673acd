"""The digest in public: a JSON list at `/digest/` (linked from the public site) and
`/api/v1/digest` (in the OpenAPI document), and the same as a CSV download."""

import csv
import io

from bridge.plugin import current_context
from flask import Blueprint, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from changes_digest import NAME
from changes_digest.models import DigestRow

blueprint = Blueprint(f"{NAME}_public", __name__)


def rows(session: Session) -> list[DigestRow]:
    query = select(DigestRow).order_by(DigestRow.day, DigestRow.resource)
    return list(session.scalars(query))


@blueprint.get("/api/v1/digest")
@blueprint.get("/digest/")  # the inner rule is the one url_for() builds
def digest():
    """Every day's counts: a few rows a day, so one answer without paging."""
    with current_context(NAME).sessions() as session:
        items = [
            {"day": r.day.isoformat(), "resource": r.resource, "count": r.count}
            for r in rows(session)
        ]
    return jsonify(items=items, next=None)


def openapi() -> dict:
    """The path item of `/api/v1/digest`, relative to /api/v1."""
    row = {
        "type": "object",
        "properties": {
            "day": {"type": "string", "format": "date"},
            "resource": {"type": "string"},
            "count": {"type": "integer"},
        },
    }
    answer = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": row}, "next": {"type": "null"}},
    }
    content = {"application/json": {"schema": answer}}
    return {
        "/digest": {
            "get": {
                "summary": "Changes per day and resource",
                "operationId": f"{NAME}_digest",
                "security": [],
                "responses": {"200": {"description": "The digest", "content": content}},
            }
        }
    }


def digest_csv(session: Session) -> bytes:
    """The download: one line per day and resource, `;`-separated as French spreadsheets
    expect."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["jour", "ressource", "changements"])
    for row in rows(session):
        writer.writerow([row.day.isoformat(), row.resource, row.count])
    return out.getvalue().encode("utf-8")
