"""A real SMTP server on 127.0.0.1 for tests of mail (aiosmtpd, a test dependency): it keeps
what it accepted, and can be told to refuse for a while, refuse for good, drop the connection
in the middle of a message, or go away and come back on the same port.

    with running_smtp() as smtp:
        settings = smtp.settings()          # a MailSettings pointing at it
        ...
        assert [m["To"] for m in smtp.messages] == ["chair@ivry.example"]
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from bridge.config import MailSettings

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
    and come back on the same port."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.mode = "accept"
        self.messages: list[EmailMessage] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, **overrides: Any) -> MailSettings:
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": "none",
            "sender": "Ville d'Ivry-sur-Seine <suivi@ivry.example>",
            "timeout_seconds": 5.0,
            "retry_seconds": 60.0,
        }
        return MailSettings(**{**values, **overrides})


@contextmanager
def running_smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
