"""The read endpoints. Every list answers {"items": [...], "next": cursor-or-null}."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, request
from sqlalchemy import func, select

from bridge import spreadsheet
from bridge.api import blueprint, params
from bridge.api.errors import Problem, json_object
from bridge.api.openapi import document
from bridge.api.paging import page, page_of
from bridge.api.serialise import record
from bridge.app import db
from bridge.store import models
from bridge.store.db import contains_text, find
from bridge.store.models import Change, Instance, SyncRun
from bridge.timeutil import iso
from bridge.web import csrf
from bridge.web.access import current_identity, require_role, required_identity


def instance_id(required: bool = False) -> int | None:
    name = request.args.get("instance")
    if not name:
        if required:
            raise Problem(400, "instance is required", parameter="instance")
        return None
    found = db().scalar(select(Instance.id).where(Instance.name == name))
    if found is None:
        raise Problem(404, f"no instance named {name!r}", parameter="instance")
    return found


def synced(model, *, space_type: str | None = None, **filters: Any):
    """List a synced resource with the filters every resource shares."""
    query = select(model, Instance.name).join(Instance, model.instance_id == Instance.id)
    if (found := instance_id()) is not None:
        query = query.where(model.instance_id == found)
    if not params.boolean("include_removed"):
        query = query.where(model.removed_at.is_(None))
    if space_type:
        query = query.where(model.space_type == space_type)
    if hasattr(model, "component_id"):
        if (process := params.integer("process")) is not None:
            query = query.where(model.space_id == process)
        if (component := params.integer("component")) is not None:
            query = query.where(model.component_id == component)
    if (since := params.timestamp("updated_since")) is not None:
        query = query.where(model.remote_updated_at >= since)
    for condition in filters.values():
        if condition is not None:
            query = query.where(condition)
    return page(query, model, record)


def text_search(model, *columns):
    return contains_text(db(), request.args.get("q"), model, *columns)


# -- instances and spaces -----------------------------------------------------------------------
@blueprint.get("/instances")
def instances():
    query = select(Instance, Instance.name)
    return page(query, Instance, lambda row, _: instance_json(row))


def instance_json(row: Instance) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "base_url": row.base_url,
        "locale": row.locale,
        "enabled": row.enabled,
        "published": row.published,
        "archived": row.archived_at is not None,
        "archived_at": iso(row.archived_at),
        "decidim_version": row.decidim_version,
        "query_set": row.query_set,
        "organization_name": row.organization_name,
        "schedule": {"interval_minutes": row.schedule_interval_minutes, "cron": row.schedule_cron},
        "rate_limit_per_minute": row.rate_limit_per_minute,
        "last_synced_at": iso(row.last_synced_at),
        "created_at": iso(row.created_at),
    }


@blueprint.get("/processes")
def processes():
    return synced(
        models.Space,
        space_type="participatory_process",
        q=text_search(models.Space, "title", "subtitle"),
    )


@blueprint.get("/assemblies")
def assemblies():
    return synced(
        models.Space, space_type="assembly", q=text_search(models.Space, "title", "subtitle")
    )


@blueprint.get("/processes/<int:space_id>")
@blueprint.get("/assemblies/<int:space_id>")
def space(space_id: int):
    if space_id > params.BIGGEST:
        raise Problem(404, f"no process or assembly with id {space_id}")
    row = (
        db()
        .execute(
            select(models.Space, Instance.name).join(Instance).where(models.Space.id == space_id)
        )
        .first()
    )
    if row is None:
        raise Problem(404, f"no process or assembly with id {space_id}")
    space, instance = row
    out = record(space, instance)
    out["categories"] = [
        record(c)
        for c in db().scalars(
            select(models.Category).where(
                models.Category.space_id == space_id, models.Category.removed_at.is_(None)
            )
        )
    ]
    components = (
        db()
        .scalars(
            select(models.Component)
            .where(models.Component.space_id == space_id)
            .order_by(models.Component.weight)
        )
        .all()
    )
    out["components"] = [record(c) for c in components]
    out["counts"] = {}
    for model in (
        models.Proposal,
        models.Budget,
        models.Project,
        models.Result,
        models.Meeting,
        models.Debate,
    ):
        out["counts"][model.__tablename__] = db().scalar(
            select(func.count())
            .select_from(model)
            .where(model.space_id == space_id, model.removed_at.is_(None))
        )
    return jsonify(out)


@blueprint.get("/components")
def components():
    space_id = params.integer("process")
    return synced(
        models.Component,
        space=None if space_id is None else models.Component.space_id == space_id,
        manifest=(
            models.Component.manifest == request.args["type"] if request.args.get("type") else None
        ),
    )


@blueprint.get("/scopes")
def scopes():
    return synced(models.Scope)


@blueprint.get("/categories")
def categories():
    space_id = params.integer("process")
    return synced(
        models.Category, space=None if space_id is None else models.Category.space_id == space_id
    )


# -- resources ----------------------------------------------------------------------------------
@blueprint.get("/proposals")
def proposals():
    model = models.Proposal
    state = request.args.get("state")
    withdrawn = params.boolean("withdrawn")
    return synced(
        model,
        state=(model.state.is_(None) if state == "none" else model.state == state)
        if state
        else None,
        withdrawn=None if withdrawn is None else model.withdrawn.is_(withdrawn),
        scope=(model.scope_remote_id == request.args["scope"])
        if request.args.get("scope")
        else None,
        category=(model.category_remote_id == request.args["category"])
        if request.args.get("category")
        else None,
        q=text_search(model, "title", "body"),
    )


@blueprint.get("/budgets")
def budgets():
    return synced(models.Budget, q=text_search(models.Budget, "title"))


@blueprint.get("/projects")
def projects():
    model = models.Project
    selected = params.boolean("selected")
    budget = params.integer("budget")
    return synced(
        model,
        selected=None if selected is None else model.selected.is_(selected),
        budget=None if budget is None else model.budget_id == budget,
        q=text_search(model, "title"),
    )


@blueprint.get("/results")
def results():
    model = models.Result
    parent = request.args.get("parent")
    root = params.boolean("root")
    return synced(
        model,
        parent=(model.parent_remote_id == parent) if parent else None,
        root=None
        if root is None
        else (model.parent_remote_id.is_(None) if root else model.parent_remote_id.is_not(None)),
        status=(model.status_key == request.args["status"]) if request.args.get("status") else None,
        q=text_search(model, "title"),
    )


@blueprint.get("/meetings")
def meetings():
    return synced(models.Meeting, q=text_search(models.Meeting, "title"))


@blueprint.get("/debates")
def debates():
    return synced(models.Debate, q=text_search(models.Debate, "title"))


# -- sync history -------------------------------------------------------------------------------
def run_json(run: SyncRun, instance: str) -> dict:
    return {
        "id": run.id,
        "instance": instance,
        "status": run.status,
        "full": run.full,
        "trigger": run.trigger,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "requests": run.requests,
        "retries": run.retries,
        "error": run.error,
        "error_kind": run.error_kind,
        "warnings": run.warnings or [],
        "resumed_from": run.resumed_from,
        "counts": {
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "removed": run.removed,
        },
    }


@blueprint.get("/sync-runs")
def sync_runs():
    query = select(SyncRun, Instance.name).join(Instance)
    if (found := instance_id()) is not None:
        query = query.where(SyncRun.instance_id == found)
    if status := request.args.get("status"):
        query = query.where(SyncRun.status == status)
    return page(query, SyncRun, run_json, descending=True)


@blueprint.get("/sync-runs/<int:run_id>")
def sync_run(run_id: int):
    if run_id > params.BIGGEST:
        raise Problem(404, f"no sync run with id {run_id}")
    row = (
        db()
        .execute(select(SyncRun, Instance.name).join(Instance).where(SyncRun.id == run_id))
        .first()
    )
    if row is None:
        raise Problem(404, f"no sync run with id {run_id}")
    return jsonify(run_json(*row))


def change_json(change: Change, instance: str) -> dict:
    return {
        "id": change.id,
        "run": change.run_id,
        "instance": instance,
        "resource": change.resource,
        "record_id": change.record_id,
        "remote_id": change.remote_id,
        "kind": change.kind,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "changed_at": iso(change.changed_at),
    }


@blueprint.get("/changes")
def changes():
    query = select(Change, Instance.name).join(Instance)
    if (found := instance_id()) is not None:
        query = query.where(Change.instance_id == found)
    if (run := params.integer("run")) is not None:
        query = query.where(Change.run_id == run)
    if resource := request.args.get("resource"):
        query = query.where(Change.resource == resource)
    if (since := params.integer("since_id")) is not None:
        query = query.where(Change.id > since)
    order = request.args.get("order", "desc")
    if order not in ("asc", "desc"):
        raise Problem(400, f"order must be asc or desc (got {order!r})", parameter="order")
    return page(query, Change, change_json, descending=order == "desc")


@blueprint.get("/openapi.json")
def openapi():
    spec = dict(document())
    extra = {}
    for paths in _plugins().call("openapi_paths"):
        extra.update(paths)
    spec["paths"] = {**spec["paths"], **extra}
    return jsonify(spec)


# -- plugins ------------------------------------------------------------------------------------
def _plugins():
    from flask import current_app

    return current_app.extensions["bridge"].plugins


@blueprint.get("/plugins")
def plugins():
    from flask import current_app

    from bridge.delivery import Delivery

    bridge = current_app.extensions["bridge"]
    host = _plugins()
    menu = [
        {"label": m.label, "endpoint": m.endpoint, "role": m.role}
        for m in host.collect("admin_menu")
    ]
    # An error's text may quote synced data: for signed-in people and tokens only.
    signed_in = current_identity() is not None
    delivery = {
        row["plugin"]: {
            "cursor": row["cursor"],
            "lag": row["lag"],
            "delivered_at": iso(row["delivered_at"]),
            "attempts": row["attempts"],
            "last_error": row["last_error"] if signed_in else None,
            "last_error_kind": row["last_error_kind"],
            "last_error_at": iso(row["last_error_at"]),
            "next_attempt_at": iso(row["next_attempt_at"]),
        }
        for row in Delivery(bridge.sessions, bridge.settings, host).status()
    }
    items = [{**p, "delivery": delivery.get(p["name"])} for p in host.describe(with_hooks=True)]
    return page_of(items, admin_menu=menu)


@blueprint.get("/exports")
def exports():
    items = [
        {
            "name": e.name,
            "filename": e.filename,
            "media_type": e.media_type,
            "url": f"/api/v1/exports/{e.name}",
        }
        for e in _plugins().collect("exports")
    ]
    return page_of(items)


@blueprint.get("/exports/<name>")
def export(name: str):
    from bridge.api.streaming import download

    for item in _plugins().collect("exports"):
        if item.name == name:
            return download(item)
    raise Problem(404, f"no export named {name!r}")


# -- who am I, and the audit log ---------------------------------------------------------------
@blueprint.get("/me")
@require_role("viewer")
def me():
    identity = required_identity()
    body = {"email": identity.user.email, "name": identity.user.name, "role": identity.role}
    if not request.headers.get("Authorization"):  # a session: its scripts' writes need it
        body["csrf_token"] = csrf.token()
    return jsonify(body)


@blueprint.get("/audit")
@require_role("admin")
def audit_log():
    from bridge.store.models import AuditEntry

    def entry(row: AuditEntry, _unused=None) -> dict:
        return {
            "id": row.id,
            "at": iso(row.at),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "before": row.before,
            "after": row.after,
        }

    if request.args.get("format") == "csv":
        import csv
        import io

        from flask import Response

        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "at", "actor", "action", "target", "before", "after"])
        for row in db().scalars(select(AuditEntry).order_by(AuditEntry.id)):
            e = entry(row)
            writer.writerow(
                spreadsheet.row(
                    [
                        e["id"],
                        e["at"],
                        e["actor"],
                        e["action"],
                        e["target"],
                        json.dumps(e["before"]),
                        json.dumps(e["after"]),
                    ]
                )
            )
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return page(select(AuditEntry, AuditEntry.id), AuditEntry, entry, descending=True)


# -- writing (tokens or a signed-in session) ------------------------------------------------------
def _invalid(exc) -> Problem:
    return Problem(422, str(exc), field=exc.field)


@blueprint.post("/instances")
@require_role("admin")
def create_instance():
    from bridge import instances

    try:
        made = instances.create(db(), json_object(), required_identity().actor)
    except instances.InvalidField as exc:
        raise _invalid(exc) from None
    return jsonify(instance_json(made)), 201


@blueprint.patch("/instances/<name>")
@require_role("admin")
def update_instance(name: str):
    from bridge import instances

    try:
        changed = instances.update(
            db(), params.instance_named(name), json_object(), required_identity().actor
        )
    except instances.InvalidField as exc:
        raise _invalid(exc) from None
    return jsonify(instance_json(changed))


@blueprint.delete("/instances/<name>")
@require_role("admin")
def delete_instance(name: str):
    """Erase an instance and its records; `?confirm=NAME` (the name again) says it is meant."""
    from flask import current_app

    from bridge import instances

    instance = params.instance_named(name)
    if request.args.get("confirm") != instance.name:
        raise Problem(
            400,
            "deleting erases the instance's records: repeat its name in ?confirm= "
            f"(GET /instances/{instance.name}/records says how many go)",
            parameter="confirm",
        )
    erased = instances.delete(
        db(), instance, required_identity().actor, current_app.extensions["bridge"].plugins
    )
    return jsonify(deleted=name, erased=erased)


@blueprint.get("/instances/<name>/records")
@require_role("admin")
def instance_records(name: str):
    """What deleting the instance would erase: rows per table."""
    from bridge import instances

    return jsonify(instances.record_counts(db(), params.instance_named(name)))


@blueprint.post("/instances/<name>/sync")
@require_role("editor")
def request_instance_sync(name: str):
    from bridge.accounts import audit
    from bridge.scheduler import request_sync

    instance = params.instance_named(name)
    if instance.archived_at is not None:
        raise Problem(409, f"instance {instance.name!r} is archived: it is no longer synced")
    full = json_object(optional=True).get("full", False)
    if not isinstance(full, bool):
        raise Problem(422, "full is true or false", field="full")
    actor = required_identity().actor
    made = request_sync(db(), instance.name, full=full, requested_by=actor)
    audit(db(), actor, "sync.request", f"instance:{instance.name}", after={"full": full})
    db().commit()
    return jsonify(request=made.id, instance=instance.name, full=full), 202


# -- people and API tokens ------------------------------------------------------------------------
USER_FIELDS = {"email", "role", "name", "password"}
USER_CHANGES = {"role", "locked"}
TOKEN_FIELDS = {"name", "role"}


def _account_invalid(exc) -> Problem:
    return Problem(422, str(exc), field=exc.field or "body")


def _only(body: dict, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise Problem(422, f"{unknown[0]} cannot be set here", field=unknown[0])


def user_json(row) -> dict:
    from bridge.accounts import is_locked

    return {
        "id": row.id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "created_at": iso(row.created_at),
        "last_login_at": iso(row.last_login_at),
        "locked": is_locked(row),
        "locked_until": iso(row.locked_until) if is_locked(row) else None,
    }


def token_json(row, email: str | None = None) -> dict:
    out = {
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "role": row.role,
        "user": row.user_id,
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
    }
    if email is not None:  # personal data: admins only
        out["owner_email"] = email
    return out


def _user_by_id(user_id: int):
    from bridge.store.models import User

    found = find(db(), User, user_id)
    if found is None:
        raise Problem(404, f"no user with id {user_id}")
    return found


@blueprint.get("/users")
@require_role("admin")
def list_users():
    from bridge.store.models import User

    return page(select(User, User.id), User, lambda row, _: user_json(row))


@blueprint.post("/users")
@require_role("admin")
def add_user():
    from bridge.accounts import AccountError, create_user

    body = json_object()
    _only(body, USER_FIELDS)
    for key in USER_FIELDS:
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise Problem(422, f"{key} is a string", field=key)
    try:
        user, password = create_user(
            db(),
            body.get("email") or "",
            body.get("role") or "",
            body.get("password") or None,
            name=body.get("name") or None,
            actor=required_identity().actor,
        )
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    out = user_json(user)
    if not body.get("password"):
        out["password"] = password  # generated: shown this once
    return jsonify(out), 201


@blueprint.patch("/users/<int:user_id>")
@require_role("admin")
def update_user(user_id: int):
    from bridge.accounts import AccountError, set_role, unlock_user

    user = _user_by_id(user_id)
    body = json_object()
    _only(body, USER_CHANGES)
    actor = required_identity().actor
    try:
        if "locked" in body:
            if body["locked"] is not False:
                raise AccountError("locked can only be set to false (unlock)", field="locked")
            unlock_user(db(), user, actor)
        if "role" in body:
            set_role(db(), user, body["role"], actor)
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    return jsonify(user_json(user))


@blueprint.get("/tokens")
@require_role("viewer")
def list_tokens():
    from bridge.store.models import ApiToken, User

    identity = required_identity()
    admin = identity.role == "admin"
    query = select(ApiToken, User.email).join(User, ApiToken.user_id == User.id)
    if not admin:
        query = query.where(ApiToken.user_id == identity.user.id)
    if not params.boolean("include_revoked"):
        query = query.where(ApiToken.revoked_at.is_(None))
    return page(
        query,
        ApiToken,
        lambda row, email: token_json(row, email if admin else None),
        descending=True,
    )


@blueprint.post("/tokens")
@require_role("viewer")
def add_token():
    from bridge.accounts import AccountError, create_token

    identity = required_identity()
    body = json_object()
    _only(body, TOKEN_FIELDS)
    try:
        token, secret = create_token(
            db(),
            identity.user,
            body.get("name") if isinstance(body.get("name"), str) else "",
            body.get("role") or None,
            actor=identity.actor,
            ceiling=identity.role,
        )
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    return jsonify({**token_json(token), "token": secret}), 201


@blueprint.delete("/tokens/<int:token_id>")
@require_role("viewer")
def delete_token(token_id: int):
    from bridge.accounts import revoke_token
    from bridge.store.models import ApiToken

    identity = required_identity()
    token = find(db(), ApiToken, token_id)
    if token is None:
        raise Problem(404, f"no token with id {token_id}")
    if token.user_id != identity.user.id and identity.role != "admin":
        raise Problem(403, "only the token's owner or an admin revokes it")
    if token.revoked_at is None:
        revoke_token(db(), token, identity.actor)
    return "", 204
