"""Rows as JSON: Decidim's fields in snake_case, our ids and names beside them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bridge.timeutil import iso

HIDDEN = {"fingerprint", "instance_id", "api_key", "api_secret"}
RENAMED = {"space_id": "process", "component_id": "component", "budget_id": "budget"}


def value(v: Any) -> Any:
    if isinstance(v, datetime):
        return iso(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def record(row: Any, instance: str | None = None) -> dict[str, Any]:
    """One model instance -> dict, generically from its table's columns."""
    out: dict[str, Any] = {"id": row.id}
    if instance is not None:
        out["instance"] = instance
    for column in row.__table__.columns:
        name = column.name
        if name in HIDDEN or name == "id":
            continue
        out[RENAMED.get(name, name)] = value(getattr(row, name))
    return out
