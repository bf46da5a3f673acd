"""The audit log as a page for admins (routes on the `admin` blueprint): who wrote what and
when, with before and after, newest first, filtered by action or actor; the whole log
downloads as CSV from the API (`/api/v1/audit?format=csv`, the same session works)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from bridge.inputs import whole_number
from bridge.store.models import AuditEntry
from bridge.web.access import need
from bridge.web.admin import _db, blueprint

PER_PAGE = 50


@blueprint.get("/audit")
def audit():
    need("admin")
    action = request.args.get("action") or None
    actor = (request.args.get("actor") or "").strip()
    before = request.args.get("before", "")
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor.contains(actor, autoescape=True))
    if (before_id := whole_number(before)) is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = _db().scalars(query.order_by(AuditEntry.id.desc()).limit(PER_PAGE + 1)).all()
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    actions = _db().scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    return render_template(
        "admin/audit.html",
        entries=rows,
        actions=list(actions),
        action=action,
        actor=actor,
        next_before=rows[-1].id if more else None,
    )
