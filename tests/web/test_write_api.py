"""The write API: instances and "sync now", by token, validated, audited, refused to others."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import AuditEntry, Instance, SyncRequest


@pytest.fixture
def api(database_url, sessions):
    with sessions() as session:
        tokens = {}
        for role in ("admin", "editor", "viewer"):
            user, _ = create_user(session, f"{role}@ivry.example", role, "a long password 1")
            tokens[role] = create_token(session, user, f"{role} token")[1]
        session.commit()
    client = create_app(Settings(database_url=database_url, secret_key="t")).test_client()

    def call(method, path, role=None, json=None):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        return client.open(path, method=method, json=json, headers=headers)

    return call


def test_an_admin_adds_and_changes_an_instance(api, sessions):
    made = api(
        "POST",
        "/api/v1/instances",
        "admin",
        {
            "name": "ivry",
            "base_url": "https://decidim.ivry94.fr/",
            "locale": "fr",
            "schedule_interval_minutes": 60,
            "api_key": "k",
            "api_secret": "s",
        },
    )
    assert made.status_code == 201
    body = made.get_json()
    assert body["base_url"] == "https://decidim.ivry94.fr" and "api_secret" not in body
    changed = api(
        "PATCH",
        "/api/v1/instances/ivry",
        "admin",
        {"schedule_interval_minutes": None, "schedule_cron": "0 3 * * *"},
    )
    assert changed.get_json()["schedule"] == {"interval_minutes": None, "cron": "0 3 * * *"}
    with sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("instance.%")).order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == ["instance.create", "instance.update"]
    assert entries[1].before["schedule_interval_minutes"] == 60
    assert entries[1].after["schedule_cron"] == "0 3 * * *"
    assert entries[0].after["api_secret"] is True  # never the secret itself
    assert entries[0].actor.startswith("token:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"base_url": "https://x"}, "name"),
        ({"name": "a"}, "base_url"),
        ({"name": "a", "base_url": "ftp://x"}, "base_url"),
        ({"name": "a", "base_url": "https://x/api"}, "base_url"),
        (
            {"name": "a", "base_url": "https://x", "schedule_cron": "tous les jours"},
            "schedule_cron",
        ),
        (
            {"name": "a", "base_url": "https://x", "rate_limit_per_minute": "many"},
            "rate_limit_per_minute",
        ),
        (
            {
                "name": "a",
                "base_url": "https://x",
                "schedule_interval_minutes": 5,
                "schedule_cron": "0 3 * * *",
            },
            "schedule_cron",
        ),
        ({"name": "a", "base_url": "https://x", "decidim_version": "0.28"}, "decidim_version"),
    ],
)
def test_bad_values_are_422_naming_the_field_and_store_nothing(api, sessions, body, field):
    response = api("POST", "/api/v1/instances", "admin", body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["field"] == field
    with sessions() as session:
        assert session.scalar(select(Instance)) is None


def test_writes_are_refused_to_anonymous_and_lower_roles(api):
    body = {"name": "x", "base_url": "https://x"}
    assert api("POST", "/api/v1/instances", None, body).status_code == 401
    assert api("POST", "/api/v1/instances", "editor", body).status_code == 403
    assert api("POST", "/api/v1/instances", "viewer", body).status_code == 403
    assert api("POST", "/api/v1/instances/ivry/sync", None).status_code == 401
    assert api("POST", "/api/v1/instances/ivry/sync", "viewer").status_code == 403
    assert api("POST", "/api/v1/instances", "admin", None).status_code == 400


def test_an_editor_asks_for_a_sync_now(api, sessions):
    api("POST", "/api/v1/instances", "admin", {"name": "ivry", "base_url": "https://x"})
    assert api("POST", "/api/v1/instances/nowhere/sync", "editor").status_code == 404
    asked = api("POST", "/api/v1/instances/ivry/sync", "editor", {"full": True})
    assert asked.status_code == 202 and asked.get_json()["full"] is True
    with sessions() as session:
        request = session.scalar(select(SyncRequest))
        assert request.full and request.picked_at is None
        assert request.requested_by.startswith("token:")
