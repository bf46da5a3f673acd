"""The test kit hashes passwords cheaply, and nothing else does: a process without the kit hashes
with the strong parameters, and a password checks against its hash whatever cost it was made at
(the hash names its parameters)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from werkzeug.security import generate_password_hash

from bridge import passwords
from bridge.accounts import LoginRefused, authenticate, create_user
from bridge.testing import PASSWORD
from bridge.testing.plugin import CHEAP_PASSWORDS


def test_a_process_without_the_kit_hashes_with_the_strong_parameters():
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bridge.passwords import hash_password, hashing_method;"
            "print(hashing_method()); print(hash_password('a long password 12').split('$')[0])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert made.stdout.split() == ["scrypt:32768:8:1", "scrypt:32768:8:1"]
    assert passwords.STRONG == "scrypt:32768:8:1"  # werkzeug's own scrypt default


def test_the_kit_hashes_its_accounts_cheaply_and_they_sign_in(sessions, bridge_users, client_for):
    assert passwords.hashing_method() == CHEAP_PASSWORDS
    with sessions() as session:
        user = authenticate(session, bridge_users["editor"], PASSWORD)
        assert user.password_hash.startswith(CHEAP_PASSWORDS + "$")
        with pytest.raises(LoginRefused):
            authenticate(session, bridge_users["editor"], "a wrong password")
    assert client_for("editor").get("/account").status_code == 200


def test_a_strong_hash_still_checks_under_the_cheap_kit(sessions):
    with sessions() as session:
        user, _ = create_user(session, "strong@ivry.example", "viewer", PASSWORD)
        user.password_hash = generate_password_hash(PASSWORD, method=passwords.STRONG)
        session.commit()
        assert authenticate(session, "strong@ivry.example", PASSWORD).id == user.id
        with pytest.raises(LoginRefused):
            authenticate(session, "strong@ivry.example", "a wrong password")


def test_strong_passwords_gives_the_deployments_cost(sessions, strong_passwords):
    assert strong_passwords == passwords.hashing_method() == passwords.STRONG
    with sessions() as session:
        user, _ = create_user(session, "agent@ivry.example", "viewer", PASSWORD)
        session.commit()
        assert user.password_hash.startswith(passwords.STRONG + "$")
        assert passwords.dummy_hash().startswith(passwords.STRONG + "$")


def test_only_scrypt_is_accepted():
    with pytest.raises(ValueError, match="scrypt"):
        passwords.use_hashing("pbkdf2:sha256:1")
    assert passwords.hashing_method() == CHEAP_PASSWORDS
