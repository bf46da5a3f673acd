"""An envelope's page (its figures, sources, allocations and ledger lines, filtered and paged;
edit, close, delete when empty) and a ledger line's page (move it, delete it after asking).
Lines without an allocation live here: the allocation pages only show their own."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import (
    db,
    need,
    pages_need_sign_in,
    required_identity,
    whole_number,
)
from plugins.budget import kinds, writes
from plugins.budget.admin import LINE_FIELDS, can_edit
from plugins.budget.figures import for_allocations, for_envelopes
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import amount
from plugins.budget.pages import ask_first, found, helpers, paged, typeset_in_french
from plugins.budget.translation import _, ngettext, said

blueprint = Blueprint(
    "budget_ledger", __name__, url_prefix="/admin/budget", template_folder="templates"
)
pages_need_sign_in(blueprint)
typeset_in_french(blueprint)

ENVELOPE_FIELDS = ("name", "amount", "year_start", "year_end", "source")


def _line_filters(envelope: Envelope) -> tuple:
    """`?kind=&allocation=&q=` of an envelope's lines (`allocation=none`: lines without one)."""
    args = {k: request.args.get(k, "").strip() for k in ("kind", "allocation", "q")}
    query = select(LedgerLine).where(LedgerLine.envelope_id == envelope.id)
    if args["kind"] in kinds.KINDS:
        query = query.where(LedgerLine.kind == args["kind"])
    if args["allocation"] == "none":
        query = query.where(LedgerLine.allocation_id.is_(None))
    elif (allocation := whole_number(args["allocation"])) is not None:
        query = query.where(LedgerLine.allocation_id == allocation)
    if args["q"]:
        pattern = f"%{args['q']}%"
        query = query.where(
            LedgerLine.reference.ilike(pattern)
            | LedgerLine.supplier.ilike(pattern)
            | LedgerLine.label.ilike(pattern)
        )
    return query.order_by(LedgerLine.day, LedgerLine.id), args


def _envelope_page(envelope: Envelope, status: int = 200, **extra):
    session = db()
    allocations = session.scalars(
        select(Allocation).where(Allocation.envelope_id == envelope.id).order_by(Allocation.id)
    ).all()
    query, filters = _line_filters(envelope)
    unallocated = session.scalar(
        select(LedgerLine.id)
        .where(LedgerLine.envelope_id == envelope.id, LedgerLine.allocation_id.is_(None))
        .limit(1)
    )
    context = {
        "edit_form": None,
        "edit_error": None,
        "line_form": {"kind": "commitment"},
        "line_error": None,
        "sources_error": None,
        **extra,
    }
    return render_template(
        "budget/envelope.html",
        envelope=envelope,
        figures=for_envelopes(session)[envelope.id],
        allocations=allocations,
        allocation_figures=for_allocations(session, [a.id for a in allocations]),
        labels={a.id: a.label for a in allocations},
        page=paged(query),
        filters=filters,
        has_unallocated=unallocated is not None,
        sources=writes.sources_of(session, envelope),
        source_choices=writes.source_choices(session),
        empty=not allocations
        and not session.scalar(
            select(LedgerLine.id).where(LedgerLine.envelope_id == envelope.id).limit(1)
        ),
        can_edit=can_edit(),
        kinds=kinds.KINDS,
        **helpers(),
        **context,
    ), status


@blueprint.get("/envelopes/<int:envelope_id>")
def envelope(envelope_id: int):
    return _envelope_page(found(Envelope, envelope_id))


