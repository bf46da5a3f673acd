"""The e-mail outbox: queue a message in the caller's transaction, send later with retry.

A message is queued as a row of `mail_outbox` in the same transaction as what caused it (a
reminder's log entry, a decision), so it goes if and only if that write landed. The scheduler's
mail job (and `bridge mail send-pending`) sends what is due through the `[mail]` SMTP server:
each row is claimed (pending -> sending, committed) before it is handed to the server and marked
sent right after the server accepted it, so two senders never send one row, and a failure leaves
it pending with its attempts, its last error and the time of its next try (doubling waits). A
permanent refusal (5xx) or too many attempts leave it "failed", kept for an administrator.

Addresses and bodies are personal data: nothing here logs them (only row ids, counts and
errors with any address blanked out); `erase_address` deletes one person's mail (GDPR), and sent
mail is deleted after `keep_sent_days`.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bridge.config import MailSettings as MailSettings  # re-exported for callers
from bridge.i18n import N_
from bridge.store.db import changed_rows
from bridge.store.models import OutboxMessage
from bridge.timeutil import iso, utcnow

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
# A row left "sending" this long was claimed by a sender that died: it is tried again (with the
# same Message-ID, so that a mail reader shows one message if the server had taken it).
STALE_SENDING = timedelta(minutes=15)
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_ANY_ADDRESS = re.compile(r"[^@\s<>,;:\"'()\[\]]+@[^@\s<>,;:\"'()\[\]]+")


class InvalidMail(ValueError):
    """A message that cannot be queued. The text never repeats the address."""


def valid_address(address: str) -> bool:
    """One plain address (`name@domain.tld`), no display name, no header tricks."""
    return len(address) <= 320 and _ADDRESS.match(address) is not None


def queue(
    session: Session,
    *,
    recipient: str,
    subject: str,
    body: str,
    kind: str,
    queued_by: str,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Add a message to `session`'s transaction (sent once that transaction commits and the
    mail job runs). With `dedupe_key`, a second message with the same key is not queued
    (None comes back): a job may run twice without mailing twice."""
    recipient = recipient.strip()
    if not valid_address(recipient):
        raise InvalidMail("the recipient is not a valid e-mail address")
    subject = " ".join(subject.split())
    if not subject:
        raise InvalidMail("a message needs a subject")
    if not body.strip():
        raise InvalidMail("a message needs a body")
    if dedupe_key is not None:
        if len(dedupe_key) > 200:
            raise InvalidMail("dedupe_key is 200 characters at most")
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
            return None
    now = now or utcnow()
    message = OutboxMessage(
        queued_at=now,
        queued_by=queued_by,
        kind=kind[:80],
        dedupe_key=dedupe_key,
        recipient=recipient,
        subject=subject,
        body=body,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    return message


def erase_address(session: Session, address: str) -> int:
    """Delete every message to `address` (any case), sent or not: the person's right to
    erasure. Returns how many went; the caller's transaction commits it."""
    return changed_rows(
        session,
        delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == address.strip().lower()),
    )


def messages_to(session: Session, address: str) -> list[dict[str, Any]]:
    """Every message to `address` as plain data: the person's right of access (GDPR export)."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.recipient) == address.strip().lower())
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "queued_at": iso(m.queued_at),
            "kind": m.kind,
            "recipient": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "status": m.status,
            "sent_at": iso(m.sent_at),
        }
        for m in rows
    ]


def retry_now(session: Session, message_id: int, now: datetime | None = None) -> bool:
    """Put a pending or failed message back in line for the next run (an administrator's
    "try again"); False when it is not there or already sent or being sent."""
    return (
        changed_rows(
            session,
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status.in_((PENDING, FAILED)))
            .values(status=PENDING, next_attempt_at=now or utcnow()),
        )
        == 1
    )


class Transport(Protocol):
    """An open connection to the SMTP server (smtplib.SMTP's subset we use)."""

    def send_message(self, msg: EmailMessage) -> Any: ...

    def quit(self) -> Any: ...


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """Certificate and host name always checked: against the system's authorities, or those of
    `ca_file` (a city's own). A wrong certificate is refused, never accepted quietly."""
    return ssl.create_default_context(cafile=settings.ca_file or None)


def connect(settings: MailSettings) -> Transport:
    """A connection to the configured server, secured and signed in as configured (closed
    again when one of those steps fails)."""
    timeout = settings.timeout_seconds
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=tls_context(settings)
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=tls_context(settings))
        if settings.user:
            smtp.login(settings.user, settings.password)
    except BaseException:
        with suppress(smtplib.SMTPException, OSError):
            smtp.close()
        raise
    return smtp


