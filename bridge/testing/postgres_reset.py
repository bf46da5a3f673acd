"""Emptying a PostgreSQL test database in place, when it has its template's schema exactly.

`CREATE DATABASE ... TEMPLATE` makes a perfect copy but costs the server a second or more (it
writes every page of the copy, the system catalogs included, and syncs them). Between two tests
on the same migrations only rows change, as a rule; so `snapshot` notes what a migrated template
holds (a digest of its schema, its tables in an order foreign keys allow deleting, its rows, its
sequences) and `reset_in_place` makes the test database hold just that again in one
transaction: other sessions on it ended, every row deleted, the template's rows inserted, every
sequence set back. When the schema differs in anything (a migration test ran, a schema was
dropped) or anything fails, it says so and the caller copies the template for real.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, NullPool, create_engine, text
from sqlalchemy.exc import DBAPIError

from bridge.store.db import normalise_url

USER_SCHEMA = "{0} !~ '^pg_' AND {0} <> 'information_schema'"

# Everything a migration can create, one line each, digested: schemas, relations, columns
# (type, null, default, identity, generated), constraints, indexes, views, enums, triggers,
# functions. Two databases with the same digest have the same schema for the tests' purposes.
SCHEMA_DIGEST = f"""
SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) FROM (
  SELECT 'schema ' || n.nspname AS line FROM pg_namespace n
   WHERE {USER_SCHEMA.format("n.nspname")}
  UNION ALL
  SELECT format('relation %I.%I %s', n.nspname, c.relname, c.relkind)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE {USER_SCHEMA.format("n.nspname")}
  UNION ALL
  SELECT format('column %I.%I %s %s %s %s %s %s', n.nspname, c.relname, a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                a.attgenerated, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE {USER_SCHEMA.format("n.nspname")} AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('constraint %I.%I %I %s', n.nspname, c.relname, k.conname,
                pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE {USER_SCHEMA.format("n.nspname")}
  UNION ALL
  SELECT 'index ' || pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE {USER_SCHEMA.format("n.nspname")}
  UNION ALL
  SELECT format('view %I.%I %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE {USER_SCHEMA.format("n.nspname")} AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT format('enum %I.%I %s %s', n.nspname, t.typname, e.enumsortorder, e.enumlabel)
    FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
    JOIN pg_namespace n ON n.oid = t.typnamespace
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(g.oid) FROM pg_trigger g WHERE NOT g.tgisinternal
  UNION ALL
  SELECT format('function %I.%I(%s) %s', n.nspname, p.proname,
                pg_get_function_identity_arguments(p.oid), md5(p.prosrc))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE {USER_SCHEMA.format("n.nspname")}
) AS catalog
"""

TABLES = f"""
SELECT format('%I.%I', n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMA.format("n.nspname")}
"""

FOREIGN_KEYS = f"""
SELECT format('%I.%I', n.nspname, c.relname), format('%I.%I', fn.nspname, f.relname)
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
 WHERE k.contype = 'f' AND {USER_SCHEMA.format("n.nspname")}
"""

SEQUENCES = f"""
SELECT format('%I.%I', schemaname, sequencename), start_value, last_value
  FROM pg_sequences WHERE {USER_SCHEMA.format("schemaname")}
"""

# Sessions a previous test left open (a pool, a server thread) would keep their locks.
END_OTHER_SESSIONS = """
SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


@dataclass(frozen=True)
class Snapshot:
    """What a migrated template holds, enough to make another database hold it again."""

    schema: str  # SCHEMA_DIGEST
    tables: list[str] | None  # those referring to others first; None: foreign keys in a cycle
    rows: dict[str, list[dict[str, Any]]]  # the tables that hold rows (Alembic's versions)
    sequences: dict[str, tuple[int, bool]]  # setval's value and is_called


def snapshot(url: str) -> Snapshot:
    """Note what the database of `url` holds (a template, just migrated)."""
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = list(connection.scalars(text(TABLES)))
            rows = {
                table: [
                    dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table}"))
                ]
                for table in tables
            }
            sequences = {
                name: (start if last is None else last, last is not None)
                for name, start, last in connection.execute(text(SEQUENCES))
            }
            return Snapshot(
                schema=connection.scalar(text(SCHEMA_DIGEST)) or "",
                tables=_deletion_order(connection, tables),
                rows={table: found for table, found in rows.items() if found},
                sequences=sequences,
            )
    finally:
        engine.dispose()


def _deletion_order(connection: Connection, tables: list[str]) -> list[str] | None:
    """`tables` with each one before the tables it refers to, or None when they refer to one
    another in a cycle (no order of DELETEs would do)."""
    referred_by: dict[str, set[str]] = {table: set() for table in tables}
    for referring, referred in connection.execute(text(FOREIGN_KEYS)):
        if referring != referred:
            referred_by[referred].add(referring)
    try:
        return list(graphlib.TopologicalSorter(referred_by).static_order())
    except graphlib.CycleError:
        return None


def reset_in_place(url: str, held: Snapshot) -> bool:
    """Make the database of `url` hold what `held` notes, if its schema is the same; False when
    it is not (or it does not exist, or the reset failed: nothing is changed then)."""
    tables = held.tables
    if tables is None:
        return False
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not all(connection.scalars(text(END_OTHER_SESSIONS))):
                return False
            if connection.scalar(text(SCHEMA_DIGEST)) != held.schema:
                return False
            connection.execute(text("SET LOCAL lock_timeout = '5s'"))
            _refill(connection, tables, held)
            connection.commit()
        return True
    except DBAPIError:
        return False
    finally:
        engine.dispose()


def _refill(connection: Connection, tables: list[str], held: Snapshot) -> None:
    connection.exec_driver_sql("; ".join(f"DELETE FROM {table}" for table in tables))
    for table in reversed(tables):  # the referred first
        for row in held.rows.get(table, []):
            columns = ", ".join(_quoted(name) for name in row)
            values = ", ".join(f":v{n}" for n in range(len(row)))
            connection.execute(
                text(f"INSERT INTO {table} ({columns}) VALUES ({values})"),
                {f"v{n}": value for n, value in enumerate(row.values())},
            )
    for name, (value, called) in held.sequences.items():
        connection.execute(
            text("SELECT setval(CAST(:name AS regclass), :value, :called)"),
            {"name": name, "value": value, "called": called},
        )


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
