"""The plugin's API: a paged list, documented in the bridge's OpenAPI document."""

from bridge.plugin import list_operation, page, require_role
from flask import Blueprint
from sqlalchemy import select

from changes_digest import NAME
from changes_digest.models import Note

blueprint = Blueprint(f"{NAME}_api", __name__, url_prefix=f"/api/v1/{NAME}")

NOTE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "text": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}


def serialise(note: Note) -> dict:
    return {"id": note.id, "text": note.text, "created_at": note.created_at.isoformat() + "Z"}


@blueprint.get("/notes")
@require_role("viewer")
def notes():
    """Notes, oldest first, `?limit=` at a time (`?cursor=` from the answer's `next`)."""
    return page(select(Note), Note, serialise)


def openapi() -> dict:
    """The path items of the routes above, relative to /api/v1."""
    return {f"/{NAME}/notes": {"get": list_operation(f"Notes of the {NAME} plugin", NOTE)}}
