"""A locked account is refused after the same work as a wrong password (one scrypt check), so
the time of the answer does not tell an attacker that the account exists and is locked."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest

import bridge.accounts
from bridge.accounts import LoginRefused, authenticate, create_user
from bridge.timeutil import utcnow
from tests.security.conftest import PASSWORD


def test_locked_unknown_and_wrong_cost_one_password_check_each(
    sessions, monkeypatch, strong_passwords
):
    """On the strong parameters a deployment hashes with (`strong_passwords`): the cheap ones of
    the test kit would leave the database's work to compare."""
    with sessions() as session:
        create_user(session, "open@ivry.example", "viewer", PASSWORD)
        locked, _ = create_user(session, "locked@ivry.example", "viewer", PASSWORD)
        locked.locked_until = utcnow() + timedelta(minutes=10)
        session.commit()
    checks = []
    real_check = bridge.accounts.check_password_hash
    monkeypatch.setattr(
        bridge.accounts,
        "check_password_hash",
        lambda pwhash, password: checks.append(pwhash) or real_check(pwhash, password),
    )

    def timed(email: str, password: str) -> float:
        """The CPU this process spends on the refusal: the work an attacker would time, and
        unlike the wall clock not stretched by other processes on a busy machine."""
        with sessions() as session:
            began = time.process_time()
            with pytest.raises(LoginRefused):
                authenticate(session, email, password)
            return time.process_time() - began

    wrong = [timed("open@ivry.example", "a wrong password") for _ in range(3)]
    assert len(checks) == 3
    refused = [timed("locked@ivry.example", PASSWORD) for _ in range(3)]
    assert len(checks) == 6  # the locked account too: one check per attempt
    unknown = [timed("nobody@ivry.example", PASSWORD) for _ in range(3)]
    assert len(checks) == 9
    slowest_path = statistics.median(wrong)
    # before: 12 ms for a locked account against about 250 ms for a wrong password
    assert statistics.median(refused) > 0.5 * slowest_path, (refused, wrong)
    assert statistics.median(unknown) > 0.5 * slowest_path, (unknown, wrong)
