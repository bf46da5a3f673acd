"""What a hook or a plugin's page is given to work with: one `PluginContext` per plugin.

Every hook in `bridge.hookspecs` receives `context`; the core's own features get one named
"core". A plugin reaches the deployment through it (settings, its own validated settings,
database sessions, the audit log, the signed-in person, synced records, pagination) instead of
importing the bridge's internals, so the core can change behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session, sessionmaker

from bridge import accounts, i18n, mail
from bridge.access import Identity, current_identity
from bridge.api.paging import page
from bridge.records import Records
from bridge.upstream_writes import UpstreamWrites

if TYPE_CHECKING:
    from flask import Response

    from bridge.config import Settings
    from bridge.pluginhost import PluginHost


class NoDatabase(RuntimeError):
    """A context made without a database (a test's bare plugin host) was asked for one."""


class PluginContext:
    """The deployment as one plugin (or the core, `name == "core"`) sees it.

    `actor` names who acts in the audit log when nobody is signed in: "cli" for a command,
    "system" for jobs and the sync.
    """

    def __init__(
        self,
        name: str,
        settings: Settings,
        sessions: Callable[[], sessionmaker[Session]],
        config: Any = None,
        actor: str = "system",
        translations: Path | None = None,
        host: Callable[[], PluginHost] | None = None,
    ):
        self.name = name
        self._host = host
        # the plugin's gettext catalog (docs/translation.md), over the core's
        self.catalog = (
            i18n.catalog(translations, name)
            if translations is not None
            else i18n.catalog(i18n.CORE_TRANSLATIONS, "messages")
        )
        self.settings = settings
        self.config = config
        self.actor_outside_requests = actor
        self._sessions = sessions
        self.records = Records(sessions)

    def __repr__(self) -> str:
        return f"<PluginContext {self.name}>"

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Opens sessions on the bridge's database (`with context.sessions() as session`)."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed when the block ends, rolled back if it raises."""
        with self.sessions() as session, session.begin():
            yield session

    def collect(self, hook: str, **kwargs: Any) -> list[Any]:
        """What every enabled plugin (this one too) answers to a hook that returns a list, in
        one flat list: `context.collect("references", session=s, kind=None, search="vélo")`.
        Meant for the hooks that read (`references`, `followup_actions`, `result_money`); one
        plugin failing is logged and left out, as for the core's own calls."""
        if self._host is not None:
            host = self._host()
        elif has_app_context():
            host = current_app.extensions["bridge"].plugins
        else:
            raise RuntimeError("no plugin host here: use the context a hook received")
        return host.collect(hook, **kwargs)

    @property
    def identity(self) -> Identity | None:
        """The signed-in person or API token of the current request; None in jobs and the CLI."""
        if not has_request_context():
            return None

        return current_identity()

    def has_role(self, role: str) -> bool:
        """In a request: whether the person asking holds `role` (or more). Outside a request
        (a command, a job) the operator who runs the process holds every role: they already
        hold the database."""
        if not has_request_context():
            return True
        identity = self.identity
        return identity is not None and accounts.has_role(identity.role, role)

    @property
    def actor(self) -> str:
        """Who acts, as the audit log names them."""
        identity = self.identity
        return identity.actor if identity is not None else self.actor_outside_requests

    def audit(
        self,
        session: Session,
        action: str,
        target: str | None = None,
        details: Any = None,
        *,
        before: Any = None,
    ) -> None:
        """Record a write in `session`'s transaction (it lands with the write or not at all).
        `details` is what was written (the entry's `after`), `before` what it replaced."""
        accounts.audit(session, self.actor, action, target, before=before, after=details)

    def queue_mail(
        self,
        session: Session,
        to: str,
        subject: str,
        body: str,
        *,
        kind: str,
        key: str | None = None,
    ) -> bool:
        """Queue a plain-text e-mail to one address in `session`'s transaction: it is sent by
        the scheduler's mail job once that transaction commits, retried while the server
        refuses or is away (the outbox, `bridge.mail`). `kind` says what it is ("reminder");
        with `key`, a message already queued under the same key is not queued again (False
        comes back), so a job that runs twice mails once. Raises `ValueError` for an address
        that is not one. Never log `to` or `body`: they are personal data."""
        queued = mail.queue(
            session,
            recipient=to,
            subject=subject,
            body=body,
            kind=f"{self.name}.{kind}",
            queued_by=self.name,
            dedupe_key=f"{self.name}:{key}" if key is not None else None,
        )
        return queued is not None

    def erase_mail(self, session: Session, address: str) -> int:
        """Delete every message to `address`, sent or waiting (a person's erasure, GDPR);
        returns how many. In `session`'s transaction."""
        return mail.erase_address(session, address)

    def mail_to(self, session: Session, address: str) -> list[dict[str, Any]]:
        """Every message kept for `address` (subject, body, status, times): for a person's
        export of their data (GDPR)."""
        return mail.messages_to(session, address)

    def decidim_writes(self, instance: str) -> UpstreamWrites:
        """Writing to the Decidim of `instance` (its name) with its API user: `access()` says
        whether the bridge may (credentials, what the server offers), `check()` asks the
        server again, `writer()` is the signed-in client. The credentials stay in the core."""
        return UpstreamWrites(self._sessions(), self.settings, instance)

    @property
    def language(self) -> str:
        """ "fr" or "en": the reader's (docs/translation.md), French outside a request."""
        return i18n.language()

    def gettext(self, message: str, **variables: Any) -> str:
        """`message` (English, a msgid of the plugin's catalog) in the reader's language."""
        return self.catalog.gettext(message, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        """The form that agrees with `num` (French: 0 and 1 singular); `%(num)s` is `num`."""
        return self.catalog.ngettext(singular, plural, num, **variables)

    def page(self, *args: Any, **kwargs: Any) -> Response:
        """The one pagination of lists (`?limit=`, `?cursor=`): see `bridge.api.paging.page`."""

        return page(*args, **kwargs)


def current_context(name: str) -> PluginContext:
    """Plugin `name`'s context where no hook handed one over: in a page or an API route, or in
    a `bridge` command (commands run inside the configured app)."""
    if not has_app_context():
        raise RuntimeError("no app here: use the context the hook received")
    host: PluginHost = current_app.extensions["bridge"].plugins
    return host.context(name)
