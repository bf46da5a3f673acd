"""Bad input gets a 4xx that names what is wrong, never a 500, and nothing stored is lost or
half-written: deep JSON, lone surrogates, digits that are not ASCII, ids that name nothing,
bodies that are not objects, CSV cells too long for the reader or for their column. On SQLite
and PostgreSQL; the CLI prints `line N: reason`, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry, Instance
from bridge.timeutil import utcnow
from plugins.budget import csvimport
from plugins.budget.models import Allocation, Envelope, LedgerLine
from tests.conftest import _database_url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bridge(request, tmp_path_factory):
    """A database with an instance `ivry`, an envelope, an admin's token and a signed-in
    admin's browser (shared by the module: its refusals write nothing)."""
    url = _database_url(request.param, tmp_path_factory.mktemp("bad"))
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        user, _ = create_user(session, "admin@ivry.example", "admin", "a long password 12")
        token = create_token(session, user, "bad input")[1]
        now = utcnow()
        session.add(
            Instance(name="ivry", base_url="http://127.0.0.1:9", created_at=now, updated_at=now)
        )
        session.add(Envelope(name="Suites du vote climat", amount_cents=70_000_000, created_at=now))
        session.commit()
    app = create_app(Settings(database_url=url, secret_key="t", cookie_secure=False))
    browser = app.test_client()
    csrf = _csrf(browser.get("/login").get_data(as_text=True))
    signed_in = browser.post(
        "/login",
        data={"csrf_token": csrf, "email": "admin@ivry.example", "password": "a long password 12"},
    )
    assert signed_in.status_code == 302
    browser.csrf = _csrf(browser.get("/account").get_data(as_text=True))

    def api(method: str, path: str, **kwargs):
        return app.test_client().open(
            path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )

    yield {"url": url, "api": api, "browser": browser, "sessions": make_sessionmaker(engine)}
    engine.dispose()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _stored(bridge) -> tuple[int, ...]:
    """Rows of what the refused writes would touch: they must not move."""
    with bridge["sessions"]() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Instance, Envelope, Allocation, LedgerLine, AuditEntry)
        )


def _problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    return answer.get_json()


