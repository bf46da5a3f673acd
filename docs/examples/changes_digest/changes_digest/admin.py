"""The admin page: the notes and the changes counted, and a form for editors to add a note.

Every page of the blueprint needs a signed-in person (`pages_need_sign_in`); a form that
writes checks the role (`need`) and carries the CSRF token (`csrf_token()` in the template),
which the bridge checks before the view runs.
"""

from datetime import UTC, datetime

from bridge.plugin import current_context, db, need, pages_need_sign_in
from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from changes_digest import NAME
from changes_digest.models import Count, Note
from changes_digest.translation import _, use_catalog

blueprint = Blueprint(
    f"{NAME}_admin", __name__, url_prefix=f"/admin/{NAME}", template_folder="templates"
)
pages_need_sign_in(blueprint)
use_catalog(blueprint)


def page(status: int = 200, error: str | None = None, typed: str = ""):
    session = db()
    notes = session.scalars(select(Note).order_by(Note.id.desc()).limit(50)).all()
    counts = session.scalars(select(Count).order_by(Count.resource)).all()
    can_write = current_context(NAME).has_role("editor")
    html = render_template(
        f"{NAME}/admin.html",
        notes=notes,
        counts=counts,
        can_write=can_write,
        error=error,
        typed=typed,
    )
    return html, status


@blueprint.get("/")
def index():
    return page()


@blueprint.post("/notes")
def add_note():
    need("editor")
    context = current_context(NAME)
    text = request.form.get("text", "").strip()
    if not text:
        return page(422, _("Write the note first."), text)
    if len(text) > context.config.max_note_length:
        return page(422, _("The note is too long."), text)
    session = db()
    note = Note(text=text, author=context.actor, created_at=datetime.now(UTC).replace(tzinfo=None))
    session.add(note)
    session.flush()
    context.audit(session, f"{NAME}.note.create", f"note:{note.id}", {"text": text})
    session.commit()
    return redirect(url_for(".index"))
