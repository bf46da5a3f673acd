"""Write a batch of normalised records: insert the new, update the changed, skip the unchanged.

An unchanged record costs one read and no write: its fingerprint (a hash of the normalised
values) matches the stored one. For a changed record we store one change entry per field that
differs, with the old and the new value. Inserts and updates are one `INSERT ... ON CONFLICT DO
UPDATE` per batch, in the dialect of the database (SQLite and PostgreSQL both have it).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from bridge import changelog

BOOKKEEPING = {"id", "fingerprint", "first_seen_at", "last_seen_at", "removed_at"}


def fingerprint(values: dict[str, Any]) -> str:
    """A hash of a record's values: the bytes of `json.dumps(values, sort_keys=True)`, by one
    encoder made once (a new one a record, with its circular-reference bookkeeping, was a
    third of the cost; the stored fingerprints are unchanged)."""
    return hashlib.sha256(_ENCODER.encode(values).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


_ENCODER = json.JSONEncoder(sort_keys=True, default=_jsonable, check_circular=False)


def jsonable(value: Any) -> Any:
    """A column value as it goes into a change entry (JSON column)."""
    return value.isoformat() if isinstance(value, (datetime, date)) else value


@dataclass
class Written:
    """What one batch did. `ids` maps every remote id of the batch to our id."""

    ids: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # rows of the change log


def write_batch(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    instance_id: int,
    run_id: int,
    now: datetime,
    resource: str,
    key_extra: tuple[str, ...] = (),
) -> Written:
    """Upsert `rows` (normalised values, each with `remote_id`) into `table` for one instance.

    `key_extra` names the columns that, with instance and remote id, identify a record (spaces:
    `space_type`, since processes and assemblies are separate tables upstream).
    """
    out = Written()
    if not rows:
        return out
    by_key = {_key(row, key_extra): row for row in rows}  # last wins if a page repeats an item
    conditions = [
        table.c.instance_id == instance_id,
        table.c.remote_id.in_({row["remote_id"] for row in rows}),
    ]
    # Fingerprints first: an unchanged record (most of them, on most syncs) costs no decoding of
    # its JSON columns; whole rows are read only for the records that changed.
    light = [table.c.id, table.c.remote_id, table.c.fingerprint, table.c.removed_at]
    light += [table.c[c] for c in key_extra]
    existing = {
        _key(row, key_extra): row
        for row in session.execute(select(*light).where(*conditions)).mappings()
    }
    digests = {key: fingerprint({**row, "instance_id": instance_id}) for key, row in by_key.items()}
    changed = [
        old["id"]
        for key, old in existing.items()
        if key in digests and old["fingerprint"] != digests[key]
    ]
    if changed:
        full = session.execute(select(table).where(table.c.id.in_(changed))).mappings()
        existing.update({_key(row, key_extra): row for row in full})
    to_write, restored = [], []
    for key, row in by_key.items():
        values = {**row, "instance_id": instance_id}
        digest = digests[key]
        old = existing.get(key)
        if old is not None and old["fingerprint"] == digest:
            out.ids[row["remote_id"]] = old["id"]
            out.unchanged.append(row["remote_id"])
            if old["removed_at"] is not None:
                restored.append(old["id"])
                out.changes.append(
                    _change(run_id, instance_id, resource, old["id"], row, "restored", now)
                )
            continue
        to_write.append(
            {
                **values,
                "fingerprint": digest,
                "first_seen_at": now,
                "last_seen_at": now,
                "removed_at": None,
            }
        )
        if old is not None:
            out.updated.append(row["remote_id"])
            for column, new_value in row.items():
                if column not in BOOKKEEPING and jsonable(old[column]) != jsonable(new_value):
                    out.changes.append(
                        _change(
                            run_id,
                            instance_id,
                            resource,
                            old["id"],
                            row,
                            "updated",
                            now,
                            column,
                            old[column],
                            new_value,
                        )
                    )
            if old["removed_at"] is not None:
                out.changes.append(
                    _change(run_id, instance_id, resource, old["id"], row, "restored", now)
                )
        else:
            out.created.append(row["remote_id"])
    if to_write:
        keys = ["instance_id", *key_extra, "remote_id"]
        dialect = session.get_bind().dialect.name
        statement = _upsert(dialect, table, tuple(to_write[0]), tuple(keys))
        written = session.execute(statement, to_write).all()
        for row_id, rid in written:
            out.ids[rid] = row_id
        for rid in out.created:
            out.changes.append(
                _change(
                    run_id, instance_id, resource, out.ids[rid], {"remote_id": rid}, "created", now
                )
            )
    if restored:
        session.execute(
            update(table).where(table.c.id.in_(restored)).values(removed_at=None, last_seen_at=now)
        )
    save_changes(session, out.changes)
    return out


def save_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """One multi-row INSERT for a batch's changes (the ORM would send one per row), appended
    to the log in commit order (`bridge.changelog`)."""
    changelog.append_rows(session, changes)


def table_of(model: type) -> Table:
    """A mapped class's table: declarative classes map a `Table` (typed as any FromClause)."""
    return cast(Table, inspect(model).local_table)


@functools.cache
def _upsert(
    dialect: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...]
) -> ReturningInsert[int, str]:
    """One statement for every row of a batch, executed with the rows as parameters: SQLAlchemy
    compiles it once and caches it ("insertmanyvalues" still sends one multi-row INSERT), where
    `.values(rows)` compiled a bind parameter per value of every row, on every page (the sync's
    main CPU cost, docs/performance.md). Built once per table and set of columns: building it
    (the `excluded` columns) cost as much as running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    keep_on_update = {"id", "first_seen_at", *keys}
    stmt = stmt.on_conflict_do_update(
        index_elements=keys,
        set_={c: stmt.excluded[c] for c in columns if c not in keep_on_update},
    )
    return stmt.returning(table.c.id, table.c.remote_id)


def _key(row: Any, extra: tuple[str, ...]) -> tuple[Any, ...]:
    return (*(row[c] for c in extra), row["remote_id"])


def _change(
    run_id: int,
    instance_id: int,
    resource: str,
    record_id: int,
    row: Any,
    kind: str,
    now: datetime,
    column: str | None = None,
    old: object = None,
    new: object = None,
) -> dict[str, Any]:
    return change_row(
        run_id, instance_id, resource, record_id, row["remote_id"], kind, now, column, old, new
    )


def change_row(
    run_id: int,
    instance_id: int,
    resource: str,
    record_id: int,
    remote_id: str,
    kind: str,
    now: datetime,
    column: str | None = None,
    old: object = None,
    new: object = None,
) -> dict[str, Any]:
    """One row of the change log (`changes`), as `save_changes` takes it."""
    return {
        "run_id": run_id,
        "instance_id": instance_id,
        "resource": resource,
        "record_id": record_id,
        "remote_id": remote_id,
        "kind": kind,
        "field": column,
        "old": jsonable(old),
        "new": jsonable(new),
        "changed_at": now,
    }
