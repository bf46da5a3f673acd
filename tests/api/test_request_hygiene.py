"""What PostgreSQL refuses and SQLite lets through (a NUL character, a text longer than its
column, a number beyond 64 bits) is refused at the door with a 4xx, on both databases."""

from __future__ import annotations

import pytest

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings


@pytest.fixture
def call(database_url, sessions):
    with sessions() as session:
        user, _ = create_user(session, "admin@ivry.example", "admin", "a long password 1")
        token = create_token(session, user, "hygiene")[1]
        session.commit()
    client = create_app(Settings(database_url=database_url, secret_key="t")).test_client()

    def send(method, path, **kwargs):
        return client.open(
            path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )

    return send


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/api/v1/users", {"json": {"email": "a\x00@ivry.example", "role": "viewer"}}),
        ("POST", "/api/v1/tokens", {"json": {"name": "n\x00", "role": "viewer"}}),
        ("POST", "/api/v1/instances", {"json": {"name": "a\x00", "base_url": "https://x.fr"}}),
        ("PATCH", "/api/v1/instances/a%00b", {"json": {}}),
        ("GET", "/api/v1/proposals?q=a%00b", {}),
        ("POST", "/api/v1/budget/envelopes", {"json": {"name": "e", "amount": "1\x00"}}),
        ("POST", "/login", {"data": {"email": "a\x00", "password": "x"}}),
    ],
)
def test_a_nul_character_is_refused_anywhere(call, method, path, kwargs):
    answer = call(method, path, **kwargs)
    assert answer.status_code == 400
    assert "NUL" in answer.get_json()["detail"]


LONG = "x" * 600


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a", "base_url": "https://x.fr/" + LONG}, "base_url"),
        ({"name": "a", "base_url": "https://x.fr", "api_key": LONG}, "api_key"),
        ({"name": "a", "base_url": "https://x.fr", "schedule_cron": LONG}, "schedule_cron"),
        (
            {"name": "a", "base_url": "https://x.fr", "schedule_interval_minutes": 10**20},
            "schedule_interval_minutes",
        ),
        (
            {"name": "a", "base_url": "https://x.fr", "rate_limit_per_minute": 10**20},
            "rate_limit_per_minute",
        ),
    ],
)
def test_values_beyond_their_columns_are_422_not_500(call, body, field):
    answer = call("POST", "/api/v1/instances", json=body)
    assert answer.status_code == 422 and answer.get_json()["field"] == field


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"/api/v1/budget/allocations/{2**70}"),
        ("DELETE", f"/api/v1/budget/ledger/{2**70}"),
        ("POST", f"/api/v1/budget/envelopes/{2**70}/import"),
        ("PATCH", f"/api/v1/users/{2**70}"),
        ("DELETE", f"/api/v1/tokens/{2**70}"),
    ],
)
def test_ids_beyond_64_bits_are_not_found(call, method, path):
    assert call(method, path, json={}).status_code == 404


def test_amounts_beyond_reason_are_refused(call):
    huge = call("POST", "/api/v1/budget/envelopes", json={"name": "e", "amount": "9" * 30})
    assert huge.status_code == 422 and huge.get_json()["field"] == "amount"
