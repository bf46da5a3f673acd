"""No route can be forgotten: every admin page and every write, the plugins' too, found in the
app's own URL map, refuses anonymous visitors; every API write refuses a viewer's token unless
it is listed here as open to viewers (a person's own tokens)."""

from __future__ import annotations

import re

import pytest

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
VIEWER_MAY = {("POST", "/api/v1/tokens"), ("DELETE", "/api/v1/tokens/{}")}  # their own tokens
PUBLIC_FORMS = {"/login", "/logout"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from tests.conftest import _database_url

    url = _database_url("sqlite", tmp_path_factory.mktemp("guard"))
    app = create_app(Settings(database_url=url, secret_key="t", cookie_secure=False))
    with app.extensions["bridge"].sessions() as session:
        user, _ = create_user(session, "viewer@ivry.example", "viewer", "a long password 12")
        app.viewer_token = create_token(session, user, "viewer token")[1]
        session.commit()
    return app


def routes(app, prefix: str):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix):
            path = re.sub(r"<[^>]+>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path, re.sub(r"<[^>]+>", "{}", rule.rule)


def test_admin_pages_and_forms_refuse_anonymous_visitors(app):
    client = app.test_client()
    checked = 0
    for method, path, _ in routes(app, "/admin"):
        answer = client.open(path, method=method)
        if method == "GET":
            assert answer.status_code == 302 and "/login" in answer.location, path
        else:  # no session, so no CSRF token: refused before anything is read
            assert answer.status_code in (302, 400), (method, path)
        checked += 1
    assert checked >= 20  # the core's and the budget plugin's pages are all in the map


def test_api_writes_refuse_anonymous_callers_and_viewers(app):
    client = app.test_client()
    viewer = {"Authorization": f"Bearer {app.viewer_token}"}
    checked = 0
    for method, path, pattern in routes(app, "/api/v1"):
        if method not in WRITES:
            continue
        anonymous = client.open(path, method=method, json={})
        assert anonymous.status_code == 401, (method, path, anonymous.get_json())
        assert anonymous.mimetype == "application/problem+json"
        if (method, pattern) not in VIEWER_MAY:
            refused = client.open(path, method=method, json={}, headers=viewer)
            assert refused.status_code == 403, (method, path, refused.get_json())
        checked += 1
    assert checked >= 10


def test_forms_outside_admin_are_only_sign_in_and_out(app):
    """Any other page that accepts a form must be guarded like the admin pages."""
    others = {
        path
        for method, path, _ in routes(app, "/")
        if method in WRITES and not path.startswith(("/admin", "/api/"))
    }
    assert others <= PUBLIC_FORMS | {"/account"}
