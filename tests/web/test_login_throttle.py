"""Sign-in throttling by address: many refusals from one address stop that address, for any
account, for a while; other addresses go on; behind a proxy the visitor's address counts."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from bridge.accounts import create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.models import LoginFailure
from bridge.web import throttle


def sign_in(client, email, password, **kwargs):
    page = client.get("/login", **kwargs).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/login", data={"csrf_token": token, "email": email, "password": password}, **kwargs
    )


def test_an_address_that_keeps_failing_waits(database_url, sessions):
    with sessions() as session:
        create_user(session, "agent@ivry.example", "viewer", "a long password 12")
        session.commit()
    app = create_app(Settings(database_url=database_url, secret_key="t", cookie_secure=False))
    attacker = app.test_client()
    here = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    for i in range(throttle.MAX_FAILURES):  # a different account each time: no account lock
        assert sign_in(attacker, f"guess{i}@ivry.example", "nope", **here).status_code == 401
    refused = sign_in(attacker, "agent@ivry.example", "a long password 12", **here)
    assert refused.status_code == 429
    assert "Trop d’essais de connexion depuis votre adresse" in refused.get_data(as_text=True)

    elsewhere = {"environ_base": {"REMOTE_ADDR": "198.51.100.2"}}
    assert sign_in(app.test_client(), "agent@ivry.example", "a long password 12", **elsewhere)
    assert (
        sign_in(
            app.test_client(), "agent@ivry.example", "a long password 12", **elsewhere
        ).status_code
        == 302
    )

    with sessions() as session:  # the window passes
        session.execute(update(LoginFailure).values(at=LoginFailure.at - timedelta(minutes=16)))
        session.commit()
    later = sign_in(app.test_client(), "agent@ivry.example", "a long password 12", **here)
    assert later.status_code == 302


def test_behind_a_proxy_the_visitors_address_counts(database_url, sessions):
    app = create_app(
        Settings(database_url=database_url, secret_key="t", cookie_secure=False, proxies=1)
    )
    client = app.test_client()
    for _ in range(throttle.MAX_FAILURES):
        headers = {"X-Forwarded-For": "203.0.113.9"}
        assert sign_in(client, "x@ivry.example", "nope", headers=headers).status_code == 401
    assert sign_in(client, "x@ivry.example", "nope", headers=headers).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.10"}
    assert sign_in(client, "x@ivry.example", "nope", headers=other).status_code == 401