# The reasons `connection_error` keeps, by how they start, and what the outbox page says of
# each in the reader's language (the stored text, with the server's own words, shown beside).
CONNECTION_REASONS = (
    (
        "the SMTP server's certificate was refused",
        N_(
            "The SMTP server's certificate was refused: check the host in [mail], or ca_file "
            "if the server's certificate authority is the city's own."
        ),
    ),
    (
        "no secure connection with the SMTP server",
        N_("No secure connection with the SMTP server: check security and port in [mail]."),
    ),
    (
        "the SMTP server refused the sign-in",
        N_("The SMTP server refused the sign-in: check user in [mail] and BRIDGE_MAIL_PASSWORD."),
    ),
    (
        "the SMTP server does not offer it",
        N_("The SMTP server does not offer the security [mail] asks for: check security."),
    ),
    (
        "could not reach the SMTP server",
        N_("The SMTP server could not be reached; the message will be tried again."),
    ),
)


def reason_msgid(error: str | None) -> str | None:
    """The msgid a page says for a reason `connection_error` kept; None for any other error
    (a server's refusal of the message, shown in its own words)."""
    for start, msgid in CONNECTION_REASONS:
        if error and error.startswith(start):
            return msgid
    return None


def connection_error(exc: Exception, settings: MailSettings) -> str:
    """Why no connection could be made, in words an administrator acts on (the setting to
    check); never the password, nor an address."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = (
            f"the SMTP server's certificate was refused ({exc.verify_message}): check [mail] "
            "host, or ca_file when the server's authority is the city's own"
        )
    elif isinstance(exc, ssl.SSLError):
        text = (
            f"no secure connection with the SMTP server ({exc.reason or exc}): "
            "check [mail] security and port"
        )
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        text = (
            f"the SMTP server refused the sign-in ({exc.smtp_code} {_text(exc.smtp_error)}): "
            "check [mail] user and BRIDGE_MAIL_PASSWORD"
        )
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        text = f"the SMTP server does not offer it: {exc} (check [mail] security)"
    else:
        text = f"could not reach the SMTP server: {type(exc).__name__}: {exc}"
    if settings.password:
        text = text.replace(settings.password, "<password>")
    return scrub(text)


@dataclass
class SendReport:
    """What one run of the sender did (counts only: no address)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: bool = False
    error: str | None = None

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.retrying} to retry later, {self.failed} given up"
        if self.unreachable:
            text += f" ({self.error})"
        return text


def scrub(text: str) -> str:
    """An error's text with any e-mail address blanked out, fit for a log line."""
    return _ANY_ADDRESS.sub("<address>", text)[:500]


def _permanent(exc: Exception) -> bool:
    """A refusal that trying again will not change (SMTP 5xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        return scrub("recipient refused: " + "; ".join(parts))
    if isinstance(exc, smtplib.SMTPResponseException):
        return scrub(f"{exc.smtp_code} {_text(exc.smtp_error)}")
    return scrub(f"{type(exc).__name__}: {exc}")


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def backoff(settings: MailSettings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: retry_seconds, doubled each time, capped."""
    seconds = settings.retry_seconds * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, settings.retry_max_seconds))


def build(message: OutboxMessage, settings: MailSettings, now: datetime) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now.replace(tzinfo=UTC))
    email["Message-ID"] = message.message_id
    # Reminders and notices: auto-replies (holidays) must not answer them.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


