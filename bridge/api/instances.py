"""/instances: the Decidim instances the bridge reads; adding, changing and deleting them goes
through the rules of `bridge.instances`, as the admin pages and the CLI do."""

from __future__ import annotations

from flask import current_app, jsonify, request
from sqlalchemy import select

from bridge import instances as rules
from bridge.access import require_role, required_identity
from bridge.accounts import audit
from bridge.api import params
from bridge.api.blueprint import blueprint
from bridge.api.paging import page
from bridge.db import db
from bridge.errors import Problem, json_object
from bridge.scheduler import request_sync
from bridge.store.models import Instance
from bridge.timeutil import iso


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


# -- writing (tokens or a signed-in session) ------------------------------------------------------
def _invalid(exc) -> Problem:
    return Problem(422, str(exc), field=exc.field)


@blueprint.post("/instances")
@require_role("admin")
def create_instance():

    try:
        made = rules.create(db(), json_object(), required_identity().actor)
    except rules.InvalidField as exc:
        raise _invalid(exc) from None
    return jsonify(instance_json(made)), 201


@blueprint.patch("/instances/<name>")
@require_role("admin")
def update_instance(name: str):

    try:
        changed = rules.update(
            db(), params.instance_named(name), json_object(), required_identity().actor
        )
    except rules.InvalidField as exc:
        raise _invalid(exc) from None
    return jsonify(instance_json(changed))


@blueprint.delete("/instances/<name>")
@require_role("admin")
def delete_instance(name: str):
    """Erase an instance and its records; `?confirm=NAME` (the name again) says it is meant."""

    instance = params.instance_named(name)
    if request.args.get("confirm") != instance.name:
        raise Problem(
            400,
            "deleting erases the instance's records: repeat its name in ?confirm= "
            f"(GET /instances/{instance.name}/records says how many go)",
            parameter="confirm",
        )
    erased = rules.delete(
        db(), instance, required_identity().actor, current_app.extensions["bridge"].plugins
    )
    return jsonify(deleted=name, erased=erased)


@blueprint.get("/instances/<name>/records")
@require_role("admin")
def instance_records(name: str):
    """What deleting the instance would erase: rows per table."""

    return jsonify(rules.record_counts(db(), params.instance_named(name)))


@blueprint.post("/instances/<name>/sync")
@require_role("editor")
def request_instance_sync(name: str):

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
