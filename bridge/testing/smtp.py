"""A real SMTP server on 127.0.0.1 for tests of mail (aiosmtpd, a test dependency): it keeps
what it accepted, and can be told to refuse for a while, refuse for good, drop the connection
in the middle of a message, or go away and come back on the same port. It speaks plain SMTP,
STARTTLS (port-587 style) or implicit TLS (port-465 style) with a certificate of a throwaway
CA (`bridge.testing.certificates`), and can require a sign-in.

    with running_smtp() as smtp:
        settings = smtp.settings()          # a MailSettings pointing at it
        ...
        assert [m["To"] for m in smtp.messages] == ["chair@ivry.example"]

    with running_smtp(security="ssl", tls=authority.issue("127.0.0.1"),
                      users={"bridge": "s3cret"}) as smtp:
        settings = smtp.settings(ca_file=str(authority.ca_file), user="bridge", password="s3cret")
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bridge.config import MailSettings
from bridge.testing.certificates import Issued

# What the server answers to a message's DATA, by mode.
ANSWERS = {
    "accept": "250 OK",
    "temporary": "451 4.3.0 Mailbox busy, try again later",
    "permanent": "550 5.1.1 User unknown",
}


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        mode = self.server.mode
        if mode == "drop":
            smtp.transport.close()  # the server goes away in the middle of the message
            return "421 closing"
        if mode == "accept":
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.server.messages.append(parsed)
        return ANSWERS[mode]


class SmtpServer:
    """The server and what it received. `mode`: "accept", "temporary" (451), "permanent"
    (550), "drop" (closes the connection during DATA). `stop()` and `start()` make it go away
    and come back on the same port.

    `security` "starttls" or "ssl" presents `tls` (required then); with `users` (name ->
    password) a sign-in is required before a message, over TLS only, and `logins` keeps the
    names that tried."""

    def __init__(
        self,
        security: str = "none",
        tls: Issued | None = None,
        users: dict[str, str] | None = None,
    ) -> None:
        if security != "none" and tls is None:
            raise ValueError(f"security {security!r} needs a certificate (tls=...)")
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.security = security
        self.mode = "accept"
        self.messages: list[EmailMessage] = []
        self.users = users
        self.logins: list[str] = []
        self._tls = tls
        self._controller: Controller | None = None

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.security == "ssl":
            assert self._tls is not None
            options["ssl_context"] = self._tls.server_context()
        elif self.security == "starttls":
            assert self._tls is not None
            options |= {"tls_context": self._tls.server_context(), "require_starttls": True}
        if self.users is not None:
            # aiosmtpd knows of TLS made by STARTTLS only; on implicit TLS the whole
            # connection is encrypted, so its "AUTH over TLS only" guard is turned off there.
            options |= {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": self.security != "ssl",
            }
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
        self._controller.start()

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self.users is None:
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        self.logins.append(login)
        password = auth_data.password.decode("utf-8", "replace")
        return AuthResult(success=self.users.get(login) == password, handled=False)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **overrides: Any) -> MailSettings:
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "sender": "Ville d'Ivry-sur-Seine <suivi@ivry.example>",
            "timeout_seconds": 5.0,
            "retry_seconds": 60.0,
        }
        return MailSettings(**{**values, **overrides})


@contextmanager
def running_smtp(
    security: str = "none", tls: Issued | None = None, users: dict[str, str] | None = None
) -> Iterator[SmtpServer]:
    server = SmtpServer(security, tls, users)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
