"""The filters every list of synced records shares (`?instance=`, `?include_removed=`,
`?updated_since=`, `?process=`, `?component=`, `?q=`)."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import select

from bridge.api import params
from bridge.api.paging import page
from bridge.api.serialise import record
from bridge.db import db
from bridge.errors import Problem
from bridge.store.db import contains_text
from bridge.store.models import Instance


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
