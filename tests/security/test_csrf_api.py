"""An unsafe API call made with the session cookie needs the CSRF token: a form on another
page of the same site can no longer run "sync now" or import a ledger line as the signed-in
editor. A bearer token needs none; the session's own scripts get the token from /api/v1/me."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bridge.accounts import create_token, create_user
from bridge.store.models import Instance, SyncRequest, User
from bridge.timeutil import utcnow
from plugins.budget.models import Envelope, LedgerLine
from tests.security.conftest import PASSWORD, sign_in

LINE = "type;date;montant;référence;fournisseur;libellé\nmandatement;2026-11-30;12345;F-1;X;Y\n"


@pytest.fixture
def site(live, sessions):
    with sessions() as session:
        user, _ = create_user(session, "editor@ivry.example", "editor", PASSWORD)
        token = create_token(session, user, "script")[1]
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
        session.add(Envelope(name="Suites du vote", amount_cents=70_000_000, created_at=now))
        session.commit()
    base = live(plugins={"enabled": ["budget"]})
    return base, token


def stored(sessions) -> tuple[int, int]:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(SyncRequest)),
            session.scalar(select(func.count()).select_from(LedgerLine)),
        )


def test_a_forged_form_cannot_write_through_the_api(site, sessions):
    base, _ = site
    browser = sign_in(base, "editor@ivry.example")
    with sessions() as session:
        envelope = session.scalar(select(Envelope.id))
    # what another page's <form method=post enctype=text/plain> sends with the cookie
    forged = [
        browser.post(f"{base}/api/v1/instances/ivry/sync"),
        browser.post(
            f"{base}/api/v1/budget/envelopes/{envelope}/import",
            data=LINE.encode(),
            headers={"Content-Type": "text/plain"},
        ),
    ]
    for answer in forged:
        assert answer.status_code == 403
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["field"] == "X-CSRF-Token"
        assert answer.json()["title"] == "Forbidden"
    assert stored(sessions) == (0, 0)

    token = browser.get(f"{base}/api/v1/me").json()["csrf_token"]  # the page's own script
    sync = browser.post(f"{base}/api/v1/instances/ivry/sync", headers={"X-CSRF-Token": token})
    assert sync.status_code == 202
    assert (
        browser.post(
            f"{base}/api/v1/instances/ivry/sync", headers={"X-CSRF-Token": "not the token"}
        ).status_code
        == 403
    )
    imported = browser.post(
        f"{base}/api/v1/budget/envelopes/{envelope}/import",
        data=LINE.encode(),
        headers={"Content-Type": "text/plain", "X-CSRF-Token": token},
    )
    assert imported.ok, imported.text
    assert stored(sessions) == (1, 1)


def test_a_bearer_token_needs_no_csrf_token_and_anonymous_calls_stay_401(site, sessions):
    base, token = site
    import requests

    answer = requests.post(
        f"{base}/api/v1/instances/ivry/sync", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 202
    assert requests.post(f"{base}/api/v1/instances/ivry/sync").status_code == 401
    assert (
        "csrf_token"
        not in requests.get(
            f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        ).json()
    )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
