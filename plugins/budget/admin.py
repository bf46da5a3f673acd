"""The budget's admin pages: envelopes and their figures with charts, allocations (proposed,
confirmed, new, edited), the ledger of each allocation typed by hand, and the CSV import with
its column mapping. Viewers read; editors write; every write goes through `writes` (audited)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import (
    current_identity,
    current_language,
    db,
    find,
    has_role,
    need,
    pages_need_sign_in,
)
from bridge.store.models import Project, Result
from plugins.budget import charts, csvimport, writes
from plugins.budget.figures import by_group, for_allocations, for_envelopes, over_time
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import french

blueprint = Blueprint(
    "budget_admin", __name__, url_prefix="/admin/budget", template_folder="templates"
)
COLUMNS = csvimport.REQUIRED + csvimport.OPTIONAL


pages_need_sign_in(blueprint)


def _(fr: str, en: str) -> str:
    return en if current_language() == "en" else fr


def _configured_columns() -> dict[str, str]:
    return csvimport.configured_mapping(current_app.extensions["bridge"].settings)


def _page(status: int = 200, **extra):
    """The budget page: envelopes with figures and charts, allocations (proposed first), the
    forms. `extra` carries a form's typed values and error, or an import report."""
    session = db()
    envelopes = session.scalars(select(Envelope).order_by(Envelope.id)).all()
    figures = for_envelopes(session)
    groups = by_group(session, current_language())
    main = max(envelopes, key=lambda e: e.amount_cents, default=None)
    context = {
        "report": None,
        "envelope_form": {},
        "envelope_error": None,
        "mapping": _configured_columns(),
        **extra,
    }
    return render_template(
        "budget/admin.html",
        envelopes=envelopes,
        figures=figures,
        allocations=session.scalars(
            select(Allocation).order_by(Allocation.status.desc(), Allocation.id)
        ).all(),
        allocation_figures=for_allocations(session),
        names={e.id: e.name for e in envelopes},
        charts={
            "theme": charts.bars([(k, f.amount, f.committed, f.paid) for k, f in groups["theme"]]),
            "neighbourhood": charts.bars(
                [(k, f.amount, f.committed, f.paid) for k, f in groups["neighbourhood"]]
            ),
            "time": charts.line_chart(over_time(session, main.id) if main else []),
        },
        main=main,
        french=french,
        columns=COLUMNS,
        can_edit=has_role(current_identity().role, "editor"),
        **context,
    ), status


@blueprint.get("/")
def index():
    return _page()


