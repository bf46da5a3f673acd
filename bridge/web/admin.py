"""The admin pages: instances, connection test, "sync now", runs, proposals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge import instances
from bridge.accounts import audit, has_role
from bridge.store.models import Instance, Proposal, Space, SyncRequest, SyncRun
from bridge.web.access import current_identity
from bridge.web.i18n import words

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
FORM_FIELDS = (
    "name",
    "base_url",
    "locale",
    "schedule_interval_minutes",
    "schedule_cron",
    "rate_limit_per_minute",
)


@blueprint.before_request
def signed_in():
    if current_identity() is None or request.headers.get("Authorization"):
        return redirect(url_for("auth.login", next=request.path))
    return None


def need(role: str) -> None:
    if not has_role(current_identity().role, role):
        abort(403)


def _db():
    from bridge.app import db

    return db()


def _instance(name: str) -> Instance:
    found = _db().scalar(select(Instance).where(Instance.name == name))
    if found is None:
        abort(404)
    return found


@blueprint.get("/")
def index():
    rows = _db().scalars(select(Instance).order_by(Instance.name)).all()
    return render_template("admin/instances.html", instances=rows, identity=current_identity())


def _form_values() -> dict:
    values = {}
    for field in FORM_FIELDS:
        raw = request.form.get(field, "").strip()
        if field in ("schedule_interval_minutes", "rate_limit_per_minute"):
            values[field] = int(raw) if raw.isdigit() else (raw or None)
        else:
            values[field] = raw or None
    if values.get("rate_limit_per_minute") is None:
        values.pop("rate_limit_per_minute")
    return values


@blueprint.route("/instances/new", methods=["GET", "POST"])
def new_instance():
    need("admin")
    form = {"locale": "fr", "rate_limit_per_minute": 90}
    if request.method == "POST":
        form = _form_values()
        try:
            made = instances.create(_db(), dict(form), current_identity().actor)
        except instances.InvalidField as exc:
            _db().rollback()
            return render_template("admin/instance_form.html", form=form, error=exc), 422
        return redirect(url_for("admin.instance", name=made.name))
    return render_template("admin/instance_form.html", form=form, error=None)


@blueprint.get("/instances/<name>")
def instance(name: str):
    found = _instance(name)
    runs = (
        _db()
        .scalars(
            select(SyncRun)
            .where(SyncRun.instance_id == found.id)
            .order_by(SyncRun.id.desc())
            .limit(20)
        )
        .all()
    )
    pending = _db().scalar(
        select(SyncRequest.id).where(
            SyncRequest.instance_id == found.id, SyncRequest.picked_at.is_(None)
        )
    )
    busy = pending is not None or any(r.status == "running" for r in runs)
    processes = (
        _db()
        .scalars(select(Space).where(Space.instance_id == found.id, Space.removed_at.is_(None)))
        .all()
    )
    return render_template(
        "admin/instance.html", instance=found, runs=runs, busy=busy, processes=processes
    )


@blueprint.post("/instances/<name>/test")
def test_connection(name: str):
    from bridge.decidim import DecidimClient, DecidimError

    need("admin")
    found = _instance(name)
    client = DecidimClient(
        found.base_url, rate_limit=found.rate_limit_per_minute, retries=1, timeout=15
    )
    try:
        version = client.detect_version()
        spaces = client.spaces()
        flash(
            f"{words()['connection_ok']} : Decidim {client.reported_version or version} — "
            f"{len(spaces['participatory_process'])} {words()['processes_found']}",
            "ok",
        )
    except DecidimError as exc:
        flash(f"{words()['connection_failed']} : {exc}", "error")
    finally:
        client.close()
    return redirect(url_for("admin.instance", name=name))


@blueprint.post("/instances/<name>/sync")
def sync_now(name: str):
    from flask import current_app

    from bridge.scheduler import request_sync

    need("editor")
    found = _instance(name)
    actor = current_identity().actor
    request_sync(current_app.extensions["bridge"].sessions, found.name, requested_by=actor)
    audit(_db(), actor, "sync.request", f"instance:{found.name}")
    _db().commit()
    flash(words()["sync_requested"], "ok")
    return redirect(url_for("admin.instance", name=name))


@blueprint.get("/instances/<name>/proposals")
def proposals(name: str):
    found = _instance(name)
    rows = (
        _db()
        .scalars(
            select(Proposal)
            .where(Proposal.instance_id == found.id, Proposal.removed_at.is_(None))
            .order_by(Proposal.id)
            .limit(100)
        )
        .all()
    )
    return render_template("admin/proposals.html", instance=found, proposals=rows)


@blueprint.get("/proposals/<int:proposal_id>")
def proposal(proposal_id: int):
    found = _db().get(Proposal, proposal_id)
    if found is None:
        abort(404)
    return render_template(
        "admin/proposal.html", proposal=found, instance=_db().get(Instance, found.instance_id)
    )
