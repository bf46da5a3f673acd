"""The sync history: runs and the changes they found."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from bridge.api import params
from bridge.api.blueprint import blueprint
from bridge.api.filters import instance_id
from bridge.api.paging import page
from bridge.db import db
from bridge.errors import Problem
from bridge.store.models import Change, Instance, SyncRun
from bridge.timeutil import iso


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
