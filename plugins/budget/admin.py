"""The budget's admin pages: envelopes and their figures, allocations to confirm, CSV import."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.plugin import audit, current_identity, db, has_role
from plugins.budget import csvimport
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, Envelope
from plugins.budget.money import french

blueprint = Blueprint(
    "budget_admin", __name__, url_prefix="/admin/budget", template_folder="templates"
)


@blueprint.before_request
def signed_in():
    if current_identity() is None or request.headers.get("Authorization"):
        return redirect(url_for("auth.login"))
    return None


def need(role: str) -> None:
    if not has_role(current_identity().role, role):
        abort(403)


def _page(status: int = 200, **extra):
    """The budget page: envelopes with their figures, allocations (proposed first)."""
    return render_template(
        "budget/admin.html",
        envelopes=db().scalars(select(Envelope).order_by(Envelope.id)).all(),
        figures=for_envelopes(db()),
        allocations=db()
        .scalars(select(Allocation).order_by(Allocation.status.desc(), Allocation.id))
        .all(),
        french=french,
        **{"report": None, **extra},
    ), status


@blueprint.get("/")
def index():
    return _page()


@blueprint.post("/allocations/<int:allocation_id>/confirm")
def confirm(allocation_id: int):
    need("editor")
    allocation = db().get(Allocation, allocation_id)
    if allocation is None:
        abort(404)
    before = allocation.status
    allocation.status = "confirmed"
    audit(
        db(),
        current_identity().actor,
        "budget.allocation.confirm",
        f"allocation:{allocation.id}",
        before={"status": before},
        after={"status": "confirmed"},
    )
    db().commit()
    return redirect(url_for("budget_admin.index"))


@blueprint.post("/import")
def import_csv():
    need("editor")
    envelope = db().get(Envelope, request.form.get("envelope", type=int) or 0)
    upload = request.files.get("file")
    if envelope is None or upload is None or not upload.filename:
        flash(
            _("Choisissez une enveloppe et un fichier CSV.", "Choose an envelope and a CSV file."),
            "error",
        )
        return redirect(url_for("budget_admin.index"))
    dry_run = request.form.get("dry_run") == "1"
    report = csvimport.import_file(db(), envelope.id, upload.read(), dry_run=dry_run)
    if report.ok and not dry_run and report.new:
        audit(
            db(),
            current_identity().actor,
            "budget.import",
            f"envelope:{envelope.id}",
            after={"file": upload.filename, "lines": len(report.new)},
        )
        db().commit()
    return _page(
        200 if report.ok else 422, report=report, dry_run=dry_run, filename=upload.filename
    )


def _(fr: str, en: str) -> str:
    from bridge.web.i18n import current_language

    return en if current_language() == "en" else fr


@blueprint.post("/envelopes")
def add_envelope():
    """Create an envelope from the page (editor): name, amount in euros, years."""
    from sqlalchemy.exc import IntegrityError

    from bridge.timeutil import utcnow
    from plugins.budget.money import AmountError, parse_euros

    need("editor")
    name = request.form.get("name", "").strip()
    try:
        cents = parse_euros(request.form.get("amount", ""))
        if not name:
            raise AmountError(_("le nom est obligatoire", "the name is required"))
    except AmountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("budget_admin.index"))
    year = request.form.get("year", type=int)
    envelope = Envelope(
        name=name,
        amount_cents=cents,
        year_start=year,
        year_end=year,
        source=request.form.get("source") or None,
        created_at=utcnow(),
    )
    db().add(envelope)
    try:
        db().flush()
    except IntegrityError:
        db().rollback()
        flash(_("Une enveloppe porte déjà ce nom.", "An envelope already has this name."), "error")
        return redirect(url_for("budget_admin.index"))
    audit(
        db(),
        current_identity().actor,
        "budget.envelope.create",
        f"envelope:{envelope.id}",
        after={"name": name, "amount_cents": cents},
    )
    db().commit()
    return redirect(url_for("budget_admin.index"))
