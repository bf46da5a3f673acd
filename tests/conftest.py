"""The project's tests use the bridge's own test kit, `bridge.testing`: its pytest plugin gives
the fixtures (`database_url`, `sqlite_url`, `sessions`, `bridge_app`, `client_for`, `api_for`,
`decidim`, `synced`, ...; see `docs/plugins/testing.md`). The plugin is loaded by its `pytest11`
entry point once the project is installed; naming it here also serves a checkout installed
before the entry point existed (pytest loads it once either way)."""

from __future__ import annotations

import pytest

from bridge.testing import migrated_database, postgres_url, reset_postgres

pytest_plugins = ["bridge.testing.plugin"]

POSTGRES_URL = postgres_url()
__all__ = ["POSTGRES_URL", "reset_postgres", "_database_url"]


def _database_url(kind: str, tmp_path) -> str:
    """A migrated database (the core and the bundled plugins) for a module-scoped fixture."""
    if kind == "postgres" and POSTGRES_URL is None:
        pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set")
    return migrated_database(kind, tmp_path)
