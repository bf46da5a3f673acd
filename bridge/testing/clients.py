"""People of each role and test clients signed in as them, the way a browser or an API caller
would be: through the sign-in form (CSRF token included) or with an API token."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

ROLES = ("admin", "editor", "viewer")
PASSWORD = "a long password 12"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def email_for(role: str) -> str:
    return f"{role}@ivry.example"


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    if found is None:
        raise AssertionError("no csrf_token field in the page")
    return found.group(1)


def create_people(sessions: sessionmaker[Session]) -> dict[str, str]:
    """One account per role: {role: email}."""
    from bridge.accounts import create_user

    with sessions() as session:
        for role in ROLES:
            create_user(session, email_for(role), role, PASSWORD)
        session.commit()
    return {role: email_for(role) for role in ROLES}


def create_api_token(sessions: sessionmaker[Session], role: str) -> str:
    """A new API token of the person of `role` (made by `create_people`): its secret."""
    from sqlalchemy import select

    from bridge.accounts import create_token
    from bridge.store.models import User

    with sessions() as session:
        user = session.scalar(select(User).where(User.email == email_for(role)))
        if user is None:
            raise LookupError(f"no {role} account: use the bridge_users fixture first")
        secret = create_token(session, user, f"{role} token")[1]
        session.commit()
    return secret


class SignedClient(FlaskClient):
    """A test client that knows a valid CSRF token of its session (`.csrf`)."""

    csrf: str = ""


def sign_in(client: SignedClient, email: str, password: str = PASSWORD) -> SignedClient:
    """Sign `client` in through the form; afterwards `client.csrf` is its session's token
    (signing in starts a new session, with a new token)."""
    token = csrf_of(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if answer.status_code != 302:
        raise AssertionError(f"sign-in of {email} refused ({answer.status_code})")
    client.csrf = csrf_of(client.get("/account").get_data(as_text=True))
    return client


def client_as(app: Flask, role: str | None) -> SignedClient:
    """A test client signed in as the person of `role`, or anonymous (None). Either way
    `.csrf` holds a valid token of its session, so a refusal it meets is about who asks."""
    client = SignedClient(app, app.response_class, use_cookies=True)
    if role is None:
        client.csrf = csrf_of(client.get("/login").get_data(as_text=True))
        return client
    return sign_in(client, email_for(role))


def api_client(app: Flask, token: str | None) -> FlaskClient:
    """A test client sending `Authorization: Bearer <token>` with every request (no header
    when `token` is None)."""
    client = app.test_client()
    if token is not None:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client
