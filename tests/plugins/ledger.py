"""A change consumer for the delivery tests, and the child processes the crash tests kill.

`Ledger` applies each change once: one row per change id in its own table (`test_ledger`, the
primary key refuses a second), and remembers in memory every id it was handed, so a test sees
both what was applied and what was delivered. It can be told to fail, or to stop mid-batch
(after writing) until the test kills its process.

    python -m tests.plugins.ledger sync DATABASE_URL DECIDIM_URL MARKER
    python -m tests.plugins.ledger deliver DATABASE_URL MARKER
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from bridge.config import Settings
from bridge.hookspecs import hookimpl

LEDGER = Table(
    "test_ledger",
    MetaData(),
    Column("change_id", Integer, primary_key=True),
    Column("resource", String(40)),
)
SETTINGS = Settings(http_retries=3, delivery_batch_size=50)


def create_ledger(engine) -> None:
    LEDGER.metadata.create_all(engine)


def applied(session) -> list[int]:
    return list(session.scalars(select(LEDGER.c.change_id).order_by(LEDGER.c.change_id)))


class Ledger:
    def __init__(self, *, failing: bool = False, stop_file: str | None = None):
        self.failing = failing
        self.stop_file = stop_file
        self.delivered: list[int] = []

    @hookimpl
    def consume_changes(self, session, changes):
        if self.failing:
            # A message quoting personal data: it must reach the plugins page, never the log.
            raise RuntimeError("cannot file the proposal of jeanne.martin@example.org")
        self.delivered.extend(change.id for change in changes)
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(LEDGER)
            .values([{"change_id": c.id, "resource": c.resource} for c in changes])
            .on_conflict_do_nothing(index_elements=["change_id"])
        )
        if self.stop_file:
            session.flush()
            Path(self.stop_file).write_text("mid-batch")
            time.sleep(600)  # until killed


def _child(argv: list[str]) -> None:
    from bridge.delivery import Delivery
    from bridge.pluginhost import PluginHost
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.sync.engine import SyncEngine

    command, url = argv[0], argv[1]
    sessions = make_sessionmaker(make_engine(url))
    if command == "sync":  # stops for good right after its first page is committed
        decidim, marker = argv[2], argv[3]

        def after_page(progress) -> None:
            Path(marker).write_text("committed")
            time.sleep(600)

        with sessions() as session:
            from bridge.store.models import Instance

            instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
            assert instance.base_url == decidim
        host = PluginHost([], extra={"ledger": Ledger()})
        SyncEngine(sessions, SETTINGS, plugins=host, progress=after_page).run("ivry")
    elif command == "deliver":
        host = PluginHost([], extra={"ledger": Ledger(stop_file=argv[2])})
        Delivery(sessions, SETTINGS, host).run()


if __name__ == "__main__":
    _child(sys.argv[1:])