WRITES = [
    ("POST", "/api/v1/budget/envelopes"),
    ("POST", "/api/v1/budget/allocations"),
    ("POST", "/api/v1/budget/ledger"),
    ("POST", "/api/v1/instances"),
    ("PATCH", "/api/v1/instances/ivry"),
    ("POST", "/api/v1/instances/ivry/sync"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/tokens"),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_deeply_nested_json_is_400(bridge, method, path):
    before = _stored(bridge)
    for body in ("[" * 100_000, '{"a":' * 100_000, "[" * 40 + "]" * 40):
        answer = bridge["api"](method, path, data=body, content_type="application/json")
        assert "nested deeper than 32 levels" in _problem(answer, 400)["detail"]
    assert _stored(bridge) == before


LONE = [
    '{"name": "\\ud800", "amount": "10"}',
    '{"name": "Enveloppe \\udfff", "amount": "10"}',
    '{"\\ud800": "x", "name": "Enveloppe", "amount": "10"}',
    '{"name": "e", "amount": "10", "source": ["\\udbff"]}',
]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_lone_surrogate_in_any_json_string_is_400(bridge, method, path):
    before = _stored(bridge)
    for body in LONE:
        answer = bridge["api"](method, path, data=body, content_type="application/json")
        assert "lone surrogate" in _problem(answer, 400)["detail"]
    assert _stored(bridge) == before


def test_a_surrogate_pair_is_a_character_and_is_stored(bridge):
    answer = bridge["api"](
        "POST",
        "/api/v1/budget/envelopes",
        data='{"name": "Vélo \\ud83d\\udeb2", "amount": "10"}',
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.get_json()["name"] == "Vélo 🚲"


def test_invalid_utf8_in_a_query_is_read_not_a_500(bridge):
    answer = bridge["api"]("GET", "/api/v1/proposals?q=%ED%A0%80&instance=ivry")
    assert answer.status_code == 200


@pytest.mark.parametrize("value", ["²", "٣", "1²", "0x10", "1e3", " ", "+1"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proposals?process={}",
        "/api/v1/projects?budget={}",
        "/api/v1/changes?since_id={}",
        "/api/v1/changes?run={}",
        "/api/v1/budget/ledger?envelope={}",
    ],
)
def test_a_number_parameter_is_ascii_digits_or_400(bridge, path, value):
    answer = bridge["api"]("GET", path.format(value).replace("+", "%2B"))
    assert _problem(answer, 400)["parameter"] == path.split("?")[1].split("=")[0]


@pytest.mark.parametrize(
    ("page", "parameter"),
    [
        ("/admin/instances/ivry/changes", "before"),
        ("/admin/audit", "before"),
        ("/admin/budget/", "envelope"),
        ("/admin/budget/envelopes/1", "allocation"),
    ],
)
def test_admin_filters_ignore_a_number_that_is_not_one(bridge, page, parameter):
    for value in ("²", "٣", "-1", "9" * 40, "abc"):
        answer = bridge["browser"].get(page, query_string={parameter: value})
        assert answer.status_code == 200, (value, answer.status_code)


@pytest.mark.parametrize("field", ["rate_limit_per_minute", "schedule_interval_minutes"])
def test_admin_instance_form_refuses_unicode_digits_in_french(bridge, field):
    before = _stored(bridge)
    form = {
        "csrf_token": bridge["browser"].csrf,
        "name": "vitry",
        "base_url": "https://decidim.vitry.example",
        "locale": "fr",
        "schedule_interval_minutes": "60",
        "rate_limit_per_minute": "90",
    }
    for value in ("²", "٣"):
        answer = bridge["browser"].post("/admin/instances/new", data={**form, field: value})
        assert answer.status_code == 422, answer.status_code
        assert '<html lang="fr">' in answer.get_data(as_text=True)
    assert _stored(bridge) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project": "0"}, "project"),
        ({"project": 0}, "project"),
        ({"result": "0"}, "result"),
        ({"project": "²"}, "project"),
        ({"project": 2**40}, "project"),
        ({"envelope": "²"}, "envelope"),
        ({"envelope": "0"}, "envelope"),
    ],
)
def test_an_allocation_naming_nothing_is_422_naming_the_field(bridge, body, field):
    before = _stored(bridge)
    answer = bridge["api"](
        "POST",
        "/api/v1/budget/allocations",
        json={"envelope": "Suites du vote climat", "amount": "10", "label": "Action", **body},
    )
    assert _problem(answer, 422)["field"] == field
    assert _stored(bridge) == before


@pytest.mark.parametrize("value", ["0", "²", -1])
def test_a_ledger_line_naming_no_allocation_is_422(bridge, value):
    answer = bridge["api"](
        "POST",
        "/api/v1/budget/ledger",
        json={
            "envelope": "Suites du vote climat",
            "allocation": value,
            "kind": "engagement",
            "date": "01/02/2024",
            "amount": "10",
            "reference": "EJ-1",
        },
    )
    assert _problem(answer, 422)["field"] == "allocation"


@pytest.mark.parametrize("body", ["[1]", '"full"', "1", "null", "true"])
def test_sync_now_refuses_a_body_that_is_not_an_object(bridge, body):
    before = _stored(bridge)
    answer = bridge["api"](
        "POST", "/api/v1/instances/ivry/sync", data=body, content_type="application/json"
    )
    _problem(answer, 400)
    assert _stored(bridge) == before


def test_sync_now_wants_full_true_or_false(bridge):
    answer = bridge["api"]("POST", "/api/v1/instances/ivry/sync", json={"full": "yes"})
    assert _problem(answer, 422)["field"] == "full"
    assert bridge["api"]("POST", "/api/v1/instances/ivry/sync").status_code == 202
    assert (
        bridge["api"]("POST", "/api/v1/instances/ivry/sync", json={"full": True}).status_code == 202
    )


HEADER = "date;reference;kind;amount;supplier\n"
GOOD_LINE = "01/02/2024;EJ-1;engagement;10;Fournisseur\n"
BAD_FILES = {
    "a cell over 128 KB": (
        HEADER + GOOD_LINE + '01/02/2024;EJ-2;engagement;10;"' + "x" * 140_000 + '"\n',
        "line 3: a cell is longer than 128 KB",
    ),
    "a reference over its column": (
        HEADER + GOOD_LINE + "01/02/2024;" + "R" * 101 + ";engagement;10;F\n",
        "line 3: reference is longer than 100 characters",
    ),
    "a supplier over its column": (
        HEADER + GOOD_LINE + "01/02/2024;EJ-3;engagement;10;" + "F" * 301 + "\n",
        "line 3: supplier is longer than 300 characters",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_the_api_import_reports_the_line_and_imports_nothing(bridge, case):
    text, reason = BAD_FILES[case]
    before = _stored(bridge)
    answer = bridge["api"](
        "POST", "/api/v1/budget/envelopes/1/import", data=text.encode(), content_type="text/csv"
    )
    problem = _problem(answer, 422)
    line, why = reason.removeprefix("line ").split(": ")
    assert {"line": int(line), "reasons": [why]} in problem["errors"]
    assert _stored(bridge) == before


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused(bridge):
    answer = bridge["api"](
        "POST",
        "/api/v1/budget/envelopes/1/import",
        data=HEADER.encode() + b"01/02/2024;EJ-\x81;engagement;10;\x8d\n",
        content_type="text/csv",
    )
    assert "not a text CSV" in _problem(answer, 422)["errors"][0]["reasons"][0]


def test_the_cli_prints_line_and_reason_never_a_traceback(bridge, tmp_path):
    """One file with every bad line (the cell over 128 KB last: the reader stops there)."""
    path = tmp_path / "engagements.csv"
    path.write_text(
        HEADER
        + GOOD_LINE
        + "".join(BAD_FILES[case][0].split("\n")[2] + "\n" for case in list(BAD_FILES)[::-1]),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "budget", "import", str(path)]
        + ["--envelope", "Suites du vote climat"],
        env={**os.environ, "BRIDGE_DATABASE_URL": bridge["url"], "BRIDGE_PLUGINS": "budget"},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == [
        "line 3: supplier is longer than 300 characters",
        "line 4: reference is longer than 100 characters",
        "line 5: a cell is longer than 128 KB",
        "Error: 3 bad row(s); nothing was imported",
    ]


def test_refused_cancellations_cost_no_scan_of_the_good_rows(bridge, monkeypatch):
    """Each refused cancellation used to be taken out of the new rows with list.remove, which
    compares it with every good row before it: 20 000 good rows and 20 000 refused ones took
    485 s. Now no row is compared."""
    compared = []
    monkeypatch.setattr(csvimport.Row, "__eq__", lambda a, b: compared.append(1) or a is b)
    text = HEADER + "".join(
        f"01/02/2024;A-{n};engagement;10;F\n01/02/2024;B-{n};engagement;-1000000;F\n"
        for n in range(200)
    )
    with bridge["sessions"]() as session:
        report = csvimport.import_file(session, 1, text.encode(), dry_run=True)
        session.rollback()
    assert len(report.errors) == 200 and compared == []
