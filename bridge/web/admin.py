"""The admin pages: instances (add, edit), connection test, "sync now", runs with their
progress, the change feed, proposals, plugins. Users and API tokens: `admin_accounts`."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import and_, func, or_, select

from bridge import instances
from bridge.access import current_identity, need, pages_need_sign_in, required_identity
from bridge.accounts import audit, has_role
from bridge.connection_check import check_connection
from bridge.db import db
from bridge.delivery import Delivery
from bridge.health import instances_health
from bridge.i18n import gettext
from bridge.inputs import whole_number
from bridge.paging import keyset, numbered
from bridge.scheduler import request_sync
from bridge.store.db import contains_text, find
from bridge.store.models import (
    Change,
    ComponentRecord,
    Instance,
    Project,
    Proposal,
    Space,
    SyncRequest,
    SyncRun,
)
from bridge.sync.resources import RESOURCES
from bridge.timeutil import utcnow
from bridge.web.i18n import term

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
FORM_FIELDS = (
    "name",
    "base_url",
    "locale",
    "schedule_interval_minutes",
    "schedule_cron",
    "rate_limit_per_minute",
)
EDIT_FIELDS = FORM_FIELDS[1:]
# Decidim's API user (0.31+): typed, never shown again; on the edit form, empty keeps them.
CREDENTIALS = ("api_key", "api_secret")
CHANGES_PER_PAGE = 50
PROPOSALS_PER_PAGE = 50
PICKED_GRACE = timedelta(seconds=30)


pages_need_sign_in(blueprint)


@blueprint.app_context_processor
def who():
    """`current_identity()` in every template (the menu of plugins' pages too), or None."""
    return {"current_identity": current_identity}


def _db():
    return db()


def _instance(name: str) -> Instance:
    found = _db().scalar(select(Instance).where(Instance.name == name))
    if found is None:
        abort(404)
    return found


def sync_waiting(found: Instance) -> bool:
    """A sync asked for and not finished: a request not picked yet, or picked a moment ago by
    a scheduler that has not opened its run yet (without this, a page that refreshes while it
    waits could stop in between), or a run under way."""
    pending = _db().scalar(
        select(SyncRequest.id)
        .where(
            SyncRequest.instance_id == found.id,
            or_(
                SyncRequest.picked_at.is_(None),
                and_(
                    SyncRequest.run_id.is_(None),
                    SyncRequest.picked_at > utcnow() - PICKED_GRACE,
                ),
            ),
        )
        .limit(1)
    )
    running = _db().scalar(
        select(SyncRun.id)
        .where(SyncRun.instance_id == found.id, SyncRun.status == "running")
        .limit(1)
    )
    return pending is not None or running is not None


@blueprint.get("/instances")
def instance_list():
    """Every instance with its publication, its last run's state and its last success."""

    return render_template(
        "admin/instances.html", rows=instances_health(_db()), identity=current_identity()
    )


def _form_values(fields=FORM_FIELDS) -> dict:
    values = {}
    for field in fields:
        raw = request.form.get(field, "").strip()
        if field in ("schedule_interval_minutes", "rate_limit_per_minute"):
            number = whole_number(raw)
            values[field] = (raw or None) if number is None else number
        else:
            values[field] = raw or None
    if values.get("rate_limit_per_minute") is None:
        values.pop("rate_limit_per_minute")
    if request.form.get("clear_credentials") == "on":
        values.update(dict.fromkeys(CREDENTIALS))
    else:
        values.update({f: v for f in CREDENTIALS if (v := request.form.get(f, "").strip())})
    return values


@blueprint.route("/instances/new", methods=["GET", "POST"])
def new_instance():
    need("admin")
    form = {"locale": "fr", "rate_limit_per_minute": 90}
    if request.method == "POST":
        form = _form_values()
        try:
            made = instances.create(_db(), dict(form), required_identity().actor)
        except instances.InvalidField as exc:
            _db().rollback()
            return render_template("admin/instance_form.html", form=form, error=exc), 422
        flash(
            gettext(
                "Instance “%(name)s” added. Next: test the connection, then run a first sync:"
                " it reads the processes and assemblies of this Decidim, which you then choose"
                " under “Synced spaces”.",
                name=made.name,
            ),
            "ok",
        )
        return redirect(url_for("admin.instance", name=made.name))
    return render_template("admin/instance_form.html", form=form, error=None)


@blueprint.route("/instances/<name>/edit", methods=["GET", "POST"])
def edit_instance(name: str):
    need("admin")
    found = _instance(name)
    form = {field: getattr(found, field) for field in EDIT_FIELDS}
    form["enabled"] = found.enabled
    if request.method == "POST":
        form = _form_values(EDIT_FIELDS)
        form["enabled"] = request.form.get("enabled") == "on"
        try:
            instances.update(_db(), found, dict(form), required_identity().actor)
        except instances.InvalidField as exc:
            _db().rollback()
            return render_template(
                "admin/instance_edit.html", instance=found, form=form, error=exc
            ), 422
        flash(gettext("Changes saved."), "ok")
        return redirect(url_for("admin.instance", name=found.name))
    return render_template("admin/instance_edit.html", instance=found, form=form, error=None)


@blueprint.get("/instances/<name>")
def instance(name: str):
    found = _instance(name)
    identity = required_identity()
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
    busy = sync_waiting(found) or any(r.status == "running" for r in runs)
    running = [r.id for r in runs if r.status == "running"]
    # What a running run has stored so far: components done and requests (the engine saves
    # them as it goes) and the changes it has committed, page by page.
    changes_so_far = dict(
        _db()
        .execute(
            select(Change.run_id, func.count())
            .where(Change.run_id.in_(running))
            .group_by(Change.run_id)
        )
        .all()
        if running
        else []
    )
    processes = (
        _db()
        .scalars(select(Space).where(Space.instance_id == found.id, Space.removed_at.is_(None)))
        .all()
    )
    return render_template(
        "admin/instance.html",
        instance=found,
        runs=runs,
        busy=busy,
        processes=processes,
        changes_so_far=changes_so_far,
        identity=identity,
        may_sync=has_role(identity.role, "editor"),  # a viewer sees no button it may not press
    )


@blueprint.get("/instances/<name>/changes")
def changes(name: str):
    """The change feed, newest first, by keyset on the id (`?before=` the last id shown),
    filtered by kind of record and searched (`?q=`) by title, kind or Decidim id."""
    found = _instance(name)
    session = _db()
    resource = request.args.get("resource") or None
    q = (request.args.get("q") or "").strip()[:200]
    before = request.args.get("before", "")
    query = select(Change).where(Change.instance_id == found.id)
    if resource:
        query = query.where(Change.resource == resource)
    if q:
        query = query.where(_change_search(session, found.id, q))
    found_page = keyset(
        session,
        query,
        Change,
        limit=CHANGES_PER_PAGE,
        after=whole_number(before),
        descending=True,
    )
    rows = found_page.items
    return render_template(
        "admin/changes.html",
        instance=found,
        changes=rows,
        titles=_titles(rows),
        resource=resource,
        q=q,
        resources=_change_resources(session, found.id),
        next_before=found_page.next,
    )


def _change_resources(session, instance_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Change.resource)
            .where(Change.instance_id == instance_id)
            .distinct()
            .order_by(Change.resource)
        )
    )


