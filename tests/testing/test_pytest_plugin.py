"""The test kit as a plugin's author meets it: fixtures for a plugin object not installed, and
the pytest plugin loaded by its entry point in a folder that knows nothing of this project."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from flask import Blueprint
from sqlalchemy import select

from bridge.plugin import MenuItem, hookimpl
from bridge.store.models import Proposal
from bridge.testing.checks import undocumented_routes, unguarded_routes
from bridge.testing.plugin import split_plugins

pages = Blueprint("tally", __name__, url_prefix="/admin/tally")


@pages.get("/")
def tally_page():
    return "<p>Décompte</p>"


@pages.post("/")
def tally_write():
    return "écrit"  # no guard: the check must say so


class Tally:
    """A plugin object: counts the changes delivered to it, shows an admin page."""

    def __init__(self):
        self.delivered = []

    @hookimpl
    def consume_changes(self, changes):
        self.delivered += [change.resource for change in changes]

    @hookimpl
    def blueprints(self):
        return [pages]

    @hookimpl
    def admin_menu(self):
        return [MenuItem("Décompte", "tally.tally_page")]  # no catalog: shown as given


TALLY = Tally()


@pytest.fixture
def bridge_plugins():
    return [("tally", TALLY)]


def test_plugins_are_names_and_pairs():
    assert split_plugins(["budget", ("tally", TALLY)]) == (["budget"], {"tally": TALLY})


def test_the_plugin_object_is_in_the_app_and_its_host(bridge_app, bridge_host, client_for):
    assert bridge_host.context("tally").name == "tally"
    assert "budget" not in {p["name"] for p in bridge_host.describe() if p["enabled"]}
    admin = client_for("admin")
    assert admin.get("/admin/tally/").get_data(as_text=True) == "<p>Décompte</p>"
    assert "Décompte" in admin.get("/admin/").get_data(as_text=True)  # its menu entry
    assert client_for(None).get("/admin/").status_code == 302


def test_the_checks_see_the_plugin_under_test(bridge_app, client_for, api_for):
    found = unguarded_routes(bridge_app, client_for, api_for, ("/admin/tally",))
    assert found == [
        "GET /admin/tally/: anonymous got 200, not sign-in",
        "POST /admin/tally/: anonymous got 200",
        "POST /admin/tally/: a viewer got 200, not 403",
    ]
    assert undocumented_routes(bridge_app) == []  # the core's API is whole without the budget


def test_each_role_and_its_token(client_for, api_for):
    for role in ("admin", "editor", "viewer"):
        me = api_for(role).get("/api/v1/me").get_json()
        assert me["role"] == role and client_for(role).csrf
    assert api_for(None).get("/api/v1/me").status_code == 401


def test_a_synced_instance_delivers_to_the_plugin(synced):
    with synced.sessions() as session:
        assert session.scalar(select(Proposal).limit(1)) is not None
    assert synced.instance == "ivry" and synced.run.status == "succeeded"
    assert "proposals" in TALLY.delivered
    assert synced.world.visible("proposal", "1")


OUTSIDE = """
    def test_kit_fixtures_come_from_the_entry_point(bridge_app, client_for, database_url):
        assert database_url.startswith("sqlite")
        assert client_for("editor").get("/admin/").status_code == 200
        assert "budget" not in [p["name"] for p in
            client_for("admin").get("/api/v1/plugins").get_json()["items"] if p["enabled"]]
"""


@pytest.mark.slow
def test_a_project_elsewhere_gets_the_fixtures_by_the_entry_point(tmp_path):
    (tmp_path / "test_elsewhere.py").write_text(textwrap.dedent(OUTSIDE))
    (tmp_path / "pytest.ini").write_text("[pytest]\nbridge_plugins = none_at_all\n")
    env = {k: v for k, v in os.environ.items() if k != "BRIDGE_TEST_POSTGRES_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed, 1 skipped" in done.stdout  # PostgreSQL: skipped, with its reason
    assert "BRIDGE_TEST_POSTGRES_URL is not set" in done.stdout
