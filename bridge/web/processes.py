"""Admin pages of an instance's processes: what is synced, the city's neighbourhoods and themes
for Decidim's scopes and categories, and one process with its steps and records.

Viewers read; editors change (every change audited with before and after). French first,
`?lang=en` for English.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bridge import mappings
from bridge.access import need, pages_need_sign_in, required_identity
from bridge.accounts import has_role
from bridge.i18n import gettext
from bridge.store import models
from bridge.store.db import find
from bridge.store.models import Instance
from bridge.sync import selection
from bridge.sync.resources import RESOURCES
from bridge.web.admin import _db, _instance, sync_waiting

blueprint = Blueprint("processes", __name__, url_prefix="/admin")
LIST_LIMIT = 50

pages_need_sign_in(blueprint)


def can_edit() -> bool:
    return has_role(required_identity().role, "editor")


# -- what is synced ------------------------------------------------------------------------------
def _space_keys(values: list[str]) -> set[tuple[str, str]]:
    """The form's "space type:Decidim id" values as pairs; a value without ":" is dropped."""
    return {(kind, rid) for kind, colon, rid in (v.partition(":") for v in values) if colon}


@blueprint.route("/instances/<name>/processes", methods=["GET", "POST"])
def sync_settings(name: str):
    found = _instance(name)
    listed = selection.spaces_with_components(_db(), found.id)
    if request.method == "POST":
        need("editor")
        before = selection.load(_db(), found.id)
        shown_spaces = _space_keys(request.form.getlist("shown_space"))
        shown_components = set(request.form.getlist("shown_component"))
        ticked_spaces = _space_keys(request.form.getlist("space"))
        ticked_components = set(request.form.getlist("component"))
        known_spaces = {(s.space_type, s.remote_id) for s, _ in listed}
        known_components = {c.remote_id for _, cs in listed for c in cs if c.manifest in RESOURCES}
        shown_spaces &= known_spaces
        shown_components &= known_components
        # What the form showed follows its boxes; what it did not show keeps its switch.
        spaces_off = (before.spaces_off - shown_spaces) | (shown_spaces - ticked_spaces)
        components_off = (before.components_off - shown_components) | (
            shown_components - ticked_components
        )
        _, after = selection.replace(
            _db(),
            found,
            required_identity().actor,
            spaces_off=set(spaces_off),
            components_off=set(components_off),
        )
        _db().commit()
        flash(gettext("Settings saved.") if after != before else gettext("Nothing changed."), "ok")
        return redirect(url_for("processes.sync_settings", name=found.name))
    last_run = _db().scalar(
        select(models.SyncRun)
        .where(models.SyncRun.instance_id == found.id)
        .order_by(models.SyncRun.id.desc())
        .limit(1)
    )
    return render_template(
        "processes/sync_settings.html",
        instance=found,
        # the spaces come from Decidim through a sync: before the first, the page says so
        waiting=not listed and sync_waiting(found),
        last_run=last_run,
        spaces=listed,
        switches=selection.load(_db(), found.id),
        syncable=set(RESOURCES),
        can_edit=can_edit(),
    )


# -- neighbourhoods and themes -----------------------------------------------------------------
@blueprint.route("/instances/<name>/mappings", methods=["GET", "POST"])
def mapping_form(name: str):
    found = _instance(name)
    scopes, categories = mappings.mappable(_db(), found.id)
    stored = mappings.current(_db(), found.id)
    values = {f"scope:{key}": v for key, v in stored["neighbourhoods"].items()}
    values.update({f"category:{rid}": v for rid, v in stored["themes"].items()})
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        need("editor")
        hoods: dict[tuple[str, str], str | None] = {}
        themes: dict[str, str | None] = {}
        for s in scopes:
            key = f"scope:{s.kind}:{s.remote_id}"
            if key not in request.form:  # not on the form that was sent: left as it is
                continue
            values[key] = request.form[key]
            try:
                hoods[(s.kind, s.remote_id)] = mappings.clean_name(values[key])
            except ValueError:
                errors[key] = gettext("200 characters at most.")
        for c, _space in categories:
            key = f"category:{c.remote_id}"
            if key not in request.form:
                continue
            values[key] = request.form[key]
            try:
                themes[c.remote_id] = mappings.clean_name(values[key])
            except ValueError:
                errors[key] = gettext("200 characters at most.")
        if not errors:
            before, after = mappings.save(
                _db(), found, required_identity().actor, neighbourhoods=hoods, themes=themes
            )
            _db().commit()
            flash(
                gettext("Settings saved.") if after != before else gettext("Nothing changed."), "ok"
            )
            return redirect(url_for("processes.mapping_form", name=found.name))
        _db().rollback()
        flash(gettext("Fix the fields marked: nothing was saved."), "error")
        status = 422
    used_hoods, used_themes = mappings.names_in_use(_db())
    return render_template(
        "processes/mappings.html",
        instance=found,
        scopes=scopes,
        categories=categories,
        values=values,
        errors=errors,
        used_hoods=used_hoods,
        used_themes=used_themes,
        can_edit=can_edit(),
    ), status


# -- one process ---------------------------------------------------------------------------------
def _listing(model, space_id: int, order):
    where = (model.space_id == space_id, model.removed_at.is_(None))
    rows = _db().scalars(select(model).where(*where).order_by(order).limit(LIST_LIMIT)).all()
    total = _db().scalar(select(func.count()).select_from(model).where(*where))
    return {"rows": rows, "total": total}


def _step_order(step: dict) -> tuple:
    """Steps by their position, those without one last."""
    position = step.get("position")
    return (position is None, position or 0)


@blueprint.get("/processes/<int:space_id>")
def process(space_id: int):
    space = find(_db(), models.Space, space_id)
    if space is None:
        abort(404)
    instance = _db().get(Instance, space.instance_id)
    switches = selection.load(_db(), instance.id)
    components = (
        _db()
        .scalars(
            select(models.Component)
            .where(models.Component.space_id == space.id)
            .order_by(models.Component.weight, models.Component.id)
        )
        .all()
    )
    return render_template(
        "processes/process.html",
        instance=instance,
        space=space,
        steps=sorted(space.steps or [], key=_step_order),
        components=components,
        syncable=set(RESOURCES),
        space_on=switches.space_on(space.space_type, space.remote_id),
        switches=switches,
        lists={
            "proposals": _listing(models.Proposal, space.id, models.Proposal.id),
            "budgets": _listing(models.Budget, space.id, models.Budget.id),
            "projects": _listing(models.Project, space.id, models.Project.id),
            "results": _listing(models.Result, space.id, models.Result.id),
            "meetings": _listing(models.Meeting, space.id, models.Meeting.start_time),
        },
    )
