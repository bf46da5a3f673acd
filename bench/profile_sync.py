"""Profile the bridge's CPU on a full and a no-change sync of the stand-in.

    python bench/profile_sync.py [--scale 20000] [--version 0.28] [--top 20] [--database URL]

Starts the stand-in in a subprocess (no latency, no rate limit), then runs a full sync on an
empty database and a sync with no upstream change, each under cProfile in this process, and
prints each one's user CPU per item and the top functions by own time. The profiler itself
roughly doubles the CPU; compare profiles with profiles and `bench/sync.py`'s figures with
each other.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def user_cpu() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20000)
    parser.add_argument("--version", default="0.28")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--sort", default="tottime", help="tottime or cumulative")
    parser.add_argument("--database", help="a database URL (default: SQLite in a temp dir)")
    parser.add_argument("--no-profile", action="store_true", help="only time the syncs")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from bridge.config import Settings
    from bridge.store import models
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.migrate import upgrade
    from bridge.sync.engine import SyncEngine
    from bridge.timeutil import utcnow
    from simulator.testing import start_subprocess

    url, stop = start_subprocess(scale=args.scale, latency_ms=0, rate_limit=0, version=args.version)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            database_url = args.database or f"sqlite:///{tmp}/profile.db"
            upgrade(database_url)
            engine = make_engine(database_url)
            sessions = make_sessionmaker(engine)
            with sessions() as session:
                now = utcnow()
                session.add(
                    models.Instance(
                        name="profile",
                        base_url=url,
                        rate_limit_per_minute=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.commit()
            sync = SyncEngine(sessions, Settings(database_url=database_url))
            for name, full in (("full", True), ("no change", False)):
                profile = None if args.no_profile else cProfile.Profile(time.process_time)
                cpu = user_cpu()
                if profile:
                    profile.enable()
                run = sync.run("profile", full=full)
                if profile:
                    profile.disable()
                cpu = user_cpu() - cpu
                items = run.created + run.updated + run.unchanged
                print(
                    f"== {name}: {run.status} {run.error or ''} {items} items, "
                    f"{run.requests} requests, user CPU {cpu:.2f} s = "
                    f"{cpu / max(items, 1) * 1000:.3f} ms/item" + (" (profiled)" if profile else "")
                )
                if profile:
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
                    print(out.getvalue())
            with engine.connect() as conn:
                count = conn.execute(select(func.count()).select_from(models.Proposal)).scalar()
                print(f"proposals stored: {count}")
            engine.dispose()
    finally:
        stop()


if __name__ == "__main__":
    main()
