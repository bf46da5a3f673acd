"""The outbox over STARTTLS (port-587 style) and implicit TLS (port-465 style) against a real
SMTP server on 127.0.0.1 (aiosmtpd) with a certificate of a CA made for the test: the
certificate is checked (the test trusts its own CA through `[mail] ca_file`), a wrong one is
refused with a reason kept in the outbox, a refused sign-in waits and is retried, and the
password reaches no log line, outbox row, audit entry nor command output."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from bridge import mail
from bridge.config import MailSettings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry, OutboxMessage
from bridge.testing.certificates import Authority
from bridge.testing.smtp import running_smtp
from bridge.timeutil import utcnow

# The implicit-TLS server requires AUTH with aiosmtpd's TLS guard off (see bridge.testing.smtp).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PASSWORD = "Tr3s-s3cr3t-mot-de-passe"
USERS = {"civic-bridge": PASSWORD}


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return Authority.make(tmp_path_factory.mktemp("ca"))


def queue(sessions, to="chair@ivry.example"):
    with sessions() as session, session.begin():
        mail.queue(
            session,
            recipient=to,
            subject="Comité climat : ordre du jour",
            body="1. Budget",
            kind="test.notice",
            queued_by="test",
        )


def rows(sessions):
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def signed_in(smtp, authority, **overrides):
    values = {"ca_file": str(authority.ca_file), "user": "civic-bridge", "password": PASSWORD}
    return smtp.settings(**{**values, **overrides})


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_message_goes_over_tls_signed_in_with_the_certificate_checked(
    sessions, authority, security
):
    queue(sessions)
    with running_smtp(security, authority.issue("127.0.0.1"), USERS) as smtp:
        report = mail.send_pending(sessions, signed_in(smtp, authority))
    assert (report.sent, report.retrying, report.failed, report.unreachable) == (1, 0, 0, False)
    assert smtp.logins == ["civic-bridge"]
    assert [m["To"] for m in smtp.messages] == ["chair@ivry.example"]
    assert rows(sessions)[0].status == "sent"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_certificate_of_an_unknown_authority_is_refused_and_the_message_waits(
    sessions, authority, security
):
    """The same server, the client not told to trust the test's CA (the system's authorities
    only): refused before any password is sent."""
    queue(sessions)
    now = utcnow()
    with running_smtp(security, authority.issue("127.0.0.1"), USERS) as smtp:
        report = mail.send_pending(sessions, signed_in(smtp, authority, ca_file=""), now=now)
        assert smtp.logins == [] and smtp.messages == []
    assert report.unreachable and (report.sent, report.failed) == (0, 0)
    [row] = rows(sessions)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + timedelta(seconds=60)
    assert row.last_error.startswith("the SMTP server's certificate was refused (")
    assert "ca_file" in row.last_error
    assert str(report).endswith(f"({row.last_error})")


def test_a_certificate_for_another_host_is_refused(sessions, authority):
    queue(sessions)
    wrong = authority.issue("smtp.elsewhere.example")
    with running_smtp("starttls", wrong, USERS) as smtp:
        report = mail.send_pending(sessions, signed_in(smtp, authority))
        assert smtp.logins == [] and smtp.messages == []
    assert report.unreachable
    [row] = rows(sessions)
    assert row.status == "pending"
    assert "certificate was refused" in row.last_error
    assert "127.0.0.1" in row.last_error  # the name the certificate does not carry


def test_ssl_against_a_plain_server_says_which_setting_to_check(sessions, authority):
    queue(sessions)
    with running_smtp() as plain:
        report = mail.send_pending(sessions, plain.settings(security="ssl"))
    assert report.unreachable
    [row] = rows(sessions)
    assert row.status == "pending"
    assert row.last_error.startswith("no secure connection with the SMTP server (")
    assert "check [mail] security and port" in row.last_error


def test_a_refused_sign_in_waits_is_retried_and_the_password_is_nowhere(
    sessions, authority, caplog
):
    caplog.set_level(logging.DEBUG)
    queue(sessions, to="chair@ivry.example")
    queue(sessions, to="secretary@ivry.example")
    now = utcnow()
    wrong = "wrong-" + PASSWORD
    with running_smtp("starttls", authority.issue("127.0.0.1"), USERS) as smtp:
        settings = signed_in(smtp, authority, password=wrong, max_attempts=2)
        first = mail.send_pending(sessions, settings, now=now)
        assert first.unreachable and first.failed == 0
        tried, untried = rows(sessions)
        assert (tried.status, tried.attempts) == ("pending", 1)
        assert tried.last_error.startswith("the SMTP server refused the sign-in (535 ")
        assert tried.last_error.endswith("check [mail] user and BRIDGE_MAIL_PASSWORD")
        assert untried.attempts == 0 and smtp.messages == []

        # Still refused at max_attempts: the server's fault, not the message's, never given up.
        later = now + timedelta(hours=1)
        mail.send_pending(sessions, settings, now=later)
        mail.send_pending(sessions, settings, now=later + timedelta(hours=1))
        assert {r.status for r in rows(sessions)} == {"pending"}
        assert max(r.attempts for r in rows(sessions)) == 2

        # The administrator sets the right password: both go on the next run.
        fixed = signed_in(smtp, authority, max_attempts=2)
        report = mail.send_pending(sessions, fixed, now=later + timedelta(days=1))
        assert report.sent == 2 and not report.unreachable
    assert sorted(m["To"] for m in smtp.messages) == [
        "chair@ivry.example",
        "secretary@ivry.example",
    ]
    assert all(r.status == "sent" and r.last_error is None for r in rows(sessions))

    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]  # aiosmtpd's own
    logged = "\n".join(r.getMessage() for r in ours)
    assert "refused the sign-in" in logged
    assert PASSWORD not in logged and "@ivry.example" not in logged
    with sessions() as session:
        kept = [str(r.last_error) for r in session.scalars(select(OutboxMessage))]
        audit = [str(a.before) + str(a.after) for a in session.scalars(select(AuditEntry))]
    assert not any(PASSWORD in text for text in kept + audit)


def test_a_password_is_refused_over_plain_smtp_and_a_missing_ca_file_is_named():
    with pytest.raises(ValueError, match="unencrypted"):
        MailSettings(host="smtp", sender="a@b.fr", security="none", user="u", password="p")
    with pytest.raises(ValueError, match="ca_file"):
        MailSettings(host="smtp", sender="a@b.fr", ca_file="/nowhere/ca.pem")


@pytest.mark.slow
def test_send_pending_over_ssl_with_a_wrong_password_exits_1_without_the_password(
    sqlite_url, authority
):
    """`bridge mail send-pending` as cron runs it: the password from the environment only."""
    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    queue(sessions)
    with running_smtp("ssl", authority.issue("127.0.0.1"), USERS) as smtp:
        environment = {
            **os.environ,
            "BRIDGE_DATABASE_URL": sqlite_url,
            "BRIDGE_MAIL_HOST": smtp.host,
            "BRIDGE_MAIL_PORT": str(smtp.port),
            "BRIDGE_MAIL_SECURITY": "ssl",
            "BRIDGE_MAIL_USER": "civic-bridge",
            "BRIDGE_MAIL_PASSWORD": "not-" + PASSWORD,
            "BRIDGE_MAIL_CA_FILE": str(authority.ca_file),
            "BRIDGE_MAIL_SENDER": "Ville <suivi@ivry.example>",
            "BRIDGE_LOG_LEVEL": "DEBUG",
        }
        environment.pop("BRIDGE_CONFIG", None)

        def send(password: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "bridge.cli", "mail", "send-pending"],
                env={**environment, "BRIDGE_MAIL_PASSWORD": password},
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )

        refused = send("not-" + PASSWORD)
        assert refused.returncode == 1
        assert refused.stdout.startswith("0 sent, 1 to retry later, 0 given up (the SMTP server")
        assert "refused the sign-in" in refused.stdout
        assert PASSWORD not in refused.stdout + refused.stderr
        with sessions() as session, session.begin():
            row = session.scalars(select(OutboxMessage)).one()
            row.next_attempt_at = utcnow()  # due again now
        sent = send(PASSWORD)
        assert sent.returncode == 0, sent.stderr
        assert PASSWORD not in sent.stdout + sent.stderr
    assert len(smtp.messages) == 1
    engine.dispose()
