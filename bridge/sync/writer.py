"""Write a batch of records: insert the new, update the changed, skip the unchanged.

Every stored record keeps a fingerprint, and a record whose fingerprint has not moved costs one
read and no write. Records of the components' connections (proposals, budgets and their
projects, results, meetings, debates: nearly all of a sync) are fingerprinted as Decidim sent
them (`write_nodes`): an unchanged item costs a hash and a lookup, never normalising. The few
records built from parts of other answers (spaces, components, categories, scopes) are
fingerprinted on their normalised values (`write_batch`).

A record whose fingerprint moved is normalised and compared with the stored row field by field:
one change entry per field that differs, with the old and the new value. When none differs (a
field we ask but do not keep changed, or the normaliser's version was bumped), only the
fingerprint is rewritten and no change is logged. Inserts and updates are one `INSERT ... ON
CONFLICT DO UPDATE` per batch, in the dialect of the database (SQLite and PostgreSQL both have
it).

A column the server did not tell (its fields absent from the node: our query no longer asks
them, the server having dropped them, `normalise.untold`) is not a null: an existing record
keeps its stored value there, and no change is logged for it; a new record gets the
normaliser's value, as always (its columns are the same as the other rows', NOT NULL ones
included). A field present with null is a null, written and logged.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, bindparam, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from bridge import changelog
from bridge.store.driver import driver_form
from bridge.sync import normalise

BOOKKEEPING = {"id", "fingerprint", "first_seen_at", "last_seen_at", "removed_at"}

Node = dict[str, Any]
Normaliser = Callable[[Node], dict[str, Any]]


def fingerprint(values: dict[str, Any]) -> str:
    """A hash of a record's normalised values: the bytes of `json.dumps(values,
    sort_keys=True)`, by one encoder made once (a new one a record, with its circular-reference
    bookkeeping, was a third of the cost)."""
    return hashlib.sha256(_ENCODER.encode(values).encode()).hexdigest()


def raw_fingerprint(node: Node, place: dict[str, Any]) -> str:
    """A hash of a record as Decidim sent it, with the columns that place it (component, space,
    budget) and the normaliser's version (`normalise.VERSION`: bumping it normalises every
    record again, once).

    The node is serialised in the order of its keys: a GraphQL server answers the fields in the
    order the query selects them (the spec's "serialized map ordering"), so the same query over
    the same data gives the same bytes. A server that reordered them would only cost one more
    normalising, never a wrong change: the fields are compared before anything is logged.
    orjson serialises a node ten times faster than the standard encoder (the hash was a tenth
    of a no-change sync's CPU); a value it cannot take (an integer beyond 64 bits, which only
    the standard decoder lets through) goes to the standard encoder."""
    record = [normalise.VERSION, place, node]
    try:
        serialised = orjson.dumps(record)
    except orjson.JSONEncodeError:
        serialised = _RAW_ENCODER.encode(record).encode()
    return hashlib.sha256(serialised).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


_ENCODER = json.JSONEncoder(sort_keys=True, default=_jsonable, check_circular=False)
_RAW_ENCODER = json.JSONEncoder(check_circular=False)


def jsonable(value: Any) -> Any:
    """A column value as it goes into a change entry (JSON column)."""
    return value.isoformat() if isinstance(value, (datetime, date)) else value


@dataclass
class Written:
    """What one batch did. `ids` maps every remote id of the batch to our id; `normalised` lists
    the records whose fingerprint moved (new, changed, or only re-fingerprinted)."""

    ids: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # rows of the change log


@dataclass(frozen=True)
class _Incoming:
    """One record of a batch: its fingerprint, and how to get its columns should it be new or
    changed (`values` normalises a raw node only when called)."""

    remote_id: str
    digest: str
    values: Callable[[], dict[str, Any]]
    # The columns its node did not tell (`normalise.untold`), asked only should it be changed.
    untold: Callable[[], frozenset[str]] = frozenset


@dataclass(frozen=True)
class _Target:
    """Where a batch goes: the table, the instance, the run and the moment it writes for."""

    table: Table
    instance_id: int
    run_id: int
    now: datetime
    resource: str
    key_extra: tuple[str, ...]


def write_nodes(
    session: Session,
    table: Table,
    nodes: list[tuple[Node, dict[str, Any]]],
    normaliser: Normaliser,
    sources: normalise.Sources,
    *,
    instance_id: int,
    run_id: int,
    now: datetime,
    resource: str,
) -> Written:
    """Upsert Decidim's nodes into `table`, each with the columns that place it (`component_id`,
    `space_id`, `budget_id`), fingerprinted as sent: `normaliser` runs only for the nodes whose
    fingerprint is not the stored one. `sources` (the normaliser's, `normalise.*_SOURCES`) tells
    which columns a node leaves untold."""
    incoming: dict[tuple[Any, ...], _Incoming] = {}
    for node, place in nodes:  # last wins if a page repeats an item
        incoming[(str(node["id"]),)] = _Incoming(
            str(node["id"]),
            raw_fingerprint(node, place),
            functools.partial(_placed, normaliser, node, place),
            functools.partial(normalise.untold, node, sources),
        )
    target = _Target(table, instance_id, run_id, now, resource, ())
    return _write(session, target, incoming)


def _placed(normaliser: Normaliser, node: Node, place: dict[str, Any]) -> dict[str, Any]:
    return {**normaliser(node), **place}


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
    untold: list[frozenset[str]] | None = None,
) -> Written:
    """Upsert `rows` (normalised values, each with `remote_id`) into `table` for one instance,
    fingerprinted on those values.

    `key_extra` names the columns that, with instance and remote id, identify a record (spaces:
    `space_type`, since processes and assemblies are separate tables upstream). `untold`, one
    set a row where given, names the columns its node did not tell (`normalise.untold`).
    """
    kept = untold if untold is not None else [frozenset()] * len(rows)
    incoming = {
        _key(row, key_extra): _Incoming(
            row["remote_id"],
            fingerprint({**row, "instance_id": instance_id}),
            functools.partial(dict, row),
            functools.partial(frozenset, columns),
        )
        for row, columns in zip(rows, kept, strict=True)  # last wins if a page repeats an item
    }
    target = _Target(table, instance_id, run_id, now, resource, key_extra)
    return _write(session, target, incoming)


def _write(
    session: Session, target: _Target, incoming: dict[tuple[Any, ...], _Incoming]
) -> Written:
    out = Written()
    if not incoming:
        return out
    table, key_extra, now = target.table, target.key_extra, target.now
    # Fingerprints first: an unchanged record (most of them, on most syncs) costs no decoding of
    # its JSON columns; whole rows are read only for the records that changed.
    remote_ids = list({item.remote_id for item in incoming.values()})
    stored = session.execute(
        _stored_fingerprints(table, key_extra),
        {"instance_id": target.instance_id, "remote_ids": remote_ids},
    )
    existing = {_key(row, key_extra): row for row in stored.mappings()}
    stale = {
        key: item.values()
        for key, item in incoming.items()
        if key not in existing or existing[key]["fingerprint"] != item.digest
    }
    changed = [existing[key]["id"] for key in stale if key in existing]
    if changed:
        full = session.execute(select(table).where(table.c.id.in_(changed))).mappings()
        existing.update({_key(row, key_extra): row for row in full})
    to_write, restored = [], []
    for key, item in incoming.items():
        rid, old = item.remote_id, existing.get(key)
        if key in stale:
            # A new record gets the normaliser's values, untold or not: every row of the
            # upsert has the same columns, and the NOT NULL ones a value.
            row = stale[key] if old is None else _told(stale[key], old, item.untold())
            out.normalised.append(rid)
            to_write.append(
                {
                    **row,
                    "instance_id": target.instance_id,
                    "fingerprint": item.digest,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "removed_at": None,
                }
            )
            if old is None:
                out.created.append(rid)
                continue
            differs = [
                _change(target, old["id"], rid, "updated", column, old[column], new_value)
                for column, new_value in row.items()
                if column not in BOOKKEEPING and jsonable(old[column]) != jsonable(new_value)
            ]
            # No field differs: only the fingerprint is rewritten, and nothing is logged.
            (out.updated if differs else out.unchanged).append(rid)
            out.changes.extend(differs)
        else:
            old = existing[key]  # an unchanged fingerprint is a stored one
            out.ids[rid] = old["id"]
            out.unchanged.append(rid)
            if old["removed_at"] is not None:
                restored.append(old["id"])
        if old["removed_at"] is not None:
            out.changes.append(_change(target, old["id"], rid, "restored"))
    if to_write:
        keys = ["instance_id", *key_extra, "remote_id"]
        dialect = session.get_bind().dialect.name
        columns = tuple(to_write[0])
        statement = _upsert(dialect, table, columns, tuple(keys))
        rows = driver_form(dialect, table, columns).encode(to_write)
        written = session.execute(statement, rows).all()
        for row_id, rid in written:
            out.ids[rid] = row_id
        out.changes.extend(_change(target, out.ids[rid], rid, "created") for rid in out.created)
    if restored:
        session.execute(
            update(table).where(table.c.id.in_(restored)).values(removed_at=None, last_seen_at=now)
        )
    save_changes(session, out.changes)
    return out


def _told(row: dict[str, Any], old: Any, untold: frozenset[str]) -> dict[str, Any]:
    """`row` with the stored value (`old`, the stored row) in each column its node did not
    tell: the server stopped offering the field, which does not make its value null. Comparing
    the result with the stored row, such a column never differs, so no change is logged."""
    if not untold:
        return row
    return {**row, **{column: old[column] for column in untold if column in row}}


def save_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """One multi-row INSERT for a batch's changes (the ORM would send one per row), appended
    to the log in commit order (`bridge.changelog`)."""
    changelog.append_rows(session, changes)


def table_of(model: type) -> Table:
    """A mapped class's table: declarative classes map a `Table` (typed as any FromClause)."""
    return cast(Table, inspect(model).local_table)


@functools.cache
def _stored_fingerprints(table: Table, key_extra: tuple[str, ...]) -> Select[Any]:
    """The ids, fingerprints and keys stored for a batch's remote ids: one statement per table,
    built once (building it, its IN list and its cache key, on every page was a tenth of a
    no-change page's CPU), the ids passed as an expanding parameter."""
    columns = [table.c.id, table.c.remote_id, table.c.fingerprint, table.c.removed_at]
    return select(*columns, *(table.c[c] for c in key_extra)).where(
        table.c.instance_id == bindparam("instance_id"),
        table.c.remote_id.in_(bindparam("remote_ids", expanding=True)),
    )


@functools.cache
def _upsert(
    dialect: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...]
) -> ReturningInsert[int, str]:
    """One statement for every row of a batch, executed with the rows as parameters: SQLAlchemy
    compiles it once and caches it ("insertmanyvalues" still sends one multi-row INSERT), where
    `.values(rows)` compiled a bind parameter per value of every row, on every page (the sync's
    main CPU cost, docs/performance.md). Built once per table and set of columns: building it
    (the `excluded` columns) cost as much as running it. Its parameters take the rows in the
    driver's form (`bridge.store.driver`): SQLAlchemy converts none of their values."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(driver_form(dialect, table, columns).values)
    keep_on_update = {"id", "first_seen_at", *keys}
    stmt = stmt.on_conflict_do_update(
        index_elements=keys,
        set_={c: stmt.excluded[c] for c in columns if c not in keep_on_update},
    )
    return stmt.returning(table.c.id, table.c.remote_id)


def _key(row: Any, extra: tuple[str, ...]) -> tuple[Any, ...]:
    return (*(row[c] for c in extra), row["remote_id"])


def _change(
    target: _Target,
    record_id: int,
    remote_id: str,
    kind: str,
    column: str | None = None,
    old: object = None,
    new: object = None,
) -> dict[str, Any]:
    return change_row(
        target.run_id,
        target.instance_id,
        target.resource,
        record_id,
        remote_id,
        kind,
        target.now,
        column,
        old,
        new,
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
