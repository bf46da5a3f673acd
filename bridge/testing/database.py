"""Migrated test databases: SQLite in a folder, or the PostgreSQL database the environment names
(BRIDGE_TEST_POSTGRES_URL), emptied first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import normalise_url
from bridge.store.migrate import upgrade

POSTGRES_VARIABLE = "BRIDGE_TEST_POSTGRES_URL"


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


def empty_database(kind: str, folder: Path) -> str:
    """The URL of an empty database of `kind` ("sqlite" or "postgres"). PostgreSQL needs
    BRIDGE_TEST_POSTGRES_URL: the caller skips when `postgres_url()` is None."""
    if kind == "sqlite":
        return f"sqlite:///{folder}/bridge.db"
    url = postgres_url()
    if url is None:
        raise LookupError(f"{POSTGRES_VARIABLE} is not set")
    reset_postgres(url)
    return url


def migrated_database(
    kind: str,
    folder: Path,
    plugins: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """An empty database migrated as `bridge db upgrade` does: the core, then the history of
    each plugin, the enabled ones (`plugins`, entry-point names; the bundled ones when None)
    and the plugin objects of `extra`."""
    url = empty_database(kind, folder)
    names = Settings().enabled_plugins if plugins is None else plugins
    host = PluginHost(names, extra=extra, settings=Settings(database_url=url))
    upgrade(url, host.call("migrations_path"))
    return url