@blueprint.post("/envelopes/<int:envelope_id>/edit")
def edit_envelope(envelope_id: int):
    need("editor")
    envelope = found(Envelope, envelope_id)
    form = {k: request.form[k] for k in ENVELOPE_FIELDS if k in request.form}
    try:
        writes.update_envelope(db(), envelope, form, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _envelope_page(found(Envelope, envelope_id), 422, edit_form=form, edit_error=exc)
    db().commit()
    flash(_("Envelope “%(name)s” updated.", name=envelope.name), "ok")
    return redirect(url_for("budget_ledger.envelope", envelope_id=envelope_id))


@blueprint.post("/envelopes/<int:envelope_id>/sources")
def set_sources(envelope_id: int):
    need("editor")
    envelope = found(Envelope, envelope_id)
    try:
        proposed = writes.set_sources(
            db(), envelope, request.form.getlist("source"), required_identity().actor
        )
    except writes.Invalid as exc:
        db().rollback()
        return _envelope_page(found(Envelope, envelope_id), 422, sources_error=exc)
    db().commit()
    flash(
        ngettext(
            "Sources of “%(name)s” saved; %(num)s allocation proposed.",
            "Sources of “%(name)s” saved; %(num)s allocations proposed.",
            proposed,
            name=envelope.name,
        ),
        "ok",
    )
    return redirect(url_for("budget_ledger.envelope", envelope_id=envelope_id))


@blueprint.post("/envelopes/<int:envelope_id>/close")
def close(envelope_id: int):
    need("editor")
    envelope = found(Envelope, envelope_id)
    closing = request.form.get("closed") == "1"
    writes.set_closed(db(), envelope, closing, required_identity().actor)
    db().commit()
    if closing:
        flash(_("Envelope “%(name)s” closed.", name=envelope.name), "ok")
    else:
        flash(
            _("Envelope “%(name)s” reopened.", name=envelope.name),
            "ok",
        )
    return redirect(url_for("budget_ledger.envelope", envelope_id=envelope_id))


@blueprint.route("/envelopes/<int:envelope_id>/delete", methods=["GET", "POST"])
def delete_envelope(envelope_id: int):
    need("editor")
    envelope = found(Envelope, envelope_id)
    back = url_for("budget_ledger.envelope", envelope_id=envelope_id)
    if request.method == "POST" and request.form.get("confirmed") == "1":
        try:
            writes.delete_envelope(db(), envelope, required_identity().actor)
        except writes.Invalid as exc:
            db().rollback()
            flash(said(exc), "error")
            return redirect(back)
        db().commit()
        flash(
            _("Envelope “%(name)s” deleted.", name=envelope.name),
            "ok",
        )
        return redirect(url_for("budget_admin.index"))
    return ask_first(
        _("Delete envelope “%(name)s”?", name=envelope.name),
        [(_("Amount"), amount(envelope.amount_cents))],
        url_for("budget_ledger.delete_envelope", envelope_id=envelope_id),
        _("Delete the envelope"),
        back,
    )


@blueprint.post("/envelopes/<int:envelope_id>/lines")
def add_line(envelope_id: int):
    """A line of the envelope without allocation (or with one, chosen in the form)."""
    need("editor")
    envelope = found(Envelope, envelope_id)
    form = {k: request.form[k] for k in (*LINE_FIELDS, "allocation") if k in request.form}
    try:
        writes.add_line(db(), {**form, "envelope": envelope.id}, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _envelope_page(found(Envelope, envelope_id), 422, line_form=form, line_error=exc)
    db().commit()
    flash(_("Line added to the ledger."), "ok")
    return redirect(url_for("budget_ledger.envelope", envelope_id=envelope_id))


# -- one line ---------------------------------------------------------------------------------
def _line_page(line: LedgerLine, status: int = 200, move_error=None):
    session = db()
    envelopes = session.scalars(
        select(Envelope).where(Envelope.closed_at.is_(None)).order_by(Envelope.id)
    ).all()
    allocations = session.scalars(
        select(Allocation)
        .where(Allocation.envelope_id.in_([e.id for e in envelopes]))
        .order_by(Allocation.envelope_id, Allocation.id)
    ).all()
    return render_template(
        "budget/line.html",
        line=line,
        envelope=session.get(Envelope, line.envelope_id),
        allocation=session.get(Allocation, line.allocation_id) if line.allocation_id else None,
        cancels=session.get(LedgerLine, line.cancels_id) if line.cancels_id else None,
        envelopes=envelopes,
        allocations=allocations,
        move_error=move_error,
        can_edit=can_edit(),
        **helpers(),
    ), status


@blueprint.get("/lines/<int:line_id>")
def line(line_id: int):
    return _line_page(found(LedgerLine, line_id))


@blueprint.post("/lines/<int:line_id>/move")
def move_line(line_id: int):
    need("editor")
    line = found(LedgerLine, line_id)
    try:
        writes.move_line(db(), line, request.form.get("destination", ""), required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _line_page(found(LedgerLine, line_id), 422, move_error=exc)
    db().commit()
    envelope = db().get_one(Envelope, line.envelope_id)
    where = f"« {envelope.name} »"
    if line.allocation_id:
        where += f", « {db().get_one(Allocation, line.allocation_id).label} »"
    flash(
        _("Line %(reference)s moved to %(where)s.", reference=line.reference, where=where),
        "ok",
    )
    return redirect(url_for("budget_ledger.line", line_id=line_id))


@blueprint.route("/lines/<int:line_id>/delete", methods=["GET", "POST"])
def delete_line(line_id: int):
    """Asks first (a page saying what goes); deletes on the confirmed form only."""
    need("editor")
    line = found(LedgerLine, line_id)
    back = (
        url_for("budget_admin.allocation", allocation_id=line.allocation_id)
        if line.allocation_id
        else url_for("budget_ledger.envelope", envelope_id=line.envelope_id)
    )
    if request.method == "POST" and request.form.get("confirmed") == "1":
        try:
            writes.delete_line(db(), line, required_identity().actor)
        except writes.Invalid as exc:
            db().rollback()
            flash(said(exc), "error")
            return redirect(back)
        db().commit()
        flash(
            _(
                "Line %(reference)s (%(amount)s) deleted.",
                reference=line.reference,
                amount=amount(line.amount_cents),
            ),
            "ok",
        )
        return redirect(back)
    shown = helpers()
    return ask_first(
        _("Delete line %(reference)s?", reference=line.reference),
        [
            (_("Envelope"), db().get_one(Envelope, line.envelope_id).name),
            (_("Kind"), shown["kind_name"](line)),
            (_("Date"), shown["day"](line.day)),
            (_("Amount"), amount(line.amount_cents)),
            (_("Supplier"), line.supplier or "—"),
        ],
        url_for("budget_ledger.delete_line", line_id=line_id),
        _("Delete the line"),
        back,
    )
