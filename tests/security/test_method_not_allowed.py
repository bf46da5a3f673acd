"""A 405 says which methods the path accepts (`Allow`), on the API (as problem+json) and on
the pages, signed in or not."""

from __future__ import annotations

import pytest

from bridge.app import create_app
from bridge.config import Settings


@pytest.fixture
def client(sqlite_url):
    return create_app(Settings(database_url=sqlite_url, secret_key="t")).test_client()


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("DELETE", "/api/v1/processes", {"GET", "HEAD", "OPTIONS"}),
        ("POST", "/api/v1/me", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/api/v1/instances", {"GET", "HEAD", "OPTIONS", "POST"}),
    ],
)
def test_the_api_405_is_problem_json_with_allow(client, method, path, allowed):
    answer = client.open(path, method=method)
    assert answer.status_code == 405
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["status"] == 405
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/login", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("POST", "/admin/", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_page_405_carries_allow(client, method, path, allowed):
    answer = client.open(path, method=method)
    assert answer.status_code == 405
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed
