"""The audit log as a page for admins (routes on the `admin` blueprint): who wrote what and
when, in sentences (`audit_text`), newest first, filtered by action or actor; the whole log,
raw, downloads as CSV from the API (`/api/v1/audit?format=csv`, the same session works)."""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import select

from bridge.access import need
from bridge.actors import names
from bridge.i18n import language
from bridge.inputs import whole_number
from bridge.paging import keyset
from bridge.store.models import AuditEntry
from bridge.web.admin import _db, blueprint
from bridge.web.audit_text import Wording

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
    found_page = keyset(
        _db(), query, AuditEntry, limit=PER_PAGE, after=whole_number(before), descending=True
    )
    rows = found_page.items
    actions = _db().scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    wording = Wording(
        [
            (context.catalog, wording)
            for context, wording in current_app.extensions["bridge"].plugins.collect_owned(
                "audit_wording"
            )
        ],
        names(_db(), (e.actor for e in rows)),
        language(),
    )
    return render_template(
        "admin/audit.html",
        entries=[(e, wording.sentence(e)) for e in rows],
        actions=[(a, wording.label(a)) for a in actions],
        action=action,
        actor=actor,
        next_before=found_page.next,
    )
