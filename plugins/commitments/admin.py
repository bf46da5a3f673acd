"""The admin pages: the mandate's commitments by theme, one commitment (its words, its status
with the reason, its evidence, its history), new commitments and mandates, and the CSV import
(a dry run first, then the same file applied). Reading needs a viewer, writing an editor."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import (
    N_,
    People,
    current_context,
    current_language,
    db,
    find,
    has_role,
    need,
    pages_need_sign_in,
)
from bridge.plugin import current_identity as identity
from plugins.commitments import sheetimport, writes
from plugins.commitments.models import Commitment, Evidence, Mandate, StatusChange
from plugins.commitments.statuses import COLOURS, STATUSES
from plugins.commitments.translation import _, ngettext, use_catalog
from plugins.commitments.words import EVIDENCE_KINDS, RESOURCES, changed, place, say, status_name

blueprint = Blueprint(
    "commitments_admin",
    __name__,
    url_prefix="/admin/commitments",
    template_folder="templates",
    static_folder="static",
)
pages_need_sign_in(blueprint)
use_catalog(blueprint)


@blueprint.context_processor
def helpers() -> dict[str, Any]:
    return {
        "_": _,
        "ngettext": ngettext,
        "status_name": status_name,
        "statuses": STATUSES,
        "colours": COLOURS,
        "say": say,
        "changed": changed,
        "place": place,
        "evidence_kinds": EVIDENCE_KINDS,
        "resources": RESOURCES,
        "can_edit": _can_edit(),
    }


def _can_edit() -> bool:
    who = identity()
    return who is not None and has_role(who.role, "editor")


def _context():
    return current_context("commitments")


def mandates(session: Session) -> list[Mandate]:
    """Newest first: the mandate a page shows unless asked for another."""
    return list(session.scalars(select(Mandate).order_by(Mandate.id.desc())))


def chosen_mandate(session: Session) -> Mandate | None:
    wanted = request.args.get("mandate", type=int) or request.form.get("mandate", type=int)
    if wanted:
        found = find(session, Mandate, wanted)
        if found is None:
            abort(404)
        return found
    return session.scalar(select(Mandate).order_by(Mandate.id.desc()).limit(1))


def _commitment(commitment_id: int) -> Commitment:
    found = find(db(), Commitment, commitment_id)
    if found is None:
        abort(404)
    return found


@blueprint.get("/")
def index(error: writes.Refused | None = None, form: dict[str, str] | None = None):
    session = db()
    mandate = chosen_mandate(session)
    rows: list[Commitment] = []
    if mandate is not None:
        query = select(Commitment).where(Commitment.mandate_id == mandate.id)
        if (status := request.args.get("status")) in STATUSES:
            query = query.where(Commitment.status == status)
        if theme := request.args.get("theme"):
            query = query.where(Commitment.theme == theme)
        rows = list(session.scalars(query.order_by(Commitment.theme, Commitment.ref)))
    themes: dict[str, list[Commitment]] = {}
    for row in rows:
        themes.setdefault(row.theme, []).append(row)
    all_themes = (
        sorted(
            set(
                session.scalars(select(Commitment.theme).where(Commitment.mandate_id == mandate.id))
            )
        )
        if mandate
        else []
    )
    return render_template(
        "commitments/admin.html",
        mandate=mandate,
        mandates=mandates(session),
        themes=themes,
        all_themes=all_themes,
        counts=writes.counts(session, mandate.id) if mandate else {},
        filters=request.args,
        error=error,
        form=form or {},
    ), (422 if error else 200)


@blueprint.post("/mandates")
def add_mandate():
    need("editor")
    context = _context()
    form = request.form
    try:
        starts_on, ends_on = _day(form, "starts_on"), _day(form, "ends_on")
        with context.transaction() as session:
            mandate = writes.add_mandate(
                session, context, form.get("name", ""), starts_on, ends_on, form.get("description")
            )
    except writes.Refused as refused:
        return index(refused, dict(form))
    flash(_("Mandate created."))
    return redirect(url_for(".index", mandate=mandate.id))


def _mandate(mandate_id: int) -> Mandate:
    found = find(db(), Mandate, mandate_id)
    if found is None:
        abort(404)
    return found


@blueprint.get("/mandates/<int:mandate_id>")
def mandate(mandate_id: int, error: writes.Refused | None = None, form_id: str = ""):
    """A mandate's page: its name, dates and description to edit, and its deletion, which
    says what would go with it."""
    found = _mandate(mandate_id)
    form = dict(request.form) if error and form_id == "edit-form" else _mandate_form(found)
    return render_template(
        "commitments/mandate.html",
        mandate=found,
        contents=writes.mandate_contents(db(), found),
        error=error,
        form_id=form_id,
        form=form,
    ), (422 if error else 200)


def _mandate_form(found: Mandate) -> dict[str, str]:
    return {
        "name": found.name,
        "starts_on": found.starts_on.isoformat() if found.starts_on else "",
        "ends_on": found.ends_on.isoformat() if found.ends_on else "",
        "description": found.description or "",
    }


@blueprint.post("/mandates/<int:mandate_id>/edit")
def edit_mandate(mandate_id: int):
    need("editor")
    context = _context()
    form = request.form
    try:
        starts_on, ends_on = _day(form, "starts_on"), _day(form, "ends_on")
        with context.transaction() as session:
            found = session.get(Mandate, mandate_id) or abort(404)
            changed = writes.edit_mandate(
                session,
                context,
                found,
                form.get("name", ""),
                starts_on,
                ends_on,
                form.get("description"),
            )
    except writes.Refused as refused:
        return mandate(mandate_id, refused, "edit-form")
    flash(_("Mandate saved.") if changed else _("Nothing changed."))
    return redirect(url_for(".mandate", mandate_id=mandate_id))


@blueprint.post("/mandates/<int:mandate_id>/delete")
def delete_mandate(mandate_id: int):
    need("editor")
    context = _context()
    try:
        with context.transaction() as session:
            found = session.get(Mandate, mandate_id) or abort(404)
            name = found.name
            gone = writes.delete_mandate(
                session, context, found, request.form.get("confirmation", "")
            )
    except writes.Refused as refused:
        return mandate(mandate_id, refused, "delete-form")
    flash(
        ngettext(
            "Mandate %(name)s deleted with its %(num)s commitment.",
            "Mandate %(name)s deleted with its %(num)s commitments.",
            gone["commitments"],
            name=name,
        )
        if gone["commitments"]
        else _("Mandate %(name)s deleted.", name=name)
    )
    return redirect(url_for(".index"))


def _day(form: Any, name: str) -> date | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise writes.Refused(
            N_("not a date (YYYY-MM-DD): %(value)s"), name, {"value": text}
        ) from None


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    if request.method == "POST":
        need("editor")
    session = db()
    mandate = chosen_mandate(session)
    if mandate is None:
        return redirect(url_for(".index"))
    error, form = None, dict(request.form)
    if request.method == "POST":
        context = _context()
        try:
            with context.transaction() as s:
                created = writes.add_commitment(
                    s,
                    context,
                    s.merge(mandate),
                    ref=form.get("ref", ""),
                    theme=form.get("theme", ""),
                    title=form.get("title", ""),
                    description=form.get("description"),
                    status=form.get("status", ""),
                    reason=form.get("reason", ""),
                )
        except writes.Refused as refused:
            error = refused
        else:
            flash(_("Commitment added."))
            return redirect(url_for(".commitment", commitment_id=created.id))
    themes = sorted(
        set(session.scalars(select(Commitment.theme).where(Commitment.mandate_id == mandate.id)))
    )
    return render_template(
        "commitments/new.html", mandate=mandate, error=error, form=form, themes=themes
    ), (422 if error else 200)


@blueprint.get("/<int:commitment_id>")
def commitment(commitment_id: int, error: writes.Refused | None = None, form_id: str = ""):
    session = db()
    found = _commitment(commitment_id)
    search = request.args.get("search", "").strip()
    candidates = []
    if search:
        candidates = _context().collect("references", session=session, kind=None, search=search)
    history = session.scalars(
        select(StatusChange)
        .where(StatusChange.commitment_id == found.id)
        .order_by(StatusChange.id.desc())
    ).all()
    return render_template(
        "commitments/commitment.html",
        commitment=found,
        mandate=session.get(Mandate, found.mandate_id),
        evidence=session.scalars(
            select(Evidence).where(Evidence.commitment_id == found.id).order_by(Evidence.id)
        ).all(),
        history=history,
        # the person, as the audit page names them; an e-mail only for those who write
        person=People.of(session, (h.changed_by for h in history), current_language(), _can_edit()),
        instances=[i.name for i in _context().records.instances()],
        search=search,
        candidates=candidates,
        error=error,
        form_id=form_id,
        form=dict(request.form),
    ), (422 if error else 200)


@blueprint.post("/<int:commitment_id>/edit")
def edit(commitment_id: int):
    need("editor")
    context = _context()
    try:
        with context.transaction() as session:
            found = session.get(Commitment, commitment_id) or abort(404)
            changed = writes.edit_commitment(session, context, found, dict(request.form))
    except writes.Refused as refused:
        return commitment(commitment_id, refused, "edit-form")
    flash(_("Commitment saved.") if changed else _("Nothing changed."))
    return redirect(url_for(".commitment", commitment_id=commitment_id))


@blueprint.post("/<int:commitment_id>/status")
def status(commitment_id: int):
    need("editor")
    context = _context()
    form = request.form
    try:
        with context.transaction() as session:
            found = session.get(Commitment, commitment_id) or abort(404)
            moved = writes.change_status(
                session, context, found, form.get("status", ""), form.get("reason", "")
            )
    except writes.Refused as refused:
        return commitment(commitment_id, refused, "status-form")
    flash(_("Status changed.") if moved else _("The commitment already had this status."))
    return redirect(url_for(".commitment", commitment_id=commitment_id))


@blueprint.post("/<int:commitment_id>/evidence")
def add_evidence(commitment_id: int):
    need("editor")
    context = _context()
    values: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if values.get("kind") == "file":
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            values["content"] = upload.read()
            values["filename"] = upload.filename
            values["media_type"] = upload.mimetype
            values["label"] = values.get("label") or upload.filename
    if values.get("kind") == "record" and not values.get("label"):
        values["label"] = _record_label(context, values)
    try:
        with context.transaction() as session:
            found = session.get(Commitment, commitment_id) or abort(404)
            writes.add_evidence(session, context, found, **values)
    except writes.Refused as refused:
        return commitment(commitment_id, refused, "evidence-" + str(values.get("kind")))
    flash(_("Evidence added."))
    return redirect(url_for(".commitment", commitment_id=commitment_id, _anchor="evidence"))


def _record_label(context: Any, values: dict[str, Any]) -> str:
    """The synced record's title in the reader's language, when it is there."""
    try:
        record = context.records.get(
            values.get("instance", ""), values.get("resource", ""), values.get("remote_id", "")
        )
    except ValueError:
        return ""
    title = getattr(record, "title", None) if record is not None else None
    if isinstance(title, dict):
        return str(title.get(context.language) or title.get("fr") or next(iter(title.values()), ""))
    return str(title or "")


@blueprint.post("/<int:commitment_id>/evidence/<int:evidence_id>/delete")
def remove_evidence(commitment_id: int, evidence_id: int):
    need("editor")
    context = _context()
    with context.transaction() as session:
        evidence = session.get(Evidence, evidence_id)
        if evidence is None or evidence.commitment_id != commitment_id:
            abort(404)
        writes.remove_evidence(session, context, evidence)
    flash(_("Evidence removed."))
    return redirect(url_for(".commitment", commitment_id=commitment_id, _anchor="evidence"))


@blueprint.get("/import")
def import_form():
    session = db()
    return render_template(
        "commitments/import.html",
        mandates=mandates(session),
        mandate=chosen_mandate(session),
        planned=None,
    )


@blueprint.post("/import")
def import_check():
    """The dry run: what the file would change, or every line at fault. Nothing is written."""
    need("editor")
    session = db()
    mandate = chosen_mandate(session)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    if mandate is None or not data:
        flash(_("Choose a mandate and a file."), "error")
        return redirect(url_for(".import_form"))
    planned = sheetimport.plan(session, mandate, data)
    return render_template(
        "commitments/import.html",
        mandates=mandates(session),
        mandate=mandate,
        planned=planned,
        content=base64.b64encode(data).decode("ascii"),
        filename=upload.filename if upload is not None else "",
    ), (200 if planned.ok else 422)


@blueprint.post("/import/apply")
def import_apply():
    """The same file again, planned again against what is stored now and applied all or
    nothing (a change made meanwhile is seen, not overwritten blindly)."""
    need("editor")
    context = _context()
    try:
        data = base64.b64decode(request.form.get("content", ""), validate=True)
    except ValueError:
        abort(400)
    with context.transaction() as session:
        mandate = chosen_mandate(session)
        if mandate is None:
            abort(400)
        planned = sheetimport.plan(session, mandate, data)
        if not planned.ok:
            return render_template(
                "commitments/import.html",
                mandates=mandates(session),
                mandate=mandate,
                planned=planned,
                content=None,
                filename=request.form.get("filename", ""),
            ), 422
        summary = sheetimport.apply(session, context, mandate, planned)
        mandate_id = mandate.id
    flash(
        _(
            "Import done: %(create)s created, %(update)s changed, %(unchanged)s unchanged.",
            **summary,
        )
    )
    return redirect(url_for(".index", mandate=mandate_id))
