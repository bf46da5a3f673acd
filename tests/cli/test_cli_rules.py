"""The CLI goes through the rules and the audit log of the API and the admin pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry, Instance
from tests.cli.test_cli import bridge, db_url  # noqa: F401 - the fixture


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["quartier/nord", "--url", "http://x", "--locale", "not a locale code"], "name"),
        (["nord", "--url", "http://x", "--locale", "not a locale code"], "locale"),
        (["nord", "--url", "http://x", "--api-secret", "s"], "api_key"),
    ],
)
def test_instance_add_is_refused_with_the_apis_message(db_url, args, field):  # noqa: F811
    result = bridge("instance", "add", *args, database_url=db_url)
    assert result.returncode != 0 and "Traceback" not in result.stderr

    client = create_app(Settings(database_url=db_url, cookie_secure=False)).test_client()
    body = {
        "name": args[0],
        "base_url": "http://x",
        "locale": args[4] if "--locale" in args else "fr",
    }
    if "--api-secret" in args:
        body["api_secret"] = "s"
    with client.application.app_context():
        answer = _as_admin(client).post("/api/v1/instances", json=body)
    assert answer.status_code == 422 and answer.get_json()["field"] == field
    assert answer.get_json()["detail"] in result.stderr  # the same words

    with make_sessionmaker(make_engine(db_url))() as session:
        assert session.scalars(select(Instance)).all() == []
        assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
            "user.create",
            "token.create",
        ]


def test_a_valid_add_is_audited_as_the_cli(db_url):  # noqa: F811
    bridge("instance", "add", "nord", "--url", "http://x/", "--interval", "30", database_url=db_url,
           check=True)  # fmt: skip
    with make_sessionmaker(make_engine(db_url))() as session:
        instance = session.scalar(select(Instance))
        [entry] = session.scalars(select(AuditEntry)).all()
    assert (instance.name, instance.base_url, instance.schedule_interval_minutes) == (
        "nord",
        "http://x",
        30,
    )
    assert (entry.actor, entry.action, entry.target) == ("cli", "instance.create", "instance:nord")


def _as_admin(client):
    """An admin's token on the client (made through the accounts module, as the CLI does)."""
    from bridge.accounts import create_token, create_user

    sessions = client.application.extensions["bridge"].sessions
    with sessions() as session:
        user, _ = create_user(session, "admin@example.fr", "admin", None, "Admin")
        _, secret = create_token(session, user, "test", None, actor="test")
        session.commit()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client
