"""The committees' read API under /api/v1/committees: what the public pages show (public
committees only), paged like every list (`limit`, `cursor`). Never a contact: members appear
by name, kind and role only, and not at all once erased."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from bridge.plugin import formatting, iso, list_operation, page, utcnow
from plugins.committees.models import ActionItem, Committee, Decision, Meeting

blueprint = Blueprint("committees_api", __name__, url_prefix="/api/v1/committees")


def committee_json(c: Committee) -> dict:
    today = formatting.local(utcnow()).date()
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "theme": c.theme,
        "priority": c.priority,
        "description": c.description,
        "members": [
            {"name": s.member.name, "kind": s.member.kind, "role": s.role}
            for s in c.memberships
            if s.current(today) and s.member.erased_at is None
        ],
        "results": [{"instance": r.instance, "result": r.result_remote_id} for r in c.results],
    }


@blueprint.get("/")
def committees():
    return page(select(Committee).where(Committee.public.is_(True)), Committee, committee_json)


@blueprint.get("/meetings")
def meetings():
    def item(m: Meeting) -> dict:
        return {
            "id": m.id,
            "committee": m.committee_id,
            "title": m.title,
            "starts_at": iso(m.starts_at),
            "ends_at": iso(m.ends_at),
            "place": m.place,
            "status": m.status,
            "agenda": [a.title for a in m.agenda],
        }

    query = select(Meeting).join(Committee).where(Committee.public.is_(True))
    return page(query, Meeting, item)


@blueprint.get("/decisions")
def decisions():
    def item(d: Decision) -> dict:
        return {
            "id": d.id,
            "meeting": d.meeting_id,
            "text": d.text,
            "voted": d.voted,
            "votes": {"for": d.votes_for, "against": d.votes_against, "abstain": d.votes_abstain}
            if d.voted
            else None,
        }

    query = select(Decision).join(Meeting).join(Committee).where(Committee.public.is_(True))
    return page(query, Decision, item)


@blueprint.get("/action-items")
def action_items():
    def item(a: ActionItem) -> dict:
        return {
            "id": a.id,
            "committee": a.committee_id,
            "decision": a.decision_id,
            "title": a.title,
            "owner": a.owner_member.name if a.owner_member else a.owner_name,
            "due_on": a.due_on.isoformat() if a.due_on else None,
            "status": a.status,
            "progress": a.progress,
            "priority": a.priority,
            "results": [{"instance": r.instance, "result": r.result_remote_id} for r in a.results],
        }

    query = select(ActionItem).join(Committee).where(Committee.public.is_(True))
    return page(query, ActionItem, item)


def _list(summary: str, properties: dict) -> dict:
    item = {"type": "object", "properties": properties}
    return {"get": list_operation(summary, item, tags=["committees"])}


INT, TEXT = {"type": "integer"}, {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
LINKS = {
    "type": "array",
    "items": {"type": "object", "properties": {"instance": TEXT, "result": TEXT}},
}
OPENAPI_PATHS = {
    "/committees/": _list(
        "Public follow-up committees, their current members (names, kinds, roles) and results",
        {
            "id": INT,
            "slug": TEXT,
            "name": TEXT,
            "theme": MAYBE_TEXT,
            "priority": MAYBE_TEXT,
            "description": TEXT,
            "members": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": TEXT, "kind": TEXT, "role": TEXT},
                },
            },
            "results": LINKS,
        },
    ),
    "/committees/meetings": _list(
        "Meetings of the public committees (times in UTC)",
        {
            "id": INT,
            "committee": INT,
            "title": TEXT,
            "starts_at": TEXT,
            "ends_at": TEXT,
            "place": TEXT,
            "status": TEXT,
            "agenda": {"type": "array", "items": TEXT},
        },
    ),
    "/committees/decisions": _list(
        "Decisions of the public committees, with vote counts when voted",
        {
            "id": INT,
            "meeting": INT,
            "text": TEXT,
            "voted": {"type": "boolean"},
            "votes": {"type": ["object", "null"]},
        },
    ),
    "/committees/action-items": _list(
        "Action items of the public committees: owner, due date, status, progress",
        {
            "id": INT,
            "committee": INT,
            "decision": {"type": ["integer", "null"]},
            "title": TEXT,
            "owner": MAYBE_TEXT,
            "due_on": MAYBE_TEXT,
            "status": TEXT,
            "progress": INT,
            "priority": MAYBE_TEXT,
            "results": LINKS,
        },
    ),
}
