"""Benchmark: a full and a no-change sync of generated instances.

    python bench/sync.py [--scale 2000] [--versions 0.28 0.31] [--memory 5000 50000]
                         [--latency-ms 20] [--rate-limit 0]

Starts the Decidim stand-in in a subprocess (`--scale N` proposals and proportional meetings,
results and projects; latency injected on every request; its rate limit off unless
`--rate-limit`), then runs each sync in a child process of its own so that its peak RSS and CPU
time are its own. Prints, for each sync: requests made against the lower bound (sum over
connections of ceil(items / 50): one page of 50 a request) and their ratio, 429 answers, the
bridge's CPU time per item, wall time, database writes (statements that insert, update or delete
synced records), peak RSS, the most items held ahead of their component's turn, and the largest
answer (its bytes; the most items one answer brought, a budget counting 1 + its projects).
`--memory` runs a smaller and a larger instance to show whether memory grows with size.
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
    sync = SyncEngine(make_sessionmaker(engine), settings)
    clients = []

    def client_for(instance):  # the engine's own client, kept to read its counters after
        clients.append(sync._client_for(instance))
        return clients[-1]

    sync.client_factory = client_for
    started, cpu = time.perf_counter(), time.process_time()
    run = sync.run(instance, full=full)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "wall": wall,
                "cpu": cpu,
                "requests": run.requests,
                "retries": run.retries,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "removed": run.removed,
                "writes": writes,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "most_ahead": clients[0].most_ahead if clients else 0,
                "most_read": clients[0].most_read if clients else 0,
                "largest_kb": clients[0].session.counters.largest / 1024 if clients else 0,
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


def throttled(url: str) -> int:
    import urllib.request

    with urllib.request.urlopen(f"{url}/_simulator/stats", timeout=10) as answer:
        return int(json.load(answer)["throttled"])


def run_child(database_url: str, full: bool) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url, "--full" if full else "--no-full"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(scale: int, latency_ms: int, version: str = "0.28", rate_limit: int = 0) -> dict:
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.migrate import upgrade
    from bridge.store.models import Instance
    from bridge.timeutil import utcnow
    from simulator.testing import start_subprocess

    url, stop = start_subprocess(
        scale=scale, latency_ms=latency_ms, rate_limit=rate_limit, version=version
    )
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
                        rate_limit_per_minute=90 if rate_limit else 0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.commit()
            full = run_child(database_url, True)
            full["throttled"] = throttled(url)
            again = run_child(database_url, False)
            again["throttled"] = throttled(url) - full["throttled"]
            bound, items, components = lower_bound(database_url)
    finally:
        stop()
    return {
        "scale": scale,
        "version": version,
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
        f"\n== Decidim {result['version']}, scale {result['scale']}: {result['items']} items, "
        f"lower bound {result['lower_bound']} requests over {result['components']} component "
        f"connections, {result['latency_ms']} ms latency"
    )
    for name in ("full", "no_change"):
        r = result[name]
        ratio = r["requests"] / result["lower_bound"]
        print(
            f"{name:>9}: {r['status']}, {r['requests']} requests = {ratio:.2f}x the lower bound "
            f"({r['retries']} retries, {r['throttled']} answered 429), "
            f"CPU {r['cpu'] / result['items'] * 1000:.3f} ms/item ({r['cpu']:.1f} s), "
            f"wall {r['wall']:.1f} s (requests x latency = {r['requests'] * latency:.1f} s), "
            f"record writes {r['writes']['records']}, bookkeeping writes "
            f"{r['writes']['bookkeeping']}, peak RSS {r['peak_rss_mb']:.0f} MB, "
            f"at most {r['most_ahead']} items read ahead, largest answer "
            f"{r['largest_kb']:.0f} KB, at most {r['most_read']} items in one; "
            f"created {r['created']} updated {r['updated']} unchanged {r['unchanged']} "
            f"removed {r['removed']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=2000)
    parser.add_argument("--versions", nargs="*", default=["0.28", "0.31"])
    parser.add_argument("--memory", type=int, nargs="*", default=[5000, 50000])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--rate-limit", type=int, default=0, help="the stand-in's, per minute")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--full", action=argparse.BooleanOptionalAction, default=True, help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, "bench", args.full)
        return
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for version in args.versions:
        report(bench(args.scale, args.latency_ms, version, args.rate_limit))
    if len(args.memory) == 2:
        small, large = (
            bench(scale, args.latency_ms, "0.28", args.rate_limit) for scale in args.memory
        )
        for result in (small, large):
            report(result)
        print(
            f"\npeak RSS, full sync: {small['full']['peak_rss_mb']:.0f} MB at {small['scale']} vs "
            f"{large['full']['peak_rss_mb']:.0f} MB at {large['scale']}; no change: "
            f"{small['no_change']['peak_rss_mb']:.0f} MB vs "
            f"{large['no_change']['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
