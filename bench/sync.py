"""Benchmark: a full and a no-change sync of a large generated instance.

    python bench/sync.py [--scale 50000] [--latency-ms 20]

Starts the Decidim stand-in in a subprocess (`--scale N` proposals and proportional meetings,
results and projects; latency injected on every request; its rate limit off), then runs each sync
in a child process of its own so that its peak RSS is its own. Prints, for each sync: items/s,
requests made against the lower bound (sum over connections of ceil(items / page cap)), wall time
against requests x latency, database writes (statements that insert, update or delete synced
records), and peak RSS. A smaller scale is run too, to show whether memory grows with size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE_CAP = 50
RECORD_TABLES = (
    "spaces",
    "components",
    "categories",
    "scopes",
    "proposals",
    "budgets",
    "projects",
    "results",
    "meetings",
    "debates",
)


def child(database_url: str, instance: str, full: bool) -> None:
    """Run one sync in this process and print its figures as JSON."""
    from sqlalchemy import event

    from bridge.config import Settings
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.sync.engine import SyncEngine

    engine = make_engine(database_url)
    writes = {"records": 0, "bookkeeping": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, params, context, executemany):
        head = statement.lstrip().split(None, 3)
        if head and head[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            table = head[2] if head[0].upper() != "UPDATE" else head[1]
            table = table.strip('"')
            writes["records" if table in RECORD_TABLES else "bookkeeping"] += 1

    settings = Settings(database_url=database_url)
    started = time.perf_counter()
    run = SyncEngine(make_sessionmaker(engine), settings).run(instance, full=full)
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "wall": wall,
                "requests": run.requests,
                "retries": run.retries,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "removed": run.removed,
                "writes": writes,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def lower_bound(database_url: str) -> tuple[int, int]:
    """Sum over connections of ceil(items / cap), and the number of items, from the store."""
    from sqlalchemy import func, select

    from bridge.store import models
    from bridge.store.db import make_engine

    engine = make_engine(database_url)
    bound = items = 0
    with engine.connect() as conn:
        for model in (models.Proposal, models.Budget, models.Result, models.Meeting, models.Debate):
            rows = conn.execute(
                select(model.component_id, func.count()).group_by(model.component_id)
            ).all()
            for _, count in rows:
                bound += max(1, math.ceil(count / PAGE_CAP))
                items += count
        items += conn.execute(select(func.count()).select_from(models.Project)).scalar_one()
        empty = conn.execute(
            select(func.count())
            .select_from(models.Component)
            .where(
                models.Component.manifest.in_(
                    ["Proposals", "Budgets", "Accountability", "Meetings", "Debates"]
                )
            )
        ).scalar_one()
    engine.dispose()
    return bound, items, empty


def run_child(database_url: str, full: bool) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url, "--full" if full else "--no-full"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(scale: int, latency_ms: int) -> dict:
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.migrate import upgrade
    from bridge.store.models import Instance
    from bridge.timeutil import utcnow
    from simulator.testing import start_subprocess

    url, stop = start_subprocess(scale=scale, latency_ms=latency_ms, rate_limit=0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            database_url = f"sqlite:///{tmp}/bench.db"
            upgrade(database_url)
            sessions = make_sessionmaker(make_engine(database_url))
            with sessions() as session:
                now = utcnow()
                session.add(
                    Instance(
                        name="bench",
                        base_url=url,
                        rate_limit_per_minute=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.commit()
            full = run_child(database_url, True)
            again = run_child(database_url, False)
            bound, items, components = lower_bound(database_url)
    finally:
        stop()
    return {
        "scale": scale,
        "latency_ms": latency_ms,
        "items": items,
        "lower_bound": bound,
        "components": components,
        "full": full,
        "no_change": again,
    }


def report(result: dict) -> None:
    latency = result["latency_ms"] / 1000
    print(
        f"\n== scale {result['scale']}: {result['items']} items, lower bound "
        f"{result['lower_bound']} requests over {result['components']} component connections, "
        f"{result['latency_ms']} ms latency"
    )
    for name in ("full", "no_change"):
        r = result[name]
        over = (r["requests"] - result["lower_bound"]) / result["lower_bound"] * 100
        print(
            f"{name:>9}: {r['status']}, {r['wall']:.1f} s, "
            f"{result['items'] / r['wall']:.0f} items/s, {r['requests']} requests "
            f"({over:+.1f}% vs lower bound; {r['retries']} retries), "
            f"requests x latency = {r['requests'] * latency:.1f} s, "
            f"record writes {r['writes']['records']}, bookkeeping writes "
            f"{r['writes']['bookkeeping']}, peak RSS {r['peak_rss_mb']:.0f} MB; "
            f"created {r['created']} updated {r['updated']} unchanged {r['unchanged']} "
            f"removed {r['removed']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50000)
    parser.add_argument("--small-scale", type=int, default=5000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--full", action=argparse.BooleanOptionalAction, default=True, help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, "bench", args.full)
        return
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    results = [bench(scale, args.latency_ms) for scale in (args.small_scale, args.scale)]
    for result in results:
        report(result)
    small, large = results
    print(
        f"\npeak RSS, full sync: {small['full']['peak_rss_mb']:.0f} MB at {small['scale']} vs "
        f"{large['full']['peak_rss_mb']:.0f} MB at {large['scale']}"
    )


if __name__ == "__main__":
    main()
