"""The test kit of the bridge and of its plugins: a pytest plugin and the helpers behind it.

Installed with civic-bridge and loaded by pytest through the `pytest11` entry point, so a
plugin developed in its own repository gets, with no import:

- `bridge_plugins` (override it, or set `bridge_plugins` in the pytest ini options): the
  plugins the app under test enables, entry-point names and `(name, plugin object)` pairs;
- `bridge_plugin_settings` (override it): the `[plugins.NAME]` tables of those plugins;
- `database_url` (SQLite, then PostgreSQL when BRIDGE_TEST_POSTGRES_URL is set, skipped with
  the reason otherwise), `sqlite_url`, `postgres_url`: a database migrated for the core and
  the enabled plugins; `sessions`: a sessionmaker on it;
- `bridge_settings`, `bridge_host` (the plugin host, with contexts), `bridge_app`;
- `bridge_users`, `client_for(role)` (a test client signed in as "admin", "editor", "viewer",
  or None for anonymous, with its CSRF token as `.csrf`), `api_for(role)` (a test client
  sending that role's API token);
- `decidim` (the Decidim stand-in on a free port), `synced` (the database after one sync of
  the stand-in into the instance "ivry", its changes delivered to the plugins).

The checks (`bridge.testing.checks`, `bridge.testing.french`) are plain functions a test calls
with the app or the clients above. `docs/plugins/testing.md` shows them in use.
"""

from bridge.testing.clients import PASSWORD, ROLES, csrf_of, email_for, sign_in
from bridge.testing.database import migrated_database, postgres_url, reset_postgres
from bridge.testing.stand_in import Synced, add_instance, sync_stand_in

__all__ = [
    "PASSWORD",
    "ROLES",
    "Synced",
    "add_instance",
    "csrf_of",
    "email_for",
    "migrated_database",
    "postgres_url",
    "reset_postgres",
    "sign_in",
    "sync_stand_in",
]