def _change_search(session, instance_id: int, q: str):
    """What the change feed's search box finds: the Decidim id (remote id), the kind of
    record in French, English or as stored ("projet", "projects"), or a word of the changed
    record's title in any language (one subquery per kind of titled record)."""
    folded = q.casefold()
    kinds = [
        r
        for r in _change_resources(session, instance_id)
        if any(
            folded in word.casefold()
            for word in (r, term("resource", r), term("resource", r, "en"))
        )
    ]
    return or_(
        contains_text(session, q, Change, "remote_id"),
        Change.resource.in_(kinds),
        *(
            and_(
                Change.resource == resource,
                Change.record_id.in_(
                    select(model.id).where(
                        model.instance_id == instance_id, contains_text(session, q, model, "title")
                    )
                ),
            )
            for resource, model in TITLED.items()
        ),
    )


# The change feed's resources whose records have a translated title, and their tables.
TITLED: dict[str, type[Space] | type[ComponentRecord]] = {
    "spaces": Space,
    "projects": Project,
    **{r.name: r.model for r in RESOURCES.values() if hasattr(r.model, "title")},
}


def _titles(rows: list[Change]) -> dict[tuple[str, int], dict]:
    """{(resource, record id): title} of the records a page of changes names: one query per
    kind of record, so the feed says "Planter des arbres…" rather than a number."""
    wanted: dict[str, set[int]] = {}
    for change in rows:
        if change.resource in TITLED:
            wanted.setdefault(change.resource, set()).add(change.record_id)
    titles = {}
    for resource, ids in wanted.items():
        model = TITLED[resource]
        for record_id, title in _db().execute(
            select(model.id, model.title).where(model.id.in_(ids))
        ):
            titles[(resource, record_id)] = title or {}
    return titles


