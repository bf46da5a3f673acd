"""The budget's overview and allocation pages: envelopes and their figures with charts, the
allocations (filtered, paged; proposed ones confirmed, rejected, moved or deleted), a new
allocation, and the ledger of one allocation. Viewers read; editors write; every write goes
through `writes` (audited). Envelope pages are in `admin_ledger`, the CSV import in
`admin_import`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import (
    current_context,
    current_language,
    db,
    has_role,
    need,
    pages_need_sign_in,
    required_identity,
    whole_number,
)
from plugins.budget import charts, csvimport, writes
from plugins.budget.figures import by_group, for_allocations, for_envelopes, over_time
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import amount
from plugins.budget.pages import (
    COLUMN_NAMES,
    ask_first,
    found,
    helpers,
    paged,
    typeset_in_french,
)
from plugins.budget.translation import _, said

blueprint = Blueprint(
    "budget_admin", __name__, url_prefix="/admin/budget", template_folder="templates"
)
COLUMNS = csvimport.REQUIRED + csvimport.OPTIONAL
LINE_FIELDS: tuple[str, ...] = ("kind", "date", "amount", "reference", "supplier", "label", "note")
LINE_FIELDS += ("applies_to", "cancels")


pages_need_sign_in(blueprint)
typeset_in_french(blueprint)


def configured_columns() -> dict[str, str]:
    return dict(current_context("budget").config.columns)


def can_edit() -> bool:
    return has_role(required_identity().role, "editor")


def _allocation_filters() -> tuple:
    """`?status=&envelope=&q=` of the allocations list, as a query and as the form's values."""
    args = {k: request.args.get(k, "").strip() for k in ("status", "envelope", "q")}
    query = select(Allocation)
    if args["status"] in writes.STATUSES:
        query = query.where(Allocation.status == args["status"])
    if (envelope := whole_number(args["envelope"])) is not None:
        query = query.where(Allocation.envelope_id == envelope)
    if args["q"]:
        query = query.where(Allocation.label.ilike(f"%{args['q']}%"))
    # proposed first: they wait for someone
    order = (Allocation.status != "proposed", Allocation.id)
    return query.order_by(*order), args


def overview(status: int = 200, **extra):
    """The budget page: envelopes with figures and charts, allocations (proposed first), the
    forms. `extra` carries a form's typed values and error."""
    session = db()
    envelopes = session.scalars(select(Envelope).order_by(Envelope.id)).all()
    groups = by_group(session, current_language())
    main = max(envelopes, key=lambda e: e.amount_cents, default=None)
    query, filters = _allocation_filters()
    page = paged(query)
    context = {
        "envelope_form": {},
        "envelope_error": None,
        "import_form": {"envelope": request.args.get("envelope", "")},
        "import_error": None,
        "mapping": configured_columns(),
        **extra,
    }
    return render_template(
        "budget/admin.html",
        envelopes=envelopes,
        figures=for_envelopes(session),
        page=page,
        filters=filters,
        allocation_figures=for_allocations(session, [a.id for a in page.items]),
        names={e.id: e.name for e in envelopes},
        charts={
            "theme": charts.bars([(k, f.amount, f.committed, f.paid) for k, f in groups["theme"]]),
            "neighbourhood": charts.bars(
                [(k, f.amount, f.committed, f.paid) for k, f in groups["neighbourhood"]]
            ),
            "time": charts.line_chart(
                over_time(session, main.id) if main else [], current_language()
            ),
        },
        main=main,
        columns=COLUMNS,
        column_names=COLUMN_NAMES,
        can_edit=can_edit(),
        statuses=writes.STATUSES,
        **helpers(),
        **context,
    ), status


@blueprint.get("/")
def index():
    return overview()


