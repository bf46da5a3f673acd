"""Two administrators demoting each other at the same instant leave one administrator, never
none: real parallel requests against a real server, trial after trial, on SQLite and
PostgreSQL."""

from __future__ import annotations

import requests
from sqlalchemy import func, select, update

from bridge.accounts import create_token, create_user
from bridge.store.models import ApiToken, User
from tests.security.conftest import PASSWORD, in_parallel

TRIALS = 12


def test_two_admins_demoting_each_other_leave_one(live, sessions):
    with sessions() as session:
        one, _ = create_user(session, "une@ivry.example", "admin", PASSWORD)
        two, _ = create_user(session, "deux@ivry.example", "admin", PASSWORD)
        tokens = [create_token(session, one, "t")[1], create_token(session, two, "t")[1]]
        session.commit()
        ids = [one.id, two.id]
    base = live()
    for trial in range(TRIALS):
        with sessions() as session:  # both admins again, with admin tokens
            session.execute(update(User).values(role="admin"))
            session.execute(update(ApiToken).values(role="admin"))
            session.commit()
        answers = in_parallel(
            2,
            lambda i: requests.patch(
                f"{base}/api/v1/users/{ids[1 - i]}",  # each demotes the other
                json={"role": "editor"},
                headers={"Authorization": f"Bearer {tokens[i]}"},
                timeout=30,
            ),
        )
        codes = sorted(a.status_code for a in answers)
        with sessions() as session:
            admins = session.scalar(
                select(func.count()).select_from(User).where(User.role == "admin")
            )
        assert admins == 1, (trial, codes)
        assert codes in ([200, 403], [200, 422]), (trial, [a.text for a in answers])
        refused = next(a for a in answers if a.status_code != 200)
        assert refused.headers["Content-Type"] == "application/problem+json"
