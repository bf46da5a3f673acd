"""The finance department's CSV or .xlsx workbook, from the browser: its result on a page of
its own, and a dry run that can only be followed by the import of that very file into that
very envelope.

A dry run's page carries the file's content, its SHA-256 and the envelope in a form signed with
the app's secret key: "Importer ces lignes dans « X »" imports what was checked, where it was
checked, and nothing else (a changed field breaks the signature and is refused).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from bridge.plugin import N_, db, need, pages_need_sign_in, required_identity
from plugins.budget import writes
from plugins.budget.admin import COLUMNS, configured_columns, overview
from plugins.budget.models import Envelope
from plugins.budget.pages import COLUMN_NAMES, helpers, typeset_in_french
from plugins.budget.translation import _

blueprint = Blueprint(
    "budget_import", __name__, url_prefix="/admin/budget", template_folder="templates"
)
pages_need_sign_in(blueprint)
typeset_in_french(blueprint)


def _signature(envelope_id: int, digest: str, mapping: dict[str, str], filename: str) -> str:
    message = json.dumps([envelope_id, digest, mapping, filename], sort_keys=True)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _result(envelope: Envelope, report, data: bytes, *, dry_run: bool, filename: str, mapping):
    digest = hashlib.sha256(data).hexdigest()
    return render_template(
        "budget/import_result.html",
        envelope=envelope,
        report=report,
        early=[row for row in report.new if not envelope.covers(row.day)],
        dry_run=dry_run,
        filename=filename,
        digest=digest,
        content=base64.b64encode(data).decode() if dry_run and report.ok and report.new else "",
        signature=_signature(envelope.id, digest, mapping, filename),
        mapping=mapping,
        mapping_sent=base64.b64encode(json.dumps(mapping, sort_keys=True).encode()).decode(),
        # the next file starts as a dry run, unless this one was a real import refused
        import_form={
            "envelope": str(envelope.id),
            "dry_run": "0" if not (dry_run or report.ok) else "1",
        },
        envelopes=db().scalars(select(Envelope).order_by(Envelope.id)).all(),
        columns=COLUMNS,
        column_names=COLUMN_NAMES,
        **helpers(),
    ), (200 if report.ok else 422)


def _run(envelope: Envelope, data: bytes, *, dry_run: bool, filename: str, mapping):
    report = writes.import_csv(
        db(),
        envelope,
        data,
        required_identity().actor,
        filename=filename,
        dry_run=dry_run,
        mapping=mapping,
    )
    if report.ok and not dry_run:
        db().commit()
    else:
        db().rollback()
    return _result(envelope, report, data, dry_run=dry_run, filename=filename, mapping=mapping)


@blueprint.post("/import")
def import_csv():
    need("editor")
    form = {**request.form.to_dict(), "dry_run": request.form.get("dry_run", "0")}
    envelope = db().get(Envelope, request.form.get("envelope", type=int) or 0)
    upload = request.files.get("file")
    mapping = {
        name: request.form[f"column_{name}"].strip()
        for name in COLUMNS
        if request.form.get(f"column_{name}", "").strip()
    }
    if envelope is None or upload is None or not upload.filename:
        error = writes.Invalid(
            "file" if envelope else "envelope", N_("choose an envelope and a file (CSV or .xlsx)")
        )
        return overview(422, import_form=form, import_error=error, mapping=mapping)
    return _run(
        envelope,
        upload.read(),
        dry_run=request.form.get("dry_run") == "1",
        filename=upload.filename,
        mapping={**configured_columns(), **mapping},
    )


@blueprint.post("/import/checked")
def import_checked():
    """The import of a file a dry run checked, into the envelope it was checked for."""
    need("editor")
    envelope = db().get(Envelope, request.form.get("envelope", type=int) or 0)
    try:
        data = base64.b64decode(request.form.get("content", ""), validate=True)
        mapping = json.loads(base64.b64decode(request.form.get("mapping", ""), validate=True))
    except ValueError:
        abort(400)
    filename = request.form.get("filename", "")
    digest = hashlib.sha256(data).hexdigest()
    if (
        envelope is None
        or not isinstance(mapping, dict)
        or not hmac.compare_digest(
            _signature(envelope.id, digest, mapping, filename), request.form.get("signature", "")
        )
    ):
        return render_template(
            "budget/import_result.html",
            envelope=envelope,
            report=None,
            refused=_(
                "This form changed since the dry run: nothing was imported. Run the check again."
            ),
            **helpers(),
        ), 400
    return _run(envelope, data, dry_run=False, filename=filename, mapping=mapping)
