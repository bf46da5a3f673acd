"""Writing to one instance's Decidim on behalf of a plugin (`context.decidim_writes(name)`).

The plugin never sees the API credentials nor `bridge.decidim`: it learns whether it may write
(`access()`: credentials set, and what the server said it offers), asks the server again
(`check()`, recorded on the instance), and writes through `writer()`, a signed-in client.
What the server offers is recorded in `instances.write_capabilities`, apart from the read
capabilities the sync keeps in `instances.capabilities`: an anonymous sync cannot learn it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bridge.decidim.http import Credentials, DecidimSession
from bridge.decidim.writer import DecidimWriter, ResultUpdates
from bridge.store.models import Instance
from bridge.timeutil import utcnow

if TYPE_CHECKING:
    from bridge.config import Settings

RESULT_UPDATE = "result_update"


class NoCredentials(LookupError):
    """The instance has no API key and secret: Decidim lets no anonymous call write."""


@dataclass(frozen=True)
class WriteAccess:
    """What a plugin may know before writing to an instance's Decidim."""

    instance: str
    has_credentials: bool
    # What the server answered when last asked (None: never asked, or asked without success)
    result_updates: ResultUpdates | None

    @property
    def can_update_results(self) -> bool:
        """Credentials set, and the server said it offers the update with a progress."""
        return (
            self.has_credentials
            and self.result_updates is not None
            and self.result_updates.accepts("progress")
        )


class UpstreamWrites:
    """Writes to the Decidim of instance `name`."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, name: str):
        self._sessions, self._settings, self.name = sessions, settings, name

    def access(self) -> WriteAccess:
        """Raises LookupError when there is no such instance."""
        instance = self._instance()
        recorded = (instance.write_capabilities or {}).get(RESULT_UPDATE)
        return WriteAccess(
            instance.name,
            bool(instance.api_key and instance.api_secret),
            ResultUpdates.from_json(recorded),
        )

    def check(self) -> ResultUpdates:
        """Ask the server (signed in) whether it offers the result update, and record its answer
        on the instance. Raises NoCredentials, or a DecidimError when the server cannot be
        asked (unreachable, credentials refused)."""
        with self.writer() as writer:
            found = writer.probe(utcnow())
        with self._sessions() as session, session.begin():
            instance = session.scalars(
                select(Instance).where(Instance.name == self.name).with_for_update()
            ).one()
            kept = dict(instance.write_capabilities or {})
            kept[RESULT_UPDATE] = found.as_json()
            session.execute(
                update(Instance).where(Instance.id == instance.id).values(write_capabilities=kept)
            )
        return found

    @contextmanager
    def writer(self) -> Iterator[DecidimWriter]:
        """A client signed in with the instance's API user, signed out at the end."""
        instance = self._instance()
        if not (instance.api_key and instance.api_secret):
            raise NoCredentials(f"instance {self.name!r} has no API key and secret")
        session = DecidimSession(
            instance.base_url,
            rate_limit=instance.rate_limit_per_minute,
            retries=self._settings.http_retries,
            timeout=self._settings.http_timeout_seconds,
            credentials=Credentials(instance.api_key, instance.api_secret),
        )
        writer = DecidimWriter(session)
        try:
            yield writer
        finally:
            writer.close()

    def _instance(self) -> Instance:
        with self._sessions() as session:
            instance = session.scalars(select(Instance).where(Instance.name == self.name)).first()
            if instance is None:
                raise LookupError(f"no instance named {self.name!r}")
            session.expunge(instance)
            return instance
