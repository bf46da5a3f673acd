"""Shared fixtures: a migrated database, on SQLite and (when reachable) on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from bridge.config import Settings
from bridge.pluginhost import host_for
from bridge.store.db import make_engine, make_sessionmaker, normalise_url
from bridge.store.migrate import upgrade

POSTGRES_URL = os.environ.get("BRIDGE_TEST_POSTGRES_URL")


def reset_postgres(url: str) -> None:
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _database_url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/bridge.db"
    else:
        if not POSTGRES_URL:
            pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set")
        url = POSTGRES_URL
        reset_postgres(url)
    upgrade(url, host_for(Settings()).call("migrations_path"))  # as `bridge db upgrade` does
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """A freshly migrated database; storage and sync tests run once per database."""
    return _database_url(request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return _database_url("sqlite", tmp_path)


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()
