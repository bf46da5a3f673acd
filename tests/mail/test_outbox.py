"""The e-mail outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): queued in the caller's
transaction, sent once, kept and retried when the server refuses or goes away, given up on a
permanent refusal, erased by address; no address or body in the logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bridge import mail
from bridge.store.models import OutboxMessage
from bridge.testing.smtp import running_smtp
from bridge.timeutil import utcnow


@pytest.fixture
def smtp():
    with running_smtp() as server:
        yield server


def queue(sessions, to="chair@ivry.example", key=None, body="L’ordre du jour : budget."):
    with sessions() as session, session.begin():
        return mail.queue(
            session,
            recipient=to,
            subject="Comité climat : réunion du 3 décembre",
            body=body,
            kind="test.notice",
            queued_by="test",
            dedupe_key=key,
        )


def rows(sessions):
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_queued_message_is_sent_once_with_its_headers(sessions, smtp):
    queue(sessions)
    report = mail.send_pending(sessions, smtp.settings())
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = smtp.messages
    assert received["To"] == "chair@ivry.example"
    assert received["From"] == "Ville d'Ivry-sur-Seine <suivi@ivry.example>"
    assert received["Subject"] == "Comité climat : réunion du 3 décembre"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content().strip() == "L’ordre du jour : budget."
    [row] = rows(sessions)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert received["Message-ID"] == row.message_id

    again = mail.send_pending(sessions, smtp.settings())
    assert again.sent == 0 and len(smtp.messages) == 1


def test_a_rolled_back_transaction_queues_nothing(sessions):
    with sessions() as session:
        mail.queue(
            session,
            recipient="chair@ivry.example",
            subject="s",
            body="b",
            kind="k",
            queued_by="test",
        )
        session.rollback()
    assert rows(sessions) == []


def test_the_same_key_queues_once(sessions):
    assert queue(sessions, key="reminder:42:2026-12-02") is not None
    assert queue(sessions, key="reminder:42:2026-12-02") is None
    assert len(rows(sessions)) == 1


def test_a_bad_address_is_refused_without_repeating_it(sessions):
    for address in ["", "chair", "a@b", "x@y.fr\nBcc: all@y.fr", "A <a@b.fr>", "a@b.fr, c@d.fr"]:
        with pytest.raises(mail.InvalidMail) as refused:
            queue(sessions, to=address)
        assert "@" not in str(refused.value)
    assert rows(sessions) == []


def test_server_away_keeps_the_messages_and_they_go_once_when_it_is_back(sessions, smtp, caplog):
    caplog.set_level(logging.INFO)
    queue(sessions, to="chair@ivry.example", body="Texte confidentiel")
    queue(sessions, to="secretary@ivry.example", body="Texte confidentiel")
    settings = smtp.settings()
    smtp.stop()
    now = utcnow()

    report = mail.send_pending(sessions, settings, now=now)
    assert report.unreachable and report.sent == 0
    first, second = rows(sessions)
    assert first.status == "pending" and first.attempts == 1
    assert first.next_attempt_at == now + timedelta(seconds=60)
    assert "Connection" in (first.last_error or "") or "refused" in (first.last_error or "")
    assert second.attempts == 0  # not tried: the server was away

    smtp.start()
    # not due yet for the first; the second is due and goes
    report = mail.send_pending(sessions, settings, now=now + timedelta(seconds=1))
    assert report.sent == 1
    report = mail.send_pending(sessions, settings, now=now + timedelta(seconds=61))
    assert report.sent == 1
    assert sorted(m["To"] for m in smtp.messages) == [
        "chair@ivry.example",
        "secretary@ivry.example",
    ]
    assert mail.send_pending(sessions, settings, now=now + timedelta(hours=1)).sent == 0
    assert len(smtp.messages) == 2
    # the test server (aiosmtpd) logs its own dialogue; ours says no address nor body
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bridge"))
    assert "mail #" in logged
    assert "@ivry.example" not in logged and "confidentiel" not in logged


def test_a_temporary_refusal_backs_off_then_gives_up(sessions, smtp):
    queue(sessions)
    smtp.mode = "temporary"
    settings = smtp.settings(max_attempts=3)
    now = utcnow()
    mail.send_pending(sessions, settings, now=now)
    [row] = rows(sessions)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error and row.last_error.startswith("451")
    mail.send_pending(sessions, settings, now=row.next_attempt_at)
    [row] = rows(sessions)
    assert row.attempts == 2
    assert row.next_attempt_at - row.last_attempt_at == timedelta(seconds=120)  # doubled
    report = mail.send_pending(sessions, settings, now=row.next_attempt_at)
    [row] = rows(sessions)
    assert report.failed == 1 and (row.status, row.attempts) == ("failed", 3)
    assert smtp.messages == []

    smtp.mode = "accept"  # an administrator fixed it and asks again
    with sessions() as session, session.begin():
        assert mail.retry_now(session, row.id, now=row.next_attempt_at)
    assert mail.send_pending(sessions, settings, now=row.next_attempt_at).sent == 1
    assert len(smtp.messages) == 1


def test_a_permanent_refusal_is_not_retried(sessions, smtp):
    queue(sessions)
    smtp.mode = "permanent"
    report = mail.send_pending(sessions, smtp.settings())
    [row] = rows(sessions)
    assert report.failed == 1 and row.status == "failed" and row.last_error.startswith("550")


def test_a_connection_dropped_mid_message_is_retried_not_lost(sessions, smtp):
    queue(sessions, to="a@ivry.example")
    queue(sessions, to="b@ivry.example")
    smtp.mode = "drop"
    now = utcnow()
    report = mail.send_pending(sessions, smtp.settings(), now=now)
    assert report.unreachable and report.retrying == 1
    smtp.mode = "accept"
    later = now + timedelta(minutes=5)
    assert mail.send_pending(sessions, smtp.settings(), now=later).sent == 2
    assert sorted(m["To"] for m in smtp.messages) == ["a@ivry.example", "b@ivry.example"]


def test_a_sender_that_died_mid_send_leaves_the_row_tried_again_with_its_message_id(sessions, smtp):
    queue(sessions)
    now = utcnow()
    with sessions() as session, session.begin():
        row = session.scalars(select(OutboxMessage)).one()
        row.status, row.last_attempt_at, row.message_id = "sending", now, "<1@ivry.example>"
    assert mail.send_pending(sessions, smtp.settings(), now=now + timedelta(minutes=1)).sent == 0
    assert mail.send_pending(sessions, smtp.settings(), now=now + timedelta(minutes=16)).sent == 1
    assert smtp.messages[0]["Message-ID"] == "<1@ivry.example>"


def test_erasure_and_export_by_address_and_sent_mail_expires(sessions, smtp):
    queue(sessions, to="Chair@Ivry.example")
    queue(sessions, to="other@ivry.example")
    with sessions() as session:
        [exported] = mail.messages_to(session, "chair@ivry.example")
    assert exported["subject"].startswith("Comité climat")
    with sessions() as session, session.begin():
        assert mail.erase_address(session, "chair@ivry.example") == 1
    assert [r.recipient for r in rows(sessions)] == ["other@ivry.example"]

    now = utcnow()
    mail.send_pending(sessions, smtp.settings(keep_sent_days=30), now=now)
    assert len(rows(sessions)) == 1
    mail.send_pending(sessions, smtp.settings(keep_sent_days=30), now=now + timedelta(days=31))
    assert rows(sessions) == []


def test_without_a_server_nothing_is_sent(sessions):
    queue(sessions)
    with pytest.raises(RuntimeError):
        mail.send_pending(sessions, mail.MailSettings())
    assert rows(sessions)[0].status == "pending"
