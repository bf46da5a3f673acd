"""A session ends on the server: after sign-out, a copy of the cookie opens nothing; a
password change ends the other sessions, a role change ends that person's sessions."""

from __future__ import annotations

import requests

from bridge.accounts import create_user
from tests.security.conftest import PASSWORD, csrf_of, sign_in


def copy_of(browser: requests.Session) -> requests.Session:
    thief = requests.Session()
    thief.cookies.update(browser.cookies)
    return thief


def opens(base: str, browser: requests.Session) -> bool:
    return browser.get(f"{base}/api/v1/me").status_code == 200


def test_a_copied_cookie_is_refused_after_sign_out(live, sessions):
    with sessions() as session:
        create_user(session, "agent@ivry.example", "editor", PASSWORD)
        session.commit()
    base = live()
    browser = sign_in(base, "agent@ivry.example")
    thief = copy_of(browser)
    assert opens(base, thief)
    token = csrf_of(browser.get(f"{base}/account").text)
    assert browser.post(f"{base}/logout", data={"csrf_token": token}).ok
    assert not opens(base, thief)
    page = thief.get(f"{base}/admin/", allow_redirects=False)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert opens(base, sign_in(base, "agent@ivry.example"))  # signing in again works


def test_a_password_change_ends_the_other_sessions_but_not_this_one(live, sessions):
    with sessions() as session:
        create_user(session, "agent@ivry.example", "editor", PASSWORD)
        session.commit()
    base = live()
    here, elsewhere = sign_in(base, "agent@ivry.example"), sign_in(base, "agent@ivry.example")
    token = csrf_of(here.get(f"{base}/account").text)
    changed = here.post(
        f"{base}/account",
        data={"csrf_token": token, "current": PASSWORD, "new": "another long password"},
    )
    assert changed.ok
    assert opens(base, here) and not opens(base, elsewhere)


def test_a_role_change_ends_that_persons_sessions(live, sessions):
    with sessions() as session:
        create_user(session, "admin@ivry.example", "admin", PASSWORD)
        agent, _ = create_user(session, "agent@ivry.example", "editor", PASSWORD)
        session.commit()
    base = live()
    agent_browser = sign_in(base, "agent@ivry.example")
    admin = sign_in(base, "admin@ivry.example")
    token = admin.get(f"{base}/api/v1/me").json()["csrf_token"]
    answer = admin.patch(
        f"{base}/api/v1/users/{agent.id}", json={"role": "viewer"}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 200
    assert not opens(base, agent_browser) and opens(base, admin)
