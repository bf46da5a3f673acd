"""The pytest plugin (entry point `pytest11`): fixtures for the bridge and for its plugins.

Fixtures are cheap to override: a plugin's own `conftest.py` defines `bridge_plugins` (or the
ini option `bridge_plugins` names them) and every fixture below builds on it. The bridge is
imported only when a fixture runs (but for `bridge.passwords`, which imports nothing), so
loading this plugin costs a test run nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# scrypt at a 256th of the strong cost (the least N werkzeug's memory bound lets OpenSSL run):
# the accounts of `bridge_users` and of the tests cost 0.3 ms of CPU a hash and a sign-in instead
# of ~120 ms. A test that measures the real cost of a password check asks for `strong_passwords`.
CHEAP_PASSWORDS = "scrypt:128:8:1"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "bridge_plugins",
        "plugins (entry-point names) the bridge's app enables in tests; default: the bundled",
        type="args",
        default=[],
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Under pytest-xdist, give this worker its own PostgreSQL database before any conftest
    reads BRIDGE_TEST_POSTGRES_URL (workers must not empty each other's)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from bridge.testing.database import use_worker_database

        use_worker_database(worker)


def pytest_configure(config: pytest.Config) -> None:
    """The same, when this plugin was loaded by a conftest rather than by its entry point; and
    cheap password hashes for the test run (`CHEAP_PASSWORDS`)."""
    pytest_load_initial_conftests(config)
    from bridge.passwords import use_hashing

    use_hashing(CHEAP_PASSWORDS)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the migrated templates this process made (`bridge.testing.database`)."""
    import sys

    database = sys.modules.get("bridge.testing.database")
    if database is not None:
        database.drop_templates()


def split_plugins(plugins: list[Any]) -> tuple[list[str], dict[str, Any]]:
    """`bridge_plugins` as the plugin host takes it: entry-point names, and plugin objects by
    name (from `(name, plugin)` pairs)."""
    names: list[str] = []
    objects: dict[str, Any] = {}
    for item in plugins:
        if isinstance(item, str):
            names.append(item)
        else:
            name, plugin = item
            objects[name] = plugin
    return names, objects


@pytest.fixture
def bridge_plugins(request: pytest.FixtureRequest) -> list[Any]:
    """The plugins the app under test enables: entry-point names, or `(name, plugin)` pairs for
    a plugin object not installed. Override it in a conftest.py, or set the ini option
    `bridge_plugins`; without either, the plugins a deployment enables by default."""
    chosen = request.config.getini("bridge_plugins")
    if chosen:
        return list(chosen)
    from bridge.config import Settings

    return Settings().enabled_plugins


@pytest.fixture
def bridge_plugin_settings() -> dict[str, dict[str, Any]]:
    """The `[plugins.NAME]` tables of the settings under test ({name: {key: value}})."""
    return {}


def _database(kind: str, folder, plugins: list[Any]) -> str:
    from bridge.testing.database import migrated_database, postgres_url

    if kind == "postgres" and postgres_url() is None:
        pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set: PostgreSQL not tested")
    names, objects = split_plugins(plugins)
    return migrated_database(kind, folder, names, objects)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path, bridge_plugins) -> str:
    """A freshly migrated database (the core and the enabled plugins); a test using it runs on
    SQLite, then on PostgreSQL when BRIDGE_TEST_POSTGRES_URL is set."""
    return _database(request.param, tmp_path, bridge_plugins)


@pytest.fixture
def sqlite_url(tmp_path, bridge_plugins) -> str:
    """A freshly migrated SQLite database only."""
    return _database("sqlite", tmp_path, bridge_plugins)


@pytest.fixture
def postgres_url(tmp_path, bridge_plugins) -> str:
    """The PostgreSQL test database, emptied and migrated; skipped without one."""
    return _database("postgres", tmp_path, bridge_plugins)


@pytest.fixture
def sessions(database_url: str) -> Iterator[Any]:
    """A sessionmaker on `database_url`."""
    from bridge.store.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def bridge_settings(database_url: str, bridge_plugins, bridge_plugin_settings) -> Any:
    """The deployment's settings under test: the database, a secret key, cookies over HTTP,
    the enabled plugins and their tables."""
    from bridge.config import Settings

    names, _ = split_plugins(bridge_plugins)
    return Settings(
        database_url=database_url,
        secret_key="test",
        cookie_secure=False,
        plugins={**bridge_plugin_settings, "enabled": names},
    )


@pytest.fixture
def bridge_host(bridge_settings, sessions, bridge_plugins) -> Any:
    """The plugin host of those settings: `bridge_host.context("NAME")` is a plugin's context,
    `bridge_host.call("hook")` calls a hook as the bridge does."""
    from bridge.pluginhost import PluginHost

    names, objects = split_plugins(bridge_plugins)
    return PluginHost(names, extra=objects, settings=bridge_settings, sessions=sessions)


@pytest.fixture
def bridge_app(bridge_settings, bridge_plugins) -> Any:
    """The Flask app with the enabled plugins, on `database_url`."""
    from bridge.app import create_app

    _, objects = split_plugins(bridge_plugins)
    return create_app(bridge_settings, extra_plugins=objects)


@pytest.fixture
def bridge_users(sessions) -> dict[str, str]:
    """One account per role (`admin@ivry.example`, `editor@...`, `viewer@...`, password
    `bridge.testing.PASSWORD`): {role: email}."""
    from bridge.testing.clients import create_people

    return create_people(sessions)


@pytest.fixture
def strong_passwords() -> Iterator[str]:
    """New passwords hashed with the strong parameters a deployment uses, for this test (the
    kit hashes cheaply otherwise); the method in force."""
    from bridge.passwords import STRONG, use_hashing

    previous = use_hashing(STRONG)
    yield STRONG
    use_hashing(previous)


@pytest.fixture
def client_for(bridge_app, bridge_users) -> Callable[[str | None], Any]:
    """`client_for("editor")`: a test client signed in through the sign-in form as that role
    ("admin", "editor", "viewer"; None: anonymous), its CSRF token in `.csrf`."""
    from bridge.testing.clients import client_as

    return lambda role: client_as(bridge_app, role)


@pytest.fixture
def api_for(bridge_app, bridge_users, sessions) -> Callable[[str | None], Any]:
    """`api_for("viewer")`: a test client sending an API token of that role (made on the
    first call for the role; None: no token)."""
    from bridge.testing.clients import api_client, create_api_token

    tokens: dict[str, str] = {}

    def make(role: str | None) -> Any:
        if role is not None and role not in tokens:
            tokens[role] = create_api_token(sessions, role)
        return api_client(bridge_app, tokens.get(role) if role else None)

    return make


@pytest.fixture
def decidim() -> Iterator[Any]:
    """The Decidim stand-in (`simulator/`), served on a free port for the test: `.url`,
    `.world` (what it serves), `.faults` (what it breaks)."""
    from simulator.testing import running_simulator

    with running_simulator() as stand_in:
        yield stand_in


@pytest.fixture
def synced(database_url, sessions, bridge_host, decidim) -> Any:
    """The database after one sync of the stand-in into the instance "ivry" (published), its
    changes delivered to the enabled plugins: a `bridge.testing.Synced`."""
    from bridge.testing.stand_in import Synced, sync_stand_in

    run = sync_stand_in(sessions, bridge_host, decidim, "ivry", published=True)
    return Synced(database_url, sessions, "ivry", run, decidim)
