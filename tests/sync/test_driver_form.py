"""The sync's bulk INSERTs hand the driver values already in its form (`bridge.store.driver`),
where SQLAlchemy converted each value of each row. What they store must be exactly what
SQLAlchemy stores from the same Python values: compared here column by column (as the driver
reads them back, as text, and through the ORM), on SQLite and PostgreSQL, on the upsert's insert
and update paths and in the change log."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Table, Text, cast, create_engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bridge.store import driver
from bridge.store.db import _json, normalise_url
from bridge.store.models import Change, Instance, Proposal, Result
from bridge.sync.writer import table_of, write_batch
from tests.sync.seeding import run_and_component

NOW = datetime(2026, 12, 2, 21, 0, 0)
LATER = datetime(2026, 12, 2, 22, 30, 0, 120)

TEXTS = [
    {"fr": "Plus d’arbres « au square »", "en": "More trees"},
    {"fr": 'Guillemets " et \\ barre', "": "\u2028 ligne, \t tab, émoji 🌳"},
    {},
    {"fr": ""},
]
TIMES = [
    None,
    datetime(2024, 3, 1, 9, 30),
    datetime(2023, 12, 31, 23, 59, 59, 999999),
    datetime(999, 1, 2, 3, 4, 5, 6),
    datetime(2024, 6, 1, 12, 0, 0, 5, tzinfo=timezone(timedelta(hours=2))),
]


def proposal(rid: int, shift: int = 0) -> dict[str, Any]:
    """A normalised proposal with varied values; `shift` moves every one of them."""
    k = rid + shift
    return {
        "remote_id": str(rid),
        "title": TEXTS[k % 4],
        "body": None if k % 3 == 0 else TEXTS[(k + 1) % 4],
        "answer": None,
        "taxonomy_remote_ids": [None, [], ["3", "12"]][k % 3],
        "state": [None, "accepted", "évalué"][k % 3],
        "withdrawn": bool(k % 2),
        "official": [None, True, False][k % 3],
        "published_at": TIMES[k % 5],
        "answered_at": TIMES[(k + 1) % 5],
        "remote_created_at": TIMES[(k + 2) % 5],
        "remote_updated_at": TIMES[(k + 3) % 5],
        "vote_count": [None, 0, 2**31 - 1][k % 3],
        "address": None if k % 2 else "1 place de l’Hôtel-de-Ville",
    }


def result(rid: int, shift: int = 0) -> dict[str, Any]:
    k = rid + shift
    return {
        "remote_id": str(rid),
        "title": TEXTS[k % 4],
        "start_date": [None, date(2024, 1, 31), date(999, 12, 1)][k % 3],
        "end_date": [date(2025, 6, 30), None][k % 2],
        "progress": [None, 0, 37.5, 100][k % 4],
        "timeline": [[], [{"remote_id": "1", "entry_date": "2024-01-02", "title": TEXTS[0]}]][
            k % 2
        ],
        "proposal_remote_ids": [None, ["1", "2"]][k % 2],
        "status_name": None,
    }


@pytest.fixture
def two(sessions):
    """Two instances on one component: "new" written by the writer, "reference" by SQLAlchemy
    from the same values."""
    with sessions() as session:
        ids = []
        for name in ("new", "reference"):
            instance = Instance(name=name, base_url="http://x", created_at=NOW, updated_at=NOW)
            session.add(instance)
            session.flush()
            ids.append(instance.id)
        run_id, place = run_and_component(session, ids[0], NOW)
        return ids[0], ids[1], run_id, place


def write(session: Session, table: Table, rows: list[dict], instance_id: int, run_id: int, now):
    written = write_batch(
        session, table, rows, instance_id=instance_id, run_id=run_id, now=now, resource="x"
    )
    session.commit()
    return written


def reference_insert(session: Session, table: Table, rows: list[dict], instance_id: int) -> None:
    """The same rows through SQLAlchemy's own conversions, with the bookkeeping the writer
    stored (fingerprint, first and last seen)."""
    others = table.c.instance_id != instance_id
    stored = {
        r.remote_id: r
        for r in session.execute(
            select(table.c.remote_id, table.c.fingerprint, table.c.first_seen_at).where(others)
        )
    }
    last_seen = session.scalar(select(table.c.last_seen_at).where(others))
    session.execute(
        insert(table),
        [
            {
                **row,
                "instance_id": instance_id,
                "fingerprint": stored[row["remote_id"]].fingerprint,
                "first_seen_at": stored[row["remote_id"]].first_seen_at,
                "last_seen_at": last_seen,
                "removed_at": None,
            }
            for row in rows
        ],
    )
    session.commit()


def stored(session: Session, table: Table, instance_id: int) -> list[tuple]:
    """Every column but the ids, as the driver reads it and as text (on PostgreSQL the driver
    reads JSON null and SQL NULL both as None; their text differs)."""
    columns = [c for c in table.columns if c.name not in ("id", "instance_id")]
    rows = session.execute(
        select(*columns, *(cast(c, Text) for c in columns))
        .where(table.c.instance_id == instance_id)
        .order_by(table.c.remote_id, table.c.id)
    )
    raw = session.connection().exec_driver_sql(
        f"SELECT {', '.join(c.name for c in columns)} FROM {table.name} "
        f"WHERE instance_id = {int(instance_id)} ORDER BY remote_id, id"
    )
    return [*map(tuple, rows), *map(tuple, raw)]


def orm_values(session: Session, model: type, instance_id: int) -> list[dict]:
    objects = session.scalars(
        select(model).where(model.instance_id == instance_id).order_by(model.remote_id, model.id)
    )
    return [
        {k: v for k, v in vars(o).items() if k not in ("_sa_instance_state", "id", "instance_id")}
        for o in objects
    ]


@pytest.mark.parametrize(("model", "make"), [(Proposal, proposal), (Result, result)])
def test_inserted_and_updated_rows_are_stored_as_sqlalchemy_stores_them(sessions, two, model, make):
    new, reference, run_id, place = two
    table = table_of(model)
    first = [{**make(rid), **place} for rid in range(1, 13)]
    then = [{**make(rid, shift=1), **place} for rid in range(1, 13)]
    with sessions() as session:
        write(session, table, first, new, run_id, NOW)
        written = write(session, table, then, new, run_id, LATER)  # the update path
        assert len(written.updated) == 12
        reference_insert(session, table, then, reference)
        assert stored(session, table, new) == stored(session, table, reference)
        assert orm_values(session, model, new) == orm_values(session, model, reference)


def test_change_log_rows_are_stored_as_sqlalchemy_stores_them(sessions, two):
    new, reference, run_id, place = two
    table = table_of(Proposal)
    with sessions() as session:
        for shift, now in ((0, NOW), (1, LATER)):
            rows = [{**proposal(rid, shift), **place} for rid in range(1, 13)]
            write(session, table, rows, new, run_id, now)
        changes = table_of(Change)
        logged = [
            {k: v for k, v in row._mapping.items() if k != "id"}
            for row in session.execute(select(changes).order_by(changes.c.id))
        ]
        assert {row["kind"] for row in logged} == {"created", "updated"}
        session.execute(
            insert(changes),
            [{**row, "instance_id": reference} for row in logged],
        )
        session.commit()
        assert stored(session, changes, new) == stored(session, changes, reference)
        assert orm_values(session, Change, new) == orm_values(session, Change, reference)


@pytest.mark.parametrize(
    "value",
    [None, {}, [], "", "é « » ’", {"fr": 'a"b\\c', "": None}, [1, 2.5, True, None], 10**20, 1.0],
)
def test_json_text_is_the_engines_serializer(value):
    assert driver.json_text(value) == _json(value) == json.dumps(value, ensure_ascii=False)


def test_a_batch_of_new_records_is_not_encoded_by_sqlalchemy(database_url, two):
    """The JSON columns are encoded once, by the writer: the engine's serializer (which
    SQLAlchemy calls for each JSON value it binds) is never called for them."""
    new, _, run_id, place = two
    ENCODED.clear()
    engine = create_engine(normalise_url(database_url), json_serializer=counting_serializer)
    with sessionmaker(engine)() as session:
        rows = [{**proposal(rid), **place} for rid in range(1, 13)]
        written = write(session, table_of(Proposal), rows, new, run_id, NOW)
    engine.dispose()
    assert len(written.created) == 12
    assert ENCODED == []


ENCODED: list[Any] = []


def counting_serializer(value: Any) -> str:
    """The engine's serializer, counting its calls (a module function: psycopg warns that a
    closure may leak)."""
    ENCODED.append(value)
    return _json(value)


def test_the_change_log_is_written_through_the_session(sessions, two):
    """The lock's fence sees only the session's statements (`InstanceLock.fence_writes`): the
    change log's rows must not be handed to the connection behind its back."""
    new, _, run_id, place = two
    seen = []
    with sessions() as session:
        event.listen(session, "do_orm_execute", lambda state: seen.append(state.statement))
        write(session, table_of(Proposal), [{**proposal(1), **place}], new, run_id, NOW)
    assert any(getattr(statement, "table", None) is table_of(Change) for statement in seen)
