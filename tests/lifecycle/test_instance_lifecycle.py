"""An instance's life, on SQLite and PostgreSQL, over a real sync of the stand-in with the
budget plugin's allocations pointing at its records: added unpublished, published, archived
(no syncs, hidden, records kept), deleted (records erased, allocations kept but unlinked),
through the admin pages and the API; and the migration that keeps today's cities public."""

from __future__ import annotations

import re

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.scheduler import wanted_jobs
from bridge.store.db import normalise_url
from bridge.store.migrate import alembic_config
from bridge.store.models import AuditEntry, Instance, Project, Proposal, SyncRun
from bridge.sync.engine import ArchivedInstance, SyncEngine
from plugins.budget.models import Allocation
from simulator.testing import running_simulator
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.sync.test_engine import SETTINGS, add_instance
from tests.web.conftest import csrf_of

PASSWORD = "a long password 12"
LIFECYCLE = "0006"  # the migration adding instances.published and archived_at


@pytest.fixture
def city(database_url, sessions):
    """Ivry synced once from the stand-in, the budget's demo allocations on its projects, an
    admin (signed in on `pages`) and an admin token (`api`)."""
    host = PluginHost(["budget"], sessions=sessions)
    with running_simulator() as sim:
        add_instance(sessions, sim.url, schedule_interval_minutes=15)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    host.call("seed_demo")
    with sessions() as session:
        user, _ = create_user(session, "admin@ivry.example", "admin", PASSWORD)
        token = create_token(session, user, "lifecycle")[1]
        session.commit()
    app = create_app(Settings(database_url=database_url, secret_key="t", cookie_secure=False))
    pages = app.test_client()
    pages.post(
        "/login",
        data={
            "csrf_token": csrf_of(pages.get("/login").get_data(as_text=True)),
            "email": "admin@ivry.example",
            "password": PASSWORD,
        },
    )
    pages.csrf = csrf_of(pages.get("/account").get_data(as_text=True))
    api = app.test_client()
    api.auth = {"Authorization": f"Bearer {token}"}
    return pages, api


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_new_instance_is_not_published_until_an_admin_decides(city, sessions):
    pages, api = city
    made = api.post(
        "/api/v1/instances",
        json={"name": "paris", "base_url": "https://decidim.paris"},
        headers=api.auth,
    )
    assert made.status_code == 201 and made.get_json()["published"] is False
    assert pages.get("/public/paris/").status_code == 404
    assert pages.get("/public/ivry/").status_code == 404  # added unpublished by the fixture
    assert "/public/ivry/" not in pages.get("/").get_data(as_text=True)

    answer = pages.post(
        "/admin/instances/ivry/publication", data={"csrf_token": pages.csrf, "published": "1"}
    )
    assert answer.status_code == 302
    assert pages.get("/public/ivry/").status_code == 200
    assert 'href="/public/ivry/"' in pages.get("/").get_data(as_text=True)

    off = api.patch("/api/v1/instances/ivry", json={"published": False}, headers=api.auth)
    assert off.get_json()["published"] is False
    assert pages.get("/public/ivry/").status_code == 404
    with sessions() as session:
        actions = session.scalars(
            select(AuditEntry.after).where(AuditEntry.action == "instance.update")
        ).all()
    assert [a["published"] for a in actions] == [True, False]


def test_published_must_be_true_or_false(city):
    _, api = city
    answer = api.patch("/api/v1/instances/ivry", json={"published": "yes"}, headers=api.auth)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["field"] == "published"


def test_archiving_stops_syncs_hides_and_keeps_the_records(city, sessions):
    pages, api = city
    api.patch("/api/v1/instances/ivry", json={"published": True}, headers=api.auth)
    proposals = count(sessions, Proposal)
    pages.post("/admin/instances/ivry/archive", data={"csrf_token": pages.csrf, "archived": "1"})
    with sessions() as session:
        ivry = session.scalar(select(Instance))
        assert ivry.archived_at is not None and not ivry.enabled
        assert wanted_jobs([ivry]) == {}  # the scheduler drops its periodic job
    assert pages.get("/public/ivry/").status_code == 404
    assert count(sessions, Proposal) == proposals
    with pytest.raises(ArchivedInstance):
        SyncEngine(sessions, SETTINGS).run("ivry")
    refused = api.post("/api/v1/instances/ivry/sync", headers=api.auth)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    page = pages.get("/admin/instances/ivry").get_data(as_text=True)
    assert 'id="archived-notice"' in page and "Synchroniser maintenant" not in page
    switched_on = api.patch("/api/v1/instances/ivry", json={"enabled": True}, headers=api.auth)
    assert switched_on.status_code == 422 and switched_on.get_json()["field"] == "enabled"

    back = api.patch("/api/v1/instances/ivry", json={"archived": False}, headers=api.auth)
    assert back.get_json()["archived"] is False and back.get_json()["enabled"] is False
    assert pages.get("/public/ivry/").status_code == 200  # still published


