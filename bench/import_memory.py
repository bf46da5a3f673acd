"""Benchmark: peak memory of a budget CSV import sent to the API, and of the ledger downloads.

    python bench/import_memory.py [--mb 20] [--database-url URL]

Generates a ledger CSV of about `--mb` megabytes, then, each in a child process of its own (so
that its peak RSS is its own): posts it to `POST /api/v1/budget/envelopes/ID/import` through
the app (a dry run, then the import), reads `GET /api/v1/budget/ledger?limit=5`, and downloads
the ledger as CSV, JSON and XLSX. Prints wall time, peak RSS and the answer's status and size.
Runs on a fresh SQLite file unless `--database-url` names an empty PostgreSQL database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: PYTHONPATH=OTHER_CHECKOUT measures that code

HEADER = "Date;Référence;Nature;Montant;Fournisseur;Libellé\n"


def make_csv(path: Path, megabytes: float) -> int:
    """A plausible finance export: one engagement and one mandatement per operation."""
    rows, size = 0, len(HEADER)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        while size < megabytes * 1_000_000:
            kind = "engagement" if rows % 2 == 0 else "mandatement"
            line = (
                f"{1 + rows % 28:02d}/{1 + rows % 12:02d}/2024;REF-{rows:08d};{kind};"
                f"{1000 + rows % 9000},{rows % 100:02d};Fournisseur {rows % 500};"
                f"Action de la démarche climat numéro {rows}\n"
            )
            out.write(line)
            size += len(line.encode())
            rows += 1
    return rows


def setup(url: str) -> None:
    from bridge.accounts import create_token, create_user
    from bridge.config import Settings
    from bridge.pluginhost import host_for
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.migrate import upgrade
    from plugins.budget import writes

    upgrade(url, host_for(Settings()).call("migrations_path"))
    with make_sessionmaker(make_engine(url))() as session:
        user, _ = create_user(session, "bench@ivry.example", "admin", "a long password 1")
        token = create_token(session, user, "bench")[1]
        writes.create_envelope(session, {"name": "Bench", "amount": "100000000"}, "bench")
        session.commit()
    print(token)


def step(url: str, token: str, what: str, csv_path: str) -> None:
    """One measured request, in this (child) process."""
    from bridge.app import create_app
    from bridge.config import Settings

    client = create_app(Settings(database_url=url, secret_key="bench")).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    if what in ("dry-run", "import"):
        query = "?dry_run=1" if what == "dry-run" else ""
        with open(csv_path, "rb") as fh:
            answer = client.post(
                f"/api/v1/budget/envelopes/1/import{query}",
                data=fh.read(),
                headers={**headers, "Content-Type": "text/csv"},
            )
        size = len(answer.get_data())
    else:
        path = {
            "ledger?limit=5": "/api/v1/budget/ledger?limit=5",
            "csv": "/api/v1/exports/budget-ledger-csv",
            "json": "/api/v1/exports/budget-ledger",
            "xlsx": "/api/v1/exports/budget-ledger-xlsx",
        }[what]
        answer = client.get(path, buffered=False)
        size = sum(len(chunk) for chunk in answer.response)
        answer.close()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": answer.status_code, "bytes": size, "s": elapsed, "mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database_url or f"sqlite:///{work}/bench.db"
    csv_path = work / "ledger.csv"
    rows = make_csv(csv_path, args.mb)
    print(f"{csv_path.stat().st_size / 1e6:.1f} MB, {rows} lines; database {url.split(':')[0]}")
    me = [sys.executable, __file__]
    token = subprocess.run(
        [*me, "--child", "setup", url], check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    for what in ("dry-run", "import", "ledger?limit=5", "csv", "json", "xlsx"):
        out = subprocess.run(
            [*me, "--child", "step", url, token, what, str(csv_path)],
            capture_output=True,
            text=True,
            env={**os.environ, "BRIDGE_LOG_LEVEL": "WARNING"},
        )
        lines = out.stdout.strip().splitlines()
        if out.returncode or not lines:
            print(f"{what:16} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(lines[-1])
        print(
            f"{what:16} {r['status']}  {r['bytes'] / 1e6:8.2f} MB answered"
            f"  {r['s']:7.1f} s  peak RSS {r['mb']:7.0f} MB"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        if sys.argv[2] == "setup":
            setup(sys.argv[3])
        else:
            step(*sys.argv[3:7])
    else:
        main()
