"""The write API: instances and "sync now", by token, validated, audited, refused to others."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import ApiToken, AuditEntry, Instance, SyncRequest, User
from bridge.timeutil import utcnow


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

    call.client = client
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


# -- people and tokens --------------------------------------------------------------------------
# The fixture makes admin (user 1, token 1), editor (2, 2), viewer (3, 3).
def test_an_admin_lists_and_creates_accounts(api, sessions):
    listed = api("GET", "/api/v1/users", "admin")
    assert listed.status_code == 200
    assert [u["email"] for u in listed.get_json()["items"]] == [
        "admin@ivry.example",
        "editor@ivry.example",
        "viewer@ivry.example",
    ]
    assert "password_hash" not in listed.get_json()["items"][0]
    made = api("POST", "/api/v1/users", "admin", {"email": "Elu@Ivry.example", "role": "editor"})
    assert made.status_code == 201
    body = made.get_json()
    assert body["email"] == "elu@ivry.example" and body["role"] == "editor"
    assert len(body["password"]) >= 12  # generated, answered this once
    again = api("GET", "/api/v1/users", "admin").get_json()["items"]
    assert all("password" not in u for u in again)
    given = api(
        "POST",
        "/api/v1/users",
        "admin",
        {"email": "x@ivry.example", "role": "viewer", "password": "une phrase choisie"},
    )
    assert given.status_code == 201 and "password" not in given.get_json()
    with sessions() as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.target == "user:elu@ivry.example")
        )
    assert entry.action == "user.create" and entry.actor.startswith("token:1:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "viewer"}, "email"),
        ({"email": "not an email", "role": "viewer"}, "email"),
        ({"email": "viewer@ivry.example", "role": "viewer"}, "email"),
        ({"email": "a@ivry.example", "role": "boss"}, "role"),
        ({"email": "a@ivry.example", "role": "viewer", "password": "short"}, "password"),
        ({"email": "a@ivry.example", "role": "viewer", "is_admin": True}, "is_admin"),
        ({"email": ["a@ivry.example"], "role": "viewer"}, "email"),
    ],
)
def test_bad_accounts_are_422_naming_the_field(api, sessions, body, field):
    response = api("POST", "/api/v1/users", "admin", body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["field"] == field
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 3


def test_accounts_are_for_admins_only(api):
    body = {"email": "a@ivry.example", "role": "admin"}
    assert api("GET", "/api/v1/users", None).status_code == 401
    assert api("POST", "/api/v1/users", None, body).status_code == 401
    assert api("PATCH", "/api/v1/users/3", None, {"role": "admin"}).status_code == 401
    for role in ("editor", "viewer"):
        assert api("GET", "/api/v1/users", role).status_code == 403
        assert api("POST", "/api/v1/users", role, body).status_code == 403
        refused = api("PATCH", f"/api/v1/users/{3}", role, {"role": "admin"})
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_a_new_role_applies_to_the_persons_tokens_too(api, sessions):
    api("POST", "/api/v1/instances", "admin", {"name": "ivry", "base_url": "https://x"})
    assert api("POST", "/api/v1/instances/ivry/sync", "editor").status_code == 202
    changed = api("PATCH", "/api/v1/users/2", "admin", {"role": "viewer"})
    assert changed.status_code == 200 and changed.get_json()["role"] == "viewer"
    assert api("POST", "/api/v1/instances/ivry/sync", "editor").status_code == 403
    assert api("GET", "/api/v1/me", "editor").get_json()["role"] == "viewer"
    with sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role"))
    assert entry.before == {"role": "editor"} and entry.after["role"] == "viewer"
    assert entry.after["tokens_lowered"] == [2]


@pytest.mark.parametrize(
    ("user", "body", "field"),
    [
        (3, {"role": "boss"}, "role"),
        (1, {"role": "viewer"}, "role"),  # the last admin
        (3, {"locked": True}, "locked"),
        (3, {"email": "new@ivry.example"}, "email"),
    ],
)
def test_bad_account_changes_are_422(api, sessions, user, body, field):
    response = api("PATCH", f"/api/v1/users/{user}", "admin", body)
    assert response.status_code == 422 and response.get_json()["field"] == field
    with sessions() as session:
        assert [u.role for u in session.scalars(select(User).order_by(User.id))] == [
            "admin",
            "editor",
            "viewer",
        ]
    assert api("PATCH", "/api/v1/users/99", "admin", {"role": "viewer"}).status_code == 404


def test_an_admin_unlocks_an_account(api, sessions):
    with sessions() as session:
        viewer = session.get(User, 3)
        viewer.locked_until, viewer.failed_logins = utcnow() + timedelta(minutes=10), 0
        session.commit()
    assert api("GET", "/api/v1/users", "admin").get_json()["items"][2]["locked"] is True
    unlocked = api("PATCH", "/api/v1/users/3", "admin", {"locked": False})
    assert unlocked.status_code == 200 and unlocked.get_json()["locked"] is False
    with sessions() as session:
        assert session.get(User, 3).locked_until is None
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "user.unlock"))


def test_everyone_creates_lists_and_revokes_their_own_tokens(api, sessions):
    made = api("POST", "/api/v1/tokens", "viewer", {"name": "tableau de bord"})
    assert made.status_code == 201
    body = made.get_json()
    assert body["role"] == "viewer" and body["token"].startswith("cbt_")
    assert body["token"].startswith(body["prefix"]) and "owner_email" not in body
    mine = api("GET", "/api/v1/tokens", "viewer").get_json()["items"]
    assert [t["name"] for t in mine] == ["tableau de bord", "viewer token"]
    assert all("token" not in t and "owner_email" not in t and "digest" not in t for t in mine)
    everyone = api("GET", "/api/v1/tokens", "admin").get_json()["items"]
    assert len(everyone) == 4
    assert {t["owner_email"] for t in everyone} == {
        "admin@ivry.example",
        "editor@ivry.example",
        "viewer@ivry.example",
    }
    # only its owner or an admin revokes a token
    assert api("DELETE", "/api/v1/tokens/1", "viewer").status_code == 403
    assert api("DELETE", "/api/v1/tokens/2", "editor").status_code == 204
    assert api("DELETE", f"/api/v1/tokens/{body['id']}", "admin").status_code == 204
    assert api("DELETE", "/api/v1/tokens/999", "admin").status_code == 404
    listed = api("GET", "/api/v1/tokens?include_revoked=true", "viewer").get_json()["items"]
    assert listed[0]["revoked_at"] is not None
    with sessions() as session:
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("token.%")).order_by(AuditEntry.id)
            )
        ]
    assert actions[-3:] == ["token.create", "token.revoke", "token.revoke"]


def test_a_revoked_token_stops_working_at_once(api):
    made = api("POST", "/api/v1/tokens", "editor", {"name": "script", "role": "viewer"})
    secret = made.get_json()["token"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/api/v1/me", headers=headers).get_json()["role"] == "viewer"
    gone = api.client.delete(f"/api/v1/tokens/{made.get_json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("role", "body", "field"),
    [
        ("viewer", {"name": "x", "role": "admin"}, "role"),
        ("editor", {"name": "x", "role": "admin"}, "role"),
        ("viewer", {"role": "viewer"}, "name"),
        ("viewer", {"name": "   "}, "name"),
        ("viewer", {"name": "x" * 201}, "name"),
        ("viewer", {"name": "x", "user": 1}, "user"),
    ],
)
def test_bad_tokens_are_422(api, sessions, role, body, field):
    response = api("POST", "/api/v1/tokens", role, body)
    assert response.status_code == 422 and response.get_json()["field"] == field
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 3


def test_a_token_never_makes_a_token_stronger_than_itself(api):
    limited = api("POST", "/api/v1/tokens", "admin", {"name": "lecture", "role": "viewer"})
    client_headers = {"Authorization": f"Bearer {limited.get_json()['token']}"}
    escalated = api.client.post(
        "/api/v1/tokens", json={"name": "admin", "role": "admin"}, headers=client_headers
    )
    assert escalated.status_code == 422 and escalated.get_json()["field"] == "role"
    default = api.client.post("/api/v1/tokens", json={"name": "same"}, headers=client_headers)
    assert default.status_code == 201 and default.get_json()["role"] == "viewer"


def test_token_endpoints_need_credentials(api):
    assert api("GET", "/api/v1/tokens", None).status_code == 401
    assert api("POST", "/api/v1/tokens", None, {"name": "x"}).status_code == 401
    assert api("DELETE", "/api/v1/tokens/1", None).status_code == 401


def test_the_new_endpoints_are_in_the_openapi_document(api):
    spec = api("GET", "/api/v1/openapi.json").get_json()
    assert set(spec["paths"]["/users"]) == {"get", "post"}
    assert set(spec["paths"]["/users/{id}"]) == {"patch"}
    assert set(spec["paths"]["/tokens"]) == {"get", "post"}
    assert set(spec["paths"]["/tokens/{id}"]) == {"delete"}
    assert "422" in spec["paths"]["/tokens"]["post"]["responses"]
    assert {"User", "Token"} <= set(spec["components"]["schemas"])
