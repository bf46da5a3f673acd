"""Every admin page refuses anonymous visitors, and every admin write refuses lower roles."""

from __future__ import annotations

import re

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import Instance
from bridge.timeutil import utcnow

PAGES = [
    "/admin/",
    "/admin/instances/new",
    "/admin/instances/ivry",
    "/admin/instances/ivry/proposals",
    "/admin/proposals/1",
]
WRITES = [
    ("/admin/instances/new", "admin"),
    ("/admin/instances/ivry/test", "admin"),
    ("/admin/instances/ivry/sync", "editor"),
]


@pytest.fixture
def client_for(database_url, sessions):
    with sessions() as session:
        for role in ("admin", "editor", "viewer"):
            create_user(session, f"{role}@ivry.example", role, "a long password 12")
        now = utcnow()
        session.add(
            Instance(
                name="ivry",
                base_url="http://127.0.0.1:9",
                created_at=now,
                updated_at=now,
                rate_limit_per_minute=0,
            )
        )
        session.commit()
    app = create_app(Settings(database_url=database_url, secret_key="t", cookie_secure=False))

    def make(role: str | None):
        client = app.test_client()
        if role:
            token = re.search(
                r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)
            ).group(1)
            client.post(
                "/login",
                data={
                    "csrf_token": token,
                    "email": f"{role}@ivry.example",
                    "password": "a long password 12",
                },
            )
            # signing in starts a new session, with a new CSRF token
            client.csrf = re.search(
                r'name="csrf_token" value="([^"]+)"', client.get("/account").get_data(as_text=True)
            ).group(1)
        return client

    return make


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    client = client_for(None)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_writes_need_the_right_role(client_for):
    ranks = ["viewer", "editor", "admin"]
    for path, needed in WRITES:
        for role in ranks:
            client = client_for(role)
            response = client.post(
                path, data={"csrf_token": client.csrf, "name": "x", "base_url": "ftp://x"}
            )
            allowed = ranks.index(role) >= ranks.index(needed)
            assert (response.status_code != 403) == allowed, (path, role, response.status_code)


def test_admin_form_posts_need_the_csrf_token(client_for):
    client = client_for("admin")
    response = client.post("/admin/instances/ivry/sync")
    assert response.status_code == 400
