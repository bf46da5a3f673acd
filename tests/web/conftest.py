"""Signed-in test clients for the admin pages."""

from __future__ import annotations

import re

import pytest

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import Instance
from bridge.timeutil import utcnow


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


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
            token = csrf_of(client.get("/login").get_data(as_text=True))
            client.post(
                "/login",
                data={
                    "csrf_token": token,
                    "email": f"{role}@ivry.example",
                    "password": "a long password 12",
                },
            )
            # signing in starts a new session, with a new CSRF token
            client.csrf = csrf_of(client.get("/account").get_data(as_text=True))
        return client

    return make
