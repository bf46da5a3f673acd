"""The ledger downloads are bounded: CSV and JSON streamed row by row (and stopped when the
client leaves), the XLSX refused beyond its row ceiling before any work. On SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
import socket
import struct
import threading
import time
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from werkzeug.serving import make_server

from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.timeutil import utcnow
from plugins.budget import csvimport, downloads
from plugins.budget.models import Envelope, LedgerLine
from tests.conftest import _database_url

LINES = 2000


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def app(request, tmp_path_factory):
    """A ledger of LINES lines in one envelope (read only by the module's tests)."""
    url = _database_url(request.param, tmp_path_factory.mktemp("exports"))
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        now = utcnow()
        envelope = Envelope(name="Suites du vote climat", amount_cents=70_000_000, created_at=now)
        session.add(envelope)
        session.flush()
        session.execute(
            insert(LedgerLine),
            [
                {
                    "envelope_id": envelope.id,
                    "kind": "commitment" if n % 2 else "payment",
                    "day": date(2024, 1 + n % 12, 1 + n % 28),
                    "amount_cents": 100_000 + n,
                    "reference": f"EJ-{n:06d}",
                    "supplier": "Pépinières du Val-de-Marne",
                    "label": f"Action {n}",
                    "imported_at": now,
                }
                for n in range(LINES)
            ],
        )
        session.commit()
    made = create_app(Settings(database_url=url, secret_key="t"))
    yield made
    engine.dispose()


def test_the_csv_is_streamed_and_reads_back_through_the_import(app):
    answer = app.test_client().get("/api/v1/exports/budget-ledger-csv")
    assert answer.status_code == 200 and answer.is_streamed
    assert answer.headers.get("Content-Length") is None  # sent as it is made
    data = answer.get_data()
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "enveloppe;nature;date;montant;référence;fournisseur;libellé"
    assert "Suites du vote climat;engagement;" in text and ";1000,01;EJ-000001;" in text
    report = csvimport.read(data)  # the header is one the import reads
    assert report.ok and len(report.rows) == LINES
    assert {r.kind for r in report.rows} == {"commitment", "payment"}


def test_the_json_is_streamed_and_is_json(app):
    answer = app.test_client().get("/api/v1/exports/budget-ledger")
    assert answer.status_code == 200 and answer.is_streamed
    items = json.loads(answer.get_data())["items"]
    assert len(items) == LINES and items[0]["envelope"] == "Suites du vote climat"


def test_the_ocds_package_is_streamed_and_is_json(app):
    answer = app.test_client().get("/api/v1/exports/budget-ocds")
    package = json.loads(answer.get_data())
    assert package["version"] == "1.1" and len(package["releases"]) == 1
    assert len(package["releases"][0]["contracts"]) == LINES // 2


def test_the_xlsx_beyond_its_ceiling_is_refused_before_any_work(app, monkeypatch):
    monkeypatch.setattr(downloads, "XLSX_MAX_ROWS", LINES - 1)
    built = []
    monkeypatch.setattr(downloads, "Workbook", lambda **kw: built.append(kw))
    started = time.perf_counter()
    answer = app.test_client().get("/api/v1/exports/budget-ledger-xlsx")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert f"holds {LINES} lines" in answer.get_json()["detail"]
    assert "grand-livre.csv" in answer.get_json()["detail"]
    assert built == [] and time.perf_counter() - started < 5


def test_the_xlsx_within_its_ceiling_is_written_in_write_only_mode(app, monkeypatch):
    monkeypatch.setattr(downloads, "XLSX_MAX_ROWS", LINES)
    modes = []
    real = downloads.Workbook
    monkeypatch.setattr(downloads, "Workbook", lambda **kw: modes.append(kw) or real(**kw))
    answer = app.test_client().get("/api/v1/exports/budget-ledger-xlsx")
    assert answer.status_code == 200 and modes == [{"write_only": True}]
    rows = list(load_workbook(io.BytesIO(answer.get_data())).active.iter_rows(values_only=True))
    assert len(rows) == LINES + 1 and rows[1][3] == 1000.0


def test_a_download_stops_when_the_client_leaves(app, monkeypatch):
    """A real server; the client reads the first bytes of the CSV and hangs up. The export
    stops (its session is returned to the pool) having made only part of the lines."""
    made = []
    cells = downloads._ledger_cells
    monkeypatch.setattr(downloads, "_ledger_cells", lambda *a: made.append(1) or cells(*a))
    monkeypatch.setattr(downloads, "CHUNK", 1024)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Small socket buffers: the server blocks on its writes soon, as behind a slow client.
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pool = app.extensions["bridge"].engine.pool
    try:
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", server.port))
        client.sendall(b"GET /api/v1/exports/budget-ledger-csv HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in client.recv(4096)
        deadline = time.monotonic() + 10
        while pool.checkedout() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.checkedout() == 1  # the download holds its session while it streams
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset: the server's next write fails
        while pool.checkedout() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.checkedout() == 0, "the download ran on after the client left"
        assert 0 < len(made) < LINES / 2
    finally:
        server.shutdown()
