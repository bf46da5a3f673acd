"""Every answer carries the security headers; the policy allows what the pages use and
nothing else: no script, styles only from this site's stylesheets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge.app import create_app
from bridge.config import Settings
from tests.security.conftest import PASSWORD

ROOT = Path(__file__).parents[2]
TEMPLATES = [*ROOT.glob("bridge/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]


@pytest.fixture
def client(sqlite_url):
    from bridge.accounts import create_user

    app = create_app(Settings(database_url=sqlite_url, secret_key="t", cookie_secure=False))
    with app.extensions["bridge"].sessions() as session:
        create_user(session, "admin@ivry.example", "admin", PASSWORD)
        session.commit()
    return app.test_client()


def signed_in(client):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"csrf_token": token, "email": "admin@ivry.example", "password": PASSWORD}
    )
    return client


@pytest.mark.parametrize(
    "path", ["/login", "/admin/users", "/", "/budget/", "/api/v1/processes", "/healthz", "/nope"]
)
def test_every_answer_carries_the_headers(client, path):
    answer = signed_in(client).get(path)
    policy = answer.headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy  # no logo URL elsewhere: nothing else
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_styles_come_from_this_site_only(client):
    policy = client.get("/budget/").headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "nonce" not in policy


def test_a_logo_given_as_a_url_elsewhere_may_be_shown(sqlite_url):
    settings = Settings(database_url=sqlite_url, secret_key="t", logo="https://ivry94.fr/l.svg")
    policy = create_app(settings).test_client().get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://ivry94.fr;" in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_what_the_policy_would_block(template):
    """A <style> element, a style attribute or a script would be dropped by the browser: CSS
    goes in a static stylesheet, and the pages need no script."""
    text = template.read_text()
    assert not re.search(r"\sstyle=", text), "use a class of a static stylesheet instead"
    assert not re.search(r"\son[a-z]+=", text), "no inline event handler"
    assert not re.search(r"<(?:style|script)\b", text), "no inline <style> nor <script>"
