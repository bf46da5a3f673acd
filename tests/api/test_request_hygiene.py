"""What PostgreSQL refuses and SQLite lets through (a NUL character, a text longer than its
column, an id beyond the 32 bits of an INTEGER column) is refused at the door with a 4xx, on
both databases."""

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
    if path.startswith("/api/"):
        assert "NUL" in answer.get_json()["detail"]
    else:  # a page: the French error page
        assert answer.mimetype == "text/html" and 'lang="fr"' in answer.get_data(as_text=True)


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
        ("PATCH", f"/api/v1/budget/allocations/{2**31}"),
        ("DELETE", f"/api/v1/budget/ledger/{2**31}"),
        ("POST", f"/api/v1/budget/envelopes/{2**31}/import"),
        ("PATCH", f"/api/v1/users/{2**31}"),
        ("DELETE", f"/api/v1/tokens/{2**31}"),
    ],
)
def test_ids_beyond_32_bits_are_not_found(call, method, path):
    assert call(method, path, json={}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/processes/{2**31}",
        f"/api/v1/assemblies/{2**31}",
        f"/api/v1/sync-runs/{2**31}",
        f"/api/v1/proposals?process={2**31}",
        f"/api/v1/proposals?component={2**31}",
    ],
)
def test_reads_with_ids_beyond_32_bits_answer_4xx(call, path):
    assert call("GET", path).status_code in (400, 404)


def test_amounts_beyond_reason_are_refused(call):
    huge = call("POST", "/api/v1/budget/envelopes", json={"name": "e", "amount": "9" * 30})
    assert huge.status_code == 422 and huge.get_json()["field"] == "amount"
