"""A synced instance: the Decidim stand-in (`simulator/`) read by the real sync engine over HTTP,
its changes delivered to the plugins, as `bridge sync` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bridge.config import Settings
from bridge.pluginhost import PluginHost

# Three tries per request, as the sync tests use: the stand-in never fails unless told to.
SYNC_SETTINGS = Settings(http_retries=3)


@dataclass
class Synced:
    """What `synced` gives: the database, the instance's name, the finished run and the
    stand-in (`decidim.world` is what it serves; change it and sync again)."""

    url: str
    sessions: sessionmaker[Session]
    instance: str
    run: Any
    decidim: Any

    @property
    def world(self) -> Any:
        return self.decidim.world


def add_instance(
    sessions: sessionmaker[Session], url: str, name: str = "ivry", **extra: Any
) -> None:
    """An instance reading the Decidim at `url`, without rate limit."""
    from bridge.store.models import Instance
    from bridge.timeutil import utcnow

    with sessions() as session:
        now = utcnow()
        session.add(
            Instance(
                name=name,
                base_url=url,
                rate_limit_per_minute=0,
                created_at=now,
                updated_at=now,
                **extra,
            )
        )
        session.commit()


def sync_stand_in(
    sessions: sessionmaker[Session],
    host: PluginHost,
    decidim: Any,
    name: str = "ivry",
    **instance: Any,
) -> Any:
    """Add instance `name` on the running stand-in, sync it once and deliver its changes to the
    plugins of `host`; the run, which must have succeeded."""
    from bridge.delivery import Delivery
    from bridge.sync.engine import SyncEngine

    add_instance(sessions, decidim.url, name, **instance)
    run = SyncEngine(sessions, SYNC_SETTINGS, plugins=host).run(name)
    if run.status != "succeeded":
        raise AssertionError(f"the sync of the stand-in failed: {run.error}")
    Delivery(sessions, SYNC_SETTINGS, host).run()
    return run
