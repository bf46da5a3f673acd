"""The scheduler inside the web process, for single-process deployments (`bridge serve` on
SQLite, `bridge demo`): without it "sync now" waits for a `bridge scheduler` nobody started.

It is the same scheduler as `bridge scheduler` (same leader lock, so starting both is safe: the
second one waits), in a daemon thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

from bridge.config import Settings
from bridge.store.db import normalise_url


def wanted_by_default(settings: Settings) -> bool:
    """On for SQLite (the embedded deployment), off for PostgreSQL (its own process)."""
    return make_url(normalise_url(settings.database_url)).get_backend_name() == "sqlite"


def start(settings: Settings) -> Callable[[], None]:
    """Run the scheduler in a thread; return the function that stops it (and waits)."""
    from bridge.scheduler import run_scheduler

    stop = threading.Event()
    thread = threading.Thread(
        target=run_scheduler,
        args=(settings,),
        kwargs={"stop_event": stop},
        daemon=True,
        name="embedded-scheduler",
    )
    thread.start()

    def stop_and_wait() -> None:
        stop.set()
        thread.join(30)

    return stop_and_wait