@blueprint.get("/plugins")
def plugins():

    bridge = current_app.extensions["bridge"]
    host = bridge.plugins
    return render_template(
        "admin/plugins.html",
        plugins=host.describe(with_hooks=True),
        delivery=Delivery(bridge.sessions, bridge.settings, host).status(),
    )


@blueprint.post("/plugins/<name>/retry")
def retry_plugin(name: str):
    """A failing plugin tried at the scheduler's next pass (seconds), not after its wait."""
    from flask import current_app

    from bridge.delivery import Delivery, UnknownConsumer

    need("admin")
    bridge = current_app.extensions["bridge"]
    delivery = Delivery(bridge.sessions, bridge.settings, bridge.plugins)
    try:
        waiting = delivery.retry_now(name, required_identity().actor)
    except UnknownConsumer:
        abort(404)
    message = (
        gettext("The plugin will be tried again within seconds.")
        if waiting
        else gettext("This plugin was not waiting for a new try.")
    )
    flash(message, "ok")
    return redirect(url_for("admin.plugins"))


@blueprint.post("/instances/<name>/test")
def test_connection(name: str):

    need("admin")
    found = _instance(name)
    check = check_connection(found, current_app.extensions["bridge"].settings)
    if check.ok:  # what was detected is kept: the pages show it, the first sync starts from it
        found.decidim_version, found.query_set = check.reported, check.chosen
        _db().commit()
    flash(check.sentence(), "ok" if check.ok else "error")
    return redirect(url_for("admin.instance", name=name))


@blueprint.post("/instances/<name>/sync")
def sync_now(name: str):
    need("editor")
    found = _instance(name)
    if found.archived_at is not None:
        flash(gettext("This instance is archived: it is no longer synced."), "error")
        return redirect(url_for("admin.instance", name=name))
    actor = required_identity().actor
    request_sync(_db(), found.name, requested_by=actor)
    audit(_db(), actor, "sync.request", f"instance:{found.name}")
    _db().commit()
    flash(gettext("Sync requested: it starts within seconds."), "ok")
    if request.form.get("back") == "spaces":  # the first sync, asked from the spaces' page
        return redirect(url_for("processes.sync_settings", name=name))
    return redirect(url_for("admin.instance", name=name))


@blueprint.get("/instances/<name>/proposals")
def proposals(name: str):
    """Every synced proposal, paged, with a search box and filters on state and process."""
    found = _instance(name)
    session = _db()
    q = (request.args.get("q") or "").strip()[:200]
    state = request.args.get("state") or ""
    state = state[:40]
    space_id = whole_number(request.args.get("process", ""))
    where = [Proposal.instance_id == found.id, Proposal.removed_at.is_(None)]
    if q:
        where.append(contains_text(session, q, Proposal, "title", "body", "reference"))
    if state == "none":
        where.append(Proposal.state.is_(None))
    elif state:
        where.append(Proposal.state == state)
    if space_id is not None:
        where.append(Proposal.space_id == space_id)
    found_page = numbered(
        session,
        select(Proposal, Space.title)
        .join(Space, Space.id == Proposal.space_id, isouter=True)
        .where(*where)
        .order_by(Proposal.id),
        whole_number(request.args.get("page", "1")),
        size=PROPOSALS_PER_PAGE,
    )
    states = session.scalars(
        select(Proposal.state)
        .where(Proposal.instance_id == found.id, Proposal.state.is_not(None))
        .distinct()
        .order_by(Proposal.state)
    ).all()
    spaces = session.execute(
        select(Space.id, Space.title)
        .where(Space.instance_id == found.id, Space.removed_at.is_(None))
        .where(Space.id.in_(select(Proposal.space_id).where(Proposal.instance_id == found.id)))
        .order_by(Space.id)
    ).all()
    return render_template(
        "admin/proposals.html",
        instance=found,
        proposals=found_page.items,
        total=found_page.total,
        page=found_page.number,
        pages=found_page.pages,
        first=found_page.first,
        filters={"q": q, "state": state, "process": space_id},
        states=states,
        spaces=spaces,
    )


@blueprint.get("/proposals/<int:proposal_id>")
def proposal(proposal_id: int):
    found = find(_db(), Proposal, proposal_id)
    if found is None:
        abort(404)
    return render_template(
        "admin/proposal.html", proposal=found, instance=_db().get(Instance, found.instance_id)
    )