@blueprint.post("/envelopes")
def add_envelope():
    need("editor")
    form = request.form.to_dict()
    try:
        writes.create_envelope(db(), form, current_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _page(422, envelope_form=form, envelope_error=exc)
    db().commit()
    flash(_("Enveloppe créée.", "Envelope created."), "ok")
    return redirect(url_for("budget_admin.index"))


# -- allocations ------------------------------------------------------------------------------
def _allocation(allocation_id: int) -> Allocation:
    found = find(db(), Allocation, allocation_id)
    if found is None:
        abort(404)
    return found


def _names_in_use() -> dict:
    """The themes and neighbourhoods allocations already use: the forms' suggestions."""
    used = db().execute(select(Allocation.theme, Allocation.neighbourhood)).all()
    return {
        "themes": sorted({t for t, _ in used if t}),
        "neighbourhoods": sorted({n for _, n in used if n}),
    }


def _choices() -> dict:
    """What the new-allocation form offers: envelopes, synced projects not yet allocated and
    results, names in use."""
    session = db()
    taken = set(session.scalars(select(Allocation.project_id).where(Allocation.project_id > 0)))
    return {
        "envelopes": session.scalars(select(Envelope).order_by(Envelope.id)).all(),
        "projects": [
            p
            for p in session.scalars(
                select(Project).where(Project.removed_at.is_(None)).order_by(Project.id)
            )
            if p.id not in taken
        ],
        "results": session.scalars(
            select(Result).where(Result.removed_at.is_(None)).order_by(Result.id)
        ).all(),
        **_names_in_use(),
        "french": french,
    }


@blueprint.route("/allocations/new", methods=["GET", "POST"])
def new_allocation():
    need("editor")
    form = {"envelope": request.args.get("envelope", "")}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            made = writes.allocate(db(), form, current_identity().actor)
        except writes.Invalid as exc:
            db().rollback()
            return render_template(
                "budget/allocation_form.html", form=form, error=exc, **_choices()
            ), 422
        db().commit()
        flash(_("Allocation enregistrée.", "Allocation saved."), "ok")
        return redirect(url_for("budget_admin.allocation", allocation_id=made.id))
    return render_template("budget/allocation_form.html", form=form, error=None, **_choices())


def _allocation_page(allocation: Allocation, status: int = 200, **extra):
    session = db()
    lines = session.scalars(
        select(LedgerLine)
        .where(LedgerLine.allocation_id == allocation.id)
        .order_by(LedgerLine.day, LedgerLine.id)
    ).all()
    context = {
        "edit_form": None,
        "edit_error": None,
        "line_form": {"kind": "commitment"},
        "line_error": None,
        **extra,
    }
    return render_template(
        "budget/allocation.html",
        allocation=allocation,
        envelope=session.get(Envelope, allocation.envelope_id),
        project=session.get(Project, allocation.project_id) if allocation.project_id else None,
        result=session.get(Result, allocation.result_id) if allocation.result_id else None,
        figures=for_allocations(session, [allocation.id])[allocation.id],
        lines=lines,
        can_edit=has_role(current_identity().role, "editor"),
        **_names_in_use(),
        french=french,
        **context,
    ), status


@blueprint.get("/allocations/<int:allocation_id>")
def allocation(allocation_id: int):
    return _allocation_page(_allocation(allocation_id))


@blueprint.post("/allocations/<int:allocation_id>")
def edit_allocation(allocation_id: int):
    need("editor")
    found = _allocation(allocation_id)
    fields = ("label", "amount", "theme", "neighbourhood", "status")
    form = {k: request.form[k] for k in fields if k in request.form}
    try:
        writes.update_allocation(db(), found, form, current_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _allocation_page(_allocation(allocation_id), 422, edit_form=form, edit_error=exc)
    db().commit()
    flash(_("Allocation modifiée.", "Allocation updated."), "ok")
    return redirect(url_for("budget_admin.allocation", allocation_id=allocation_id))


@blueprint.post("/allocations/<int:allocation_id>/confirm")
def confirm(allocation_id: int):
    need("editor")
    writes.update_allocation(
        db(), _allocation(allocation_id), {"status": "confirmed"}, current_identity().actor
    )
    db().commit()
    return redirect(url_for("budget_admin.index"))


@blueprint.post("/allocations/<int:allocation_id>/lines")
def add_line(allocation_id: int):
    need("editor")
    found = _allocation(allocation_id)
    form = request.form.to_dict()
    form.pop("csrf_token", None)
    try:
        writes.add_line(db(), {**form, "allocation": str(found.id)}, current_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _allocation_page(_allocation(allocation_id), 422, line_form=form, line_error=exc)
    db().commit()
    flash(_("Ligne ajoutée au grand livre.", "Line added to the ledger."), "ok")
    return redirect(url_for("budget_admin.allocation", allocation_id=allocation_id))


@blueprint.post("/lines/<int:line_id>/delete")
def delete_line(line_id: int):
    need("editor")
    line = find(db(), LedgerLine, line_id)
    if line is None:
        abort(404)
    back = line.allocation_id
    writes.delete_line(db(), line, current_identity().actor)
    db().commit()
    flash(_("Ligne supprimée.", "Line deleted."), "ok")
    if back is None:
        return redirect(url_for("budget_admin.index"))
    return redirect(url_for("budget_admin.allocation", allocation_id=back))


# -- the finance department's CSV -------------------------------------------------------------
@blueprint.post("/import")
def import_csv():
    need("editor")
    envelope = db().get(Envelope, request.form.get("envelope", type=int) or 0)
    upload = request.files.get("file")
    mapping = {
        name: request.form[f"column_{name}"].strip()
        for name in COLUMNS
        if request.form.get(f"column_{name}", "").strip()
    }
    if envelope is None or upload is None or not upload.filename:
        flash(
            _("Choisissez une enveloppe et un fichier CSV.", "Choose an envelope and a CSV file."),
            "error",
        )
        return redirect(url_for("budget_admin.index"))
    dry_run = request.form.get("dry_run") == "1"
    report = writes.import_csv(
        db(),
        envelope,
        upload.read(),
        current_identity().actor,
        filename=upload.filename,
        dry_run=dry_run,
        mapping={**_configured_columns(), **mapping},
    )
    if report.ok and not dry_run:
        db().commit()
    else:
        db().rollback()
    return _page(
        200 if report.ok else 422,
        report=report,
        dry_run=dry_run,
        filename=upload.filename,
        mapping={**_configured_columns(), **mapping},
    )