@blueprint.post("/envelopes")
def add_envelope():
    need("editor")
    form = request.form.to_dict()
    try:
        made = writes.create_envelope(db(), form, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return overview(422, envelope_form=form, envelope_error=exc)
    db().commit()
    flash(
        _(
            "Envelope “%(name)s” created. Say where its projects come from to get proposals.",
            name=made.name,
        ),
        "ok",
    )
    return redirect(url_for("budget_ledger.envelope", envelope_id=made.id))


# -- allocations ------------------------------------------------------------------------------
def _names_in_use() -> dict:
    """The themes and neighbourhoods allocations already use: the forms' suggestions."""
    used = db().execute(select(Allocation.theme, Allocation.neighbourhood)).all()
    return {
        "themes": sorted({t for t, _n in used if t}),
        "neighbourhoods": sorted({n for _t, n in used if n}),
    }


def _choices() -> dict:
    """What the new-allocation form offers: open envelopes, synced projects not yet allocated
    and results, names in use."""
    session = db()
    taken = set(
        session.execute(
            select(Allocation.instance, Allocation.project_remote_id).where(
                Allocation.project_remote_id.is_not(None)
            )
        ).all()
    )
    synced = current_context("budget").records
    names = [instance.name for instance in synced.instances()]
    projects = [
        p
        for name in names
        for p in synced.projects.iterate(name)
        if (name, p.remote_id) not in taken
    ]
    results = [r for name in names for r in synced.results.iterate(name)]
    return {
        "envelopes": session.scalars(
            select(Envelope).where(Envelope.closed_at.is_(None)).order_by(Envelope.id)
        ).all(),
        "projects": sorted(projects, key=lambda p: p.id),
        "results": sorted(results, key=lambda r: r.id),
        **_names_in_use(),
        **helpers(),
    }


@blueprint.route("/allocations/new", methods=["GET", "POST"])
def new_allocation():
    need("editor")
    form = {"envelope": request.args.get("envelope", "")}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            made = writes.allocate(db(), form, required_identity().actor)
        except writes.Invalid as exc:
            db().rollback()
            return render_template(
                "budget/allocation_form.html", form=form, error=exc, **_choices()
            ), 422
        db().commit()
        flash(_("Allocation saved."), "ok")
        return redirect(url_for("budget_admin.allocation", allocation_id=made.id))
    return render_template("budget/allocation_form.html", form=form, error=None, **_choices())


def _allocation_page(allocation: Allocation, status: int = 200, **extra):
    session = db()
    lines = session.scalars(
        select(LedgerLine)
        .where(LedgerLine.allocation_id == allocation.id)
        .order_by(LedgerLine.day, LedgerLine.id)
    ).all()
    project, result = writes.linked_records(current_context("budget").records, allocation)
    context = {
        "edit_form": None,
        "edit_error": None,
        "line_form": {"kind": "commitment"},
        "line_error": None,
        "move_error": None,
        **extra,
    }
    return render_template(
        "budget/allocation.html",
        allocation=allocation,
        envelope=session.get(Envelope, allocation.envelope_id),
        envelopes=session.scalars(
            select(Envelope).where(Envelope.closed_at.is_(None)).order_by(Envelope.id)
        ).all(),
        project=project,
        result=result,
        figures=for_allocations(session, [allocation.id])[allocation.id],
        lines=lines,
        can_edit=can_edit(),
        **_names_in_use(),
        **helpers(),
        **context,
    ), status


@blueprint.get("/allocations/<int:allocation_id>")
def allocation(allocation_id: int):
    return _allocation_page(found(Allocation, allocation_id))


@blueprint.post("/allocations/<int:allocation_id>")
def edit_allocation(allocation_id: int):
    need("editor")
    allocation = found(Allocation, allocation_id)
    fields = ("label", "amount", "theme", "neighbourhood")
    form = {k: request.form[k] for k in fields if k in request.form}
    try:
        writes.update_allocation(db(), allocation, form, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _allocation_page(
            found(Allocation, allocation_id), 422, edit_form=form, edit_error=exc
        )
    db().commit()
    flash(_("Allocation updated."), "ok")
    return redirect(url_for("budget_admin.allocation", allocation_id=allocation_id))


def _status(allocation_id: int, status: str):
    """Confirm or reject; the message says what, with how much, in which envelope."""
    need("editor")
    allocation = found(Allocation, allocation_id)
    writes.update_allocation(db(), allocation, {"status": status}, required_identity().actor)
    db().commit()
    envelope = db().get_one(Envelope, allocation.envelope_id)
    what = writes.what_it_does(allocation, envelope, current_language())
    if status == "confirmed":
        flash(_("Allocation confirmed: %(what)s.", what=what), "ok")
    else:
        flash(
            _("Allocation rejected: %(what)s. It will not be proposed again.", what=what),
            "ok",
        )
    back = request.form.get("back", "")
    if not back.startswith("/") or back.startswith("//"):  # only a page of this site
        back = url_for("budget_admin.index")
    return redirect(back)


@blueprint.post("/allocations/<int:allocation_id>/confirm")
def confirm(allocation_id: int):
    return _status(allocation_id, "confirmed")


@blueprint.post("/allocations/<int:allocation_id>/reject")
def reject(allocation_id: int):
    return _status(allocation_id, "rejected")


@blueprint.post("/allocations/<int:allocation_id>/move")
def move_allocation(allocation_id: int):
    need("editor")
    allocation = found(Allocation, allocation_id)
    try:
        writes.update_allocation(
            db(),
            allocation,
            {"envelope": request.form.get("envelope", "")},
            required_identity().actor,
        )
    except writes.Invalid as exc:
        db().rollback()
        return _allocation_page(found(Allocation, allocation_id), 422, move_error=exc)
    db().commit()
    what = writes.what_it_does(
        allocation, db().get_one(Envelope, allocation.envelope_id), current_language()
    )
    flash(_("Allocation moved: %(what)s.", what=what), "ok")
    return redirect(url_for("budget_admin.allocation", allocation_id=allocation_id))


@blueprint.route("/allocations/<int:allocation_id>/delete", methods=["GET", "POST"])
def delete_allocation(allocation_id: int):
    """Asks first (a page saying what goes); deletes on the confirmed form only."""
    need("editor")
    allocation = found(Allocation, allocation_id)
    envelope = db().get_one(Envelope, allocation.envelope_id)
    back = url_for("budget_admin.allocation", allocation_id=allocation_id)
    if request.method == "POST" and request.form.get("confirmed") == "1":
        try:
            writes.delete_allocation(db(), allocation, required_identity().actor)
        except writes.Invalid as exc:
            db().rollback()
            flash(said(exc), "error")
            return redirect(back)
        db().commit()
        what = writes.what_it_does(allocation, envelope, current_language())
        flash(_("Allocation deleted: %(what)s.", what=what), "ok")
        return redirect(url_for("budget_ledger.envelope", envelope_id=envelope.id))
    return ask_first(
        _("Delete allocation “%(label)s”?", label=allocation.label),
        [
            (_("Envelope"), envelope.name),
            (_("Amount"), amount(allocation.amount_cents)),
            (_("Status"), helpers()["status_name"](allocation.status)),
        ],
        url_for("budget_admin.delete_allocation", allocation_id=allocation_id),
        _("Delete the allocation"),
        back,
    )


@blueprint.post("/allocations/<int:allocation_id>/lines")
def add_line(allocation_id: int):
    need("editor")
    allocation = found(Allocation, allocation_id)
    form = {k: request.form[k] for k in LINE_FIELDS if k in request.form}
    try:
        writes.add_line(db(), {**form, "allocation": str(allocation.id)}, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        return _allocation_page(
            found(Allocation, allocation_id), 422, line_form=form, line_error=exc
        )
    db().commit()
    flash(_("Line added to the ledger."), "ok")
    return redirect(url_for("budget_admin.allocation", allocation_id=allocation_id))
