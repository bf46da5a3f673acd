"""Benchmark: the commitments' spreadsheet import at its ceiling (5,000 rows), as a workbook
and as a French Excel CSV: reading the file, the dry run, and applying it.

    python bench/commitments_import.py [--rows 5000]

Each on a fresh migrated SQLite file; prints CPU seconds, wall seconds and peak RSS of this
process (one process: the peak is the largest step's). Figures only, no assertion.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))

from bridge.config import Settings  # noqa: E402
from bridge.plugin import read_sheets  # noqa: E402
from bridge.pluginhost import PluginHost  # noqa: E402
from bridge.store.db import make_engine, make_sessionmaker  # noqa: E402
from bridge.testing import migrated_database  # noqa: E402
from plugins.commitments import sheetimport, writes  # noqa: E402

T = TypeVar("T")
HEADER = ["N°", "Thème", "Engagement", "Avancement", "Commentaire"]
WORDS = ["Fait", "En cours", "En attente", "Abandonné", "Restant à faire"]


def rows(count: int) -> list[list[str]]:
    return [
        [
            f"E-{n:05d}",
            f"Thème {n % 12}",
            f"Engagement numéro {n} du projet municipal",
            WORDS[n % 5],
            f"Bilan : étape {n}",
        ]
        for n in range(1, count + 1)
    ]


def workbook(count: int) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["Bilan de mi-mandat"])
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def french_csv(count: int) -> bytes:
    lines = [";".join(HEADER)] + [";".join(r) for r in rows(count)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def timed(label: str, work: Callable[[], T]) -> T:
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<28} cpu {time.process_time() - cpu:6.2f} s  "
        f"wall {time.perf_counter() - wall:6.2f} s  peak RSS {peak:6.0f} MB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=sheetimport.MAX_LINES)
    count = parser.parse_args().rows
    plugins = ["budget", "committees", "commitments"]
    for name, data in (("xlsx", workbook(count)), ("csv cp1252 ;", french_csv(count))):
        print(f"{name}: {count} rows, {len(data) / 1024:.0f} KB")
        run(plugins, data)


def run(plugins: list[str], data: bytes) -> None:
    url = migrated_database("sqlite", Path(tempfile.mkdtemp()), plugins)
    sessions = make_sessionmaker(make_engine(url))
    host = PluginHost(plugins, sessions=sessions, settings=Settings(database_url=url))
    context = host.context("commitments")
    with context.transaction() as s:
        mandate = writes.add_mandate(s, context, "Mandat 2020-2026")
    timed("  read", lambda: read_sheets(data))
    with sessions() as s:
        plan = timed("  dry run", lambda: sheetimport.plan(s, mandate, data))
    assert plan.ok, plan.problems[:3]
    with context.transaction() as s:
        merged = s.merge(mandate)
        timed("  apply (all rows created)", lambda: sheetimport.apply(s, context, merged, plan))
    with sessions() as s:
        again = timed("  dry run again (unchanged)", lambda: sheetimport.plan(s, mandate, data))
    print(f"  unchanged on the second plan: {again.count('unchanged')}")


if __name__ == "__main__":
    main()
