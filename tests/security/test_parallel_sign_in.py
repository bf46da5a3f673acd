"""Guessing in parallel gains nothing: attempts are counted in the database before any
password is checked, so 8 wrong passwords at a time still get 5 checked before the account
locks, and 12 attempts at a time from one address still get 20 refusals at most before it waits.
Real parallel requests against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

import bridge.accounts
from bridge.accounts import MAX_FAILURES, create_user
from bridge.store.models import AuditEntry, User
from bridge.web import throttle
from tests.security.conftest import PASSWORD, in_parallel, login_form

AT_ONCE = 8


def test_parallel_wrong_passwords_check_five_then_the_account_locks(
    live, sessions, monkeypatch, strong_passwords
):
    """On the strong parameters (`strong_passwords`): a check as long as a deployment's leaves
    parallel attempts the widest window to race the count."""
    with sessions() as session:
        user, _ = create_user(session, "agent@ivry.example", "editor", PASSWORD)
        session.commit()
        stored_hash = user.password_hash
    checked = []  # the passwords checked against the account's own hash
    real_check = bridge.accounts.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        if pwhash == stored_hash:
            checked.append(password)
        return real_check(pwhash, password)

    monkeypatch.setattr(bridge.accounts, "check_password_hash", counting_check)
    base = live(proxies=1)  # each attempt from its own address: only the account lock counts

    def wrong_attempts(round_: int):
        forms = [
            login_form(base, {"X-Forwarded-For": f"10.0.{round_}.{i}"}) for i in range(AT_ONCE)
        ]
        return in_parallel(
            AT_ONCE,
            lambda i: (
                forms[i][0]
                .post(
                    f"{base}/login",
                    data={
                        "csrf_token": forms[i][1],
                        "email": "agent@ivry.example",
                        "password": f"guess {round_}-{i}",
                    },
                    allow_redirects=False,
                )
                .status_code
            ),
        )

    answers = [code for round_ in range(5) for code in wrong_attempts(round_)]
    assert set(answers) == {401}
    assert len(checked) <= MAX_FAILURES, f"{len(checked)} guesses checked"

    browser, token = login_form(base, {"X-Forwarded-For": "10.1.0.1"})
    right = browser.post(
        f"{base}/login",
        data={"csrf_token": token, "email": "agent@ivry.example", "password": PASSWORD},
        allow_redirects=False,
    )
    assert right.status_code == 401  # locked: even the right password waits
    with sessions() as session:
        locked = session.scalar(select(User).where(User.email == "agent@ivry.example"))
        assert locked.locked_until is not None
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "user.locked")
            )
            == 1
        )


def test_parallel_attempts_from_one_address_get_twenty_refusals_then_wait(live):
    base = live()
    at_once, rounds = 12, 5  # 60 attempts, 12 at a time: a round straddles the limit
    answers = []
    for round_ in range(rounds):
        forms = [login_form(base) for _ in range(at_once)]
        answers += in_parallel(
            at_once,
            lambda i, forms=forms, round_=round_: (
                forms[i][0]
                .post(
                    f"{base}/login",
                    data={
                        "csrf_token": forms[i][1],
                        "email": f"nobody{round_}-{i}@ivry.example",  # many accounts: no lock
                        "password": "a guess of twelve",
                    },
                    allow_redirects=False,
                )
                .status_code
            ),
        )
    # never more than the limit; attempts in flight count each other, so a burst may stop
    # one or two short of it (before: 24 went through)
    refused = answers.count(401)
    assert throttle.MAX_FAILURES - at_once < refused <= throttle.MAX_FAILURES, answers
    assert answers.count(429) == at_once * rounds - refused