def test_deleting_needs_the_name_again_and_says_how_many_records_go(city, sessions):
    pages, api = city
    with sessions() as session:
        proposals = session.scalar(select(func.count()).select_from(Proposal))
        linked = session.scalar(
            select(func.count())
            .select_from(Allocation)
            .where(Allocation.project_remote_id.is_not(None))
        )
    assert linked > 0  # the budget's demo allocations point at synced projects
    allocations = count(sessions, Allocation)

    page = pages.get("/admin/instances/ivry/delete").get_data(as_text=True)
    assert f"{proposals} propositions" in page
    wrong = pages.post(
        "/admin/instances/ivry/delete", data={"csrf_token": pages.csrf, "confirm": "ivr"}
    )
    assert wrong.status_code == 422
    assert "rien n’a été supprimé" in wrong.get_data(as_text=True)
    assert count(sessions, Proposal) == proposals

    no_confirm = api.delete("/api/v1/instances/ivry", headers=api.auth)
    assert no_confirm.status_code == 400
    assert no_confirm.get_json()["parameter"] == "confirm"
    assert count(sessions, Instance) == 1

    counts = api.get("/api/v1/instances/ivry/records", headers=api.auth).get_json()
    assert counts["proposals"] == proposals
    done = pages.post(
        "/admin/instances/ivry/delete", data={"csrf_token": pages.csrf, "confirm": "ivry"}
    )
    assert done.status_code == 302
    for model in (Instance, Proposal, Project, SyncRun):
        assert count(sessions, model) == 0
    assert count(sessions, Allocation) == allocations  # the money stays, unlinked
    with sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "instance.delete"))
        assert entry.after["erased"]["proposals"] == proposals
        assert entry.actor == "user:admin@ivry.example"


def test_the_api_deletes_with_confirmation(city, sessions):
    _, api = city
    done = api.delete("/api/v1/instances/ivry?confirm=ivry", headers=api.auth)
    assert done.status_code == 200 and done.get_json()["erased"]["proposals"] > 0
    assert count(sessions, Instance) == 0
    assert api.get("/api/v1/instances/ivry/records", headers=api.auth).status_code == 404


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_lifecycle_migration_keeps_the_cities_of_the_time_published(kind, tmp_path):
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
    else:
        if not POSTGRES_URL:
            pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set")
        url = POSTGRES_URL
        reset_postgres(url)
    config = alembic_config(url)
    before = ScriptDirectory.from_config(config).get_revision(LIFECYCLE).down_revision
    command.upgrade(config, before)
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO instances (name, base_url, locale, enabled, rate_limit_per_minute,"
                " created_at, updated_at) VALUES ('ivry', 'https://x', 'fr', :yes, 90,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"yes": True},
        )
    command.upgrade(config, LIFECYCLE)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT published FROM instances")).scalar() in (1, True)
        connection.execute(
            text(
                "INSERT INTO instances (name, base_url, locale, enabled, rate_limit_per_minute,"
                " created_at, updated_at) VALUES ('new', 'https://y', 'fr', :yes, 90,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"yes": True},
        )
        assert connection.execute(
            text("SELECT published FROM instances WHERE name = 'new'")
        ).scalar() in (0, False)
    command.downgrade(config, before)
    engine.dispose()


def test_the_instance_list_flags_a_failed_instance_with_its_french_reason(city, sessions):
    pages, _ = city
    with sessions() as session:
        session.scalar(select(Instance)).base_url = "http://127.0.0.1:9"
        session.commit()
    run = SyncEngine(sessions, Settings(http_retries=0, http_timeout_seconds=2)).run("ivry")
    assert run.status == "failed" and run.error_kind == "refused"
    html = pages.get("/admin/instances").get_data(as_text=True)
    row = re.search(r'<tr class="instance failed" data-instance="ivry">.*?</tr>', html, re.S)
    assert row, html
    assert "échec" in row.group(0) and "Le serveur ne répond pas" in row.group(0)
    assert "jamais" not in row.group(0)  # the last success of the first sync is shown
    assert "HTTPConnectionPool" not in html and "NewConnectionError" not in html
    api_run = pages.get("/api/v1/sync-runs?instance=ivry").get_json()["items"][0]
    assert api_run["error_kind"] == "refused" and "cannot reach" in api_run["error"]
