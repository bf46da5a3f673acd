"""Migrated test databases: SQLite in a folder, or the PostgreSQL database the environment names
(BRIDGE_TEST_POSTGRES_URL), emptied first.

Migrating from nothing takes seconds, and most tests want a fresh migrated database; so the
first call for a set of migration folders migrates a template for real, and later calls copy
it: SQLite with the backup API, PostgreSQL with `CREATE DATABASE ... TEMPLATE` (the user needs
the right to create databases; without it every call migrates, as before). The templates live
as long as the test process; `drop_templates` removes them at the end of the session.

Copying a PostgreSQL database takes the server a second or more (it writes the whole copy,
catalogs included, and syncs it), and the PostgreSQL half of every test asks for one. So when
the test database already has the template's schema exactly (`postgres_reset.Snapshot`), the
kit empties it in place instead: the rows of the previous test deleted, the template's own rows
(Alembic's versions) and sequences put back, in one transaction of a few milliseconds. A test
that changed the schema (a migration test, a dropped schema) gets a real copy again.

Under pytest-xdist each worker gets its own PostgreSQL database, `<name>_<worker>`
(`use_worker_database`), so that workers never empty each other's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import normalise_url
from bridge.store.migrate import MIGRATIONS, upgrade
from bridge.testing.postgres_reset import Snapshot, reset_in_place, snapshot

POSTGRES_VARIABLE = "BRIDGE_TEST_POSTGRES_URL"
# Set beside the variable once it names a worker's database, so that a pytest run started by a
# test (it inherits PYTEST_XDIST_WORKER) does not derive a name from the derived name.
WORKER_VARIABLE = "BRIDGE_TEST_POSTGRES_WORKER"

# Migration fingerprint -> SQLite template file, or PostgreSQL template database name and what
# it holds (None: no right to create databases).
_sqlite_templates: dict[str, Path] = {}
_postgres_templates: dict[str, tuple[str, Snapshot] | None] = {}
_template_folder: Path | None = None


def postgres_url() -> str | None:
    """The PostgreSQL database tests may empty, or None (then PostgreSQL tests are skipped)."""
    return os.environ.get(POSTGRES_VARIABLE) or None


def reset_postgres(url: str) -> None:
    """Drop everything in the database's public schema: each test starts from nothing."""
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _maintenance(url: str, statements: list[str]) -> None:
    """Run `statements` outside any transaction on the server's `postgres` database (a database
    cannot be created from, or dropped by, a connection to itself or to its template)."""
    admin = make_url(normalise_url(url)).set(database="postgres")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _database_name(url: str) -> str:
    name = make_url(normalise_url(url)).database
    if not name:
        raise LookupError(f"{POSTGRES_VARIABLE} names no database: {url}")
    return name


def _with_database(url: str, name: str) -> str:
    """`url` naming the database `name` on the same server."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def use_worker_database(worker: str) -> str | None:
    """Point BRIDGE_TEST_POSTGRES_URL at `<name>_<worker>` (created if missing) for an
    xdist worker; its new value, or None when PostgreSQL is not tested."""
    url = postgres_url()
    if url is None or os.environ.get(WORKER_VARIABLE) == worker:
        return url
    name = f"{_database_name(url)}_{worker}"
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = _with_database(url, name)
    os.environ[POSTGRES_VARIABLE] = url
    os.environ[WORKER_VARIABLE] = worker
    return url


def _fingerprint(locations: list[str]) -> str:
    """What a migrated database depends on: every revision file of the core and of the plugins'
    folders (name, size, modification time), so an edited or added revision migrates anew."""
    digest = hashlib.sha256()
    for folder in [str(MIGRATIONS / "versions"), *locations]:
        digest.update(folder.encode())
        path = Path(folder)
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.suffix == ".py":
                    stat = entry.stat()
                    digest.update(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def _sqlite_copy(key: str, locations: list[str], target: Path) -> str:
    global _template_folder
    template = _sqlite_templates.get(key)
    if template is None:
        if _template_folder is None:
            _template_folder = Path(tempfile.mkdtemp(prefix="bridge-templates-"))
        template = _template_folder / f"{key}.db"
        upgrade(f"sqlite:///{template}", locations)
        _sqlite_templates[key] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return f"sqlite:///{target}"


def _postgres_copy(key: str, locations: list[str], url: str) -> str | None:
    """Recreate the database of `url` from the template of `key` (made on first use); None
    when the server refuses to create databases."""
    target = _database_name(url)
    if key not in _postgres_templates:
        # The process id too: a pytest run started by a test has the same database and may
        # have the same key, and drops its templates when it ends.
        template = f"{target}_t{key}_{os.getpid()}"[-63:]
        try:
            _maintenance(
                url, [f'DROP DATABASE IF EXISTS "{template}"', f'CREATE DATABASE "{template}"']
            )
        except DBAPIError:
            _postgres_templates[key] = None  # no right to create databases: migrate each time
            return None
        template_url = _with_database(url, template)
        upgrade(template_url, locations)
        _postgres_templates[key] = (template, snapshot(template_url))
    made = _postgres_templates[key]
    if made is None:
        return None
    template_name, held = made
    if not reset_in_place(url, held):
        _maintenance(
            url,
            [
                f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)',
                f'CREATE DATABASE "{target}" TEMPLATE "{template_name}"',
            ],
        )
    return url


def drop_templates() -> None:
    """Remove the templates this process made (the end of a test session)."""
    global _template_folder
    url = postgres_url()
    names = [made[0] for made in _postgres_templates.values() if made]
    if url is not None and names:
        _maintenance(url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names])
    _postgres_templates.clear()
    _sqlite_templates.clear()
    if _template_folder is not None:
        shutil.rmtree(_template_folder, ignore_errors=True)
        _template_folder = None


def migrated_database(
    kind: str,
    folder: Path,
    plugins: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """An empty database migrated as `bridge db upgrade` does: the core, then the history of
    each plugin, the enabled ones (`plugins`, entry-point names; the bundled ones when None)
    and the plugin objects of `extra`. A copy of the template migrated for the same revision
    files when there is one."""
    names = Settings().enabled_plugins if plugins is None else plugins
    locations = PluginHost(names, extra=extra, settings=Settings()).call("migrations_path")
    key = _fingerprint(locations)
    if kind == "sqlite":
        return _sqlite_copy(key, locations, folder / "bridge.db")
    url = postgres_url()
    if url is None:
        raise LookupError(f"{POSTGRES_VARIABLE} is not set")
    copied = _postgres_copy(key, locations, url)
    if copied is not None:
        return copied
    reset_postgres(url)
    upgrade(url, locations)
    return url