class Sender:
    """One run: send what is due, one claimed row at a time, over one connection."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: MailSettings,
        *,
        connect_to: Any = connect,
        now: datetime | None = None,
    ):
        self.sessions = sessions
        self.settings = settings
        self.connect_to = connect_to
        self.now = now or utcnow()
        self.report = SendReport()
        self._transport: Transport | None = None

    def run(self) -> SendReport:
        if not self.settings.configured:
            raise RuntimeError("no SMTP server configured ([mail] host): nothing was sent")
        self._release_stale()
        try:
            for message_id in self._due():
                if not self._send_one(message_id):
                    break  # the server is unreachable: the rest waits for the next run
        finally:
            self._close()
        self._purge_sent()
        if self.report.sent or self.report.retrying or self.report.failed:
            log.info("mail: %s", self.report)
        return self.report

    def _due(self) -> list[int]:
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(OutboxMessage.id)
                    .where(
                        OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= self.now
                    )
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(self.settings.batch_size)
                )
            )

    def _claim(self, message_id: int) -> OutboxMessage | None:
        with self.sessions() as session:
            claimed = changed_rows(
                session,
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
                .values(status=SENDING, last_attempt_at=self.now),
            )
            message = session.get(OutboxMessage, message_id) if claimed == 1 else None
            if message is not None and message.message_id is None:
                message.message_id = make_msgid(domain=self._domain())
            session.commit()
            return message

    def _domain(self) -> str:
        address = parseaddr(self.settings.sender)[1]
        return address.rpartition("@")[2] or "localhost"

    def _send_one(self, message_id: int) -> bool:
        """Send one row; False when the connection could not be made or was lost (the rest
        of the batch then waits for the next run rather than fail one by one)."""
        message = self._claim(message_id)
        if message is None:
            return True  # another sender took it
        if self._transport is None and not self._open(message):
            return False
        assert self._transport is not None
        try:
            self._transport.send_message(build(message, self.settings, self.now))
        except (smtplib.SMTPException, OSError) as exc:
            self._failed(message, exc)
            if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                self._lost(_describe(exc))
                return False
            return True
        self._finish(message.id, status=SENT, sent_at=self.now, last_error=None)
        self.report.sent += 1
        return True

    def _open(self, message: OutboxMessage) -> bool:
        """Connect for the run's first message. When the server cannot be reached, its
        certificate is refused or the sign-in fails, the fault is the server's or the
        settings', not the message's: it waits (never given up for that) with the reason."""
        try:
            self._transport = self.connect_to(self.settings)
        except (smtplib.SMTPException, OSError) as exc:
            error = connection_error(exc, self.settings)
            self._wait(message, error)
            self._lost(error)
            return False
        return True

    def _lost(self, error: str) -> None:
        self._close()
        self.report.unreachable = True
        self.report.error = error

    def _failed(self, message: OutboxMessage, exc: Exception) -> None:
        attempts = message.attempts + 1
        error = _describe(exc)
        if _permanent(exc) or attempts >= self.settings.max_attempts:
            self._finish(message.id, status=FAILED, last_error=error)
            self.report.failed += 1
            log.warning("mail #%d given up after %d attempt(s): %s", message.id, attempts, error)
        else:
            self._wait(message, error)

    def _wait(self, message: OutboxMessage, error: str) -> None:
        """Back in line for a later try (`backoff`), with the reason kept for the page."""
        attempts = message.attempts + 1
        self._finish(
            message.id,
            status=PENDING,
            last_error=error,
            next_attempt_at=self.now + backoff(self.settings, attempts),
        )
        self.report.retrying += 1
        log.warning(
            "mail #%d not sent (attempt %d), retried later: %s", message.id, attempts, error
        )

    def _finish(self, message_id: int, **values: Any) -> None:
        with self.sessions() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(attempts=OutboxMessage.attempts + 1, **values)
            )
            session.commit()

    def _close(self) -> None:
        if self._transport is not None:
            with suppress(smtplib.SMTPException, OSError):  # already gone
                self._transport.quit()
            self._transport = None

    def _release_stale(self) -> None:
        with self.sessions() as session:
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.status == SENDING,
                    OutboxMessage.last_attempt_at < self.now - STALE_SENDING,
                )
                .values(
                    status=PENDING,
                    next_attempt_at=self.now,
                    last_error="interrupted while sending: tried again (same Message-ID)",
                )
            )
            session.commit()

    def _purge_sent(self) -> None:
        with self.sessions() as session:
            session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.status == SENT,
                    OutboxMessage.sent_at < self.now - timedelta(days=self.settings.keep_sent_days),
                )
            )
            session.commit()


def send_pending(
    sessions: sessionmaker[Session],
    settings: MailSettings,
    *,
    now: datetime | None = None,
    connect_to: Any = connect,
) -> SendReport:
    """Send every message due now (a batch of `batch_size`); see `Sender`."""
    return Sender(sessions, settings, connect_to=connect_to, now=now).run()


def counts(session: Session) -> dict[str, int]:
    """Messages by status, every status named (0 when none)."""
    found = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return {status: int(found.get(status, 0)) for status in STATUSES}
