"""Each test gets a database that holds exactly what a fresh migration makes, on PostgreSQL too,
where the kit empties the previous test's database in place when its schema is the template's:
rows gone, Alembic's versions and sequences as migrated, sessions left open ended; a database
whose schema a test changed is copied from the template again."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bridge.store.db import normalise_url
from bridge.testing import migrated_database, postgres_url
from bridge.testing.postgres_reset import SCHEMA_DIGEST

pytestmark = pytest.mark.skipif(
    postgres_url() is None, reason="BRIDGE_TEST_POSTGRES_URL is not set: PostgreSQL not tested"
)

ADD_INSTANCE = (
    "INSERT INTO instances (name, base_url, locale, enabled, rate_limit_per_minute, created_at, "
    "updated_at, published) VALUES ('ivry', 'https://ivry.example', 'fr', true, 90, now(), now(), "
    "true)"
)


def run(url: str, *statements: str) -> list:
    """The rows of the last statement, each statement committed."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as connection:
            for statement in statements:
                result = connection.execute(text(statement))
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def state(url: str) -> tuple:
    """What a test could see of the database: schema digest, rows of every table that has any,
    versions, the id the next instance gets, and the database's identity (oid)."""
    counts = run(
        url,
        "SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I', tablename, "
        "tablename), ' UNION ALL ') FROM pg_tables WHERE schemaname = 'public'",
    )[0][0]
    return (
        run(url, SCHEMA_DIGEST)[0][0],
        sorted((t, n) for t, n in run(url, counts) if n),
        run(url, "SELECT version_num FROM alembic_version"),
        run(url, "SELECT oid FROM pg_database WHERE datname = current_database()")[0][0],
    )


def test_a_used_database_is_emptied_in_place_to_the_migrated_state(tmp_path):
    url = migrated_database("postgres", tmp_path)
    fresh = state(url)
    run(
        url,
        ADD_INSTANCE,
        "UPDATE alembic_version SET version_num = 'spoilt'",
    )
    assert state(url) != fresh
    again = migrated_database("postgres", tmp_path)
    assert state(again) == fresh  # the same database (oid), emptied
    inserted = run(again, ADD_INSTANCE + " RETURNING id")
    assert inserted == [(1,)]  # the sequence starts over


def test_a_changed_schema_is_copied_anew(tmp_path):
    url = migrated_database("postgres", tmp_path)
    digest, rows, versions, oid = state(url)
    run(url, "ALTER TABLE instances ADD COLUMN spoilt integer")
    again = migrated_database("postgres", tmp_path)
    assert state(again)[:3] == (digest, rows, versions)
    assert state(again)[3] != oid  # a new copy of the template
    run(again, "DROP SCHEMA public CASCADE")
    assert state(migrated_database("postgres", tmp_path))[:3] == (digest, rows, versions)


def test_a_session_left_open_with_locks_does_not_block_the_next_test(tmp_path):
    url = migrated_database("postgres", tmp_path)
    fresh = state(url)
    engine = create_engine(normalise_url(url))
    left = engine.connect()
    left.execute(text("LOCK TABLE instances IN ACCESS EXCLUSIVE MODE"))  # never committed
    try:
        assert state(migrated_database("postgres", tmp_path))[:3] == fresh[:3]
    finally:
        left.invalidate()
        engine.dispose()
