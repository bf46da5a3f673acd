"""Accounts and access: sign-in with CSRF and throttling, password change, tokens, audit."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from bridge.accounts import (
    AccountError,
    LoginRefused,
    authenticate,
    create_token,
    create_user,
    revoke_token,
)
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import ApiToken, AuditEntry, User


@pytest.fixture
def app(database_url):
    app = create_app(Settings(database_url=database_url, secret_key="test", cookie_secure=False))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def people(sessions):
    with sessions() as session:
        create_user(session, "Admin@Ivry.example", "admin", "correct horse battery")
        create_user(session, "lecteur@ivry.example", "viewer", "lecture seule 2024")
        session.commit()


def csrf(client, path="/login") -> str:
    return re.search(
        r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)
    ).group(1)


def test_account_rules(sessions):
    with sessions() as session:
        for email, role, password, message in [
            ("not-an-email", "admin", "long enough pw", "not an email"),
            ("a@b.fr", "boss", "long enough pw", "role must be"),
            ("a@b.fr", "admin", "short", "at least 12"),
        ]:
            with pytest.raises(AccountError, match=message):
                create_user(session, email, role, password)
        user, generated = create_user(session, "a@b.fr", "editor")
        assert len(generated) >= 12 and user.password_hash.startswith("scrypt:")
        assert generated not in user.password_hash
        with pytest.raises(AccountError, match="already exists"):
            create_user(session, "A@B.fr", "viewer", "long enough pw")


def test_login_page_in_french_then_english(app, people):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Se connecter" in page
    assert '<label for="email">' in page and 'autocomplete="current-password"' in page
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Sign in" in english and '<html lang="en">' in english


def test_sign_in_needs_the_csrf_token(app, people):
    client = app.test_client()
    client.get("/login")
    refused = client.post(
        "/login", data={"email": "admin@ivry.example", "password": "correct horse battery"}
    )
    assert refused.status_code == 400


def test_sign_in_session_cookie_and_sign_out(app, people):
    client = app.test_client()
    token = csrf(client)
    wrong = client.post(
        "/login", data={"csrf_token": token, "email": "admin@ivry.example", "password": "nope"}
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)
    ok = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "ADMIN@ivry.example",
            "password": "correct horse battery",
        },
    )
    assert ok.status_code == 302
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/me").get_json()["role"] == "admin"
    client.post("/logout", data={"csrf_token": csrf(client, "/account")})
    assert client.get("/api/v1/me").status_code == 401


def test_secure_cookie_by_default(database_url, people):
    app = create_app(Settings(database_url=database_url, secret_key="x"))
    client = app.test_client()
    token = csrf(client)
    ok = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "admin@ivry.example",
            "password": "correct horse battery",
        },
    )
    assert "Secure" in ok.headers["Set-Cookie"]


def test_repeated_failures_lock_the_account(sessions, people):
    with sessions() as session:
        for _ in range(5):
            with pytest.raises(LoginRefused):
                authenticate(session, "admin@ivry.example", "wrong password")
        with pytest.raises(LoginRefused):  # even the right password, while locked
            authenticate(session, "admin@ivry.example", "correct horse battery")
        user = session.query(User).filter_by(email="admin@ivry.example").one()
        assert user.locked_until is not None
        assert session.query(AuditEntry).filter_by(action="user.locked").count() == 1


def test_password_change_ends_other_sessions(app, people):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post(
            "/login",
            data={
                "csrf_token": csrf(client),
                "email": "admin@ivry.example",
                "password": "correct horse battery",
            },
        )
    changed = first.post(
        "/account",
        data={
            "csrf_token": csrf(first, "/account"),
            "current": "correct horse battery",
            "new": "a brand new passphrase",
        },
    )
    assert changed.status_code == 302
    assert first.get("/api/v1/me").status_code == 200
    assert second.get("/api/v1/me").status_code == 401  # signed in with the old password
    short = first.post(
        "/account",
        data={
            "csrf_token": csrf(first, "/account"),
            "current": "a brand new passphrase",
            "new": "short",
        },
    )
    assert short.status_code == 422


def test_tokens_roles_and_audit(app, sessions, people):
    with sessions() as session:
        admin = session.query(User).filter_by(email="admin@ivry.example").one()
        viewer = session.query(User).filter_by(email="lecteur@ivry.example").one()
        _, admin_secret = create_token(session, admin, "portail")
        limited, limited_secret = create_token(session, admin, "lecture", role="viewer")
        _, viewer_secret = create_token(session, viewer, "tableau")
        with pytest.raises(AccountError):
            create_token(session, viewer, "escalade", role="admin")
        session.commit()
        stored = session.query(ApiToken).all()
        assert all(t.digest != admin_secret and admin_secret not in t.digest for t in stored)
    client = app.test_client()

    def get(path, secret=None):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return client.get(path, headers=headers)

    assert get("/api/v1/audit").status_code == 401
    assert get("/api/v1/audit", "cbt_forged").status_code == 401
    forbidden = get("/api/v1/audit", viewer_secret)
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"
    assert get("/api/v1/audit", limited_secret).status_code == 403  # the token's role counts
    entries = get("/api/v1/audit", admin_secret).get_json()["items"]
    assert {"user.create", "token.create"} <= {e["action"] for e in entries}
    csv = get("/api/v1/audit?format=csv", admin_secret)
    assert csv.mimetype == "text/csv" and "token.create" in csv.get_data(as_text=True)
    assert get("/api/v1/proposals").status_code == 200  # public data stays open

    with sessions() as session:
        revoke_token(session, session.get(ApiToken, limited.id), actor="test")
        used = session.query(ApiToken).filter(ApiToken.last_used_at.is_not(None)).count()
        assert used >= 2
    assert get("/api/v1/me", limited_secret).status_code == 401


def test_cli_creates_users_and_tokens(sqlite_url, monkeypatch):
    from bridge.cli import main

    monkeypatch.setenv("BRIDGE_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    made = runner.invoke(main, ["user", "create", "elu@ivry.example", "--role", "editor"])
    assert made.exit_code == 0 and "password (shown once): " in made.output
    again = runner.invoke(main, ["user", "create", "elu@ivry.example", "--role", "editor"])
    assert again.exit_code != 0 and "already exists" in again.output
    piped = runner.invoke(
        main,
        ["user", "create", "x@ivry.example", "--role", "viewer", "--password-stdin"],
        input="une phrase secrète\n",
    )
    assert piped.exit_code == 0 and "shown once" not in piped.output
    token = runner.invoke(main, ["token", "create", "elu@ivry.example", "--name", "portail"])
    assert token.exit_code == 0 and "cbt_" in token.output
    assert runner.invoke(main, ["token", "revoke", "1"]).exit_code == 0
    listing = runner.invoke(main, ["user", "list"]).output
    assert "elu@ivry.example\teditor" in listing and "cbt_" not in listing
