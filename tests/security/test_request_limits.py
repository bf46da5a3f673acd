"""Request bodies have a size limit (413: problem+json for the API, a French page for forms),
every list is paged by the same `limit` and `cursor`, and the CSV import reads the raw body
whatever its Content-Type. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
from datetime import date

import pytest

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.timeutil import utcnow
from plugins.budget.models import Allocation, Envelope, LedgerLine
from tests.conftest import _database_url

MB = 1024 * 1024


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def app(request, tmp_path_factory):
    """A bridge that accepts bodies of 1 MB at most, an editor's token, and a small budget:
    one envelope, 12 allocations and 30 ledger lines (shared by the module: its tests write
    nothing but one envelope)."""
    database_url = _database_url(request.param, tmp_path_factory.mktemp("limits"))
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        user, _ = create_user(session, "editor@ivry.example", "editor", "a long password 12")
        token = create_token(session, user, "limits")[1]
        now = utcnow()
        envelope = Envelope(name="Suites du vote climat", amount_cents=70_000_000, created_at=now)
        session.add(envelope)
        session.flush()
        session.add_all(
            Allocation(
                envelope_id=envelope.id, label=f"Action {n}", amount_cents=100, created_at=now
            )
            for n in range(12)
        )
        session.add_all(
            LedgerLine(
                envelope_id=envelope.id,
                kind="commitment",
                day=date(2024, 1, 1 + n % 28),
                amount_cents=1000 + n,
                reference=f"EJ-{n:03d}",
                imported_at=now,
            )
            for n in range(30)
        )
        session.commit()
    settings = Settings(database_url=database_url, secret_key="t", max_request_mb=1)
    made = create_app(settings)
    made.token, made.envelope_id = token, envelope.id
    yield made
    engine.dispose()


def test_an_api_body_beyond_the_limit_is_413_problem_and_not_read(app):
    client = app.test_client()
    answer = client.post(
        f"/api/v1/budget/envelopes/{app.envelope_id}/import",
        data=b"date;reference;kind;amount\n" + b"x" * (MB + 1),
        headers={"Authorization": f"Bearer {app.token}", "Content-Type": "text/csv"},
    )
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["limit_mb"] == 1 and "1 MB" in answer.get_json()["detail"]
    ledger = client.get("/api/v1/budget/ledger?limit=500").get_json()["items"]
    assert len(ledger) == 30  # nothing written


def test_a_body_within_the_limit_is_read(app):
    answer = app.test_client().post(
        "/api/v1/budget/envelopes",
        json={"name": "Petite enveloppe", "amount": "10", "source": "x" * 150},
        headers={"Authorization": f"Bearer {app.token}"},
    )
    assert answer.status_code == 201


def test_a_form_beyond_the_limit_is_a_french_page(app):
    client = app.test_client()
    answer = client.post("/login", data={"email": "a@ivry.example", "password": "p" * (MB + 1)})
    assert answer.status_code == 413 and answer.mimetype == "text/html"
    page = html.unescape(answer.get_data(as_text=True))
    assert '<html lang="fr">' in page and "Envoi trop volumineux" in page
    assert "rien n’a été enregistré" in page
    english = client.post("/login?lang=en", data={"password": "p" * (MB + 1)})
    assert english.status_code == 413 and "Too large" in english.get_data(as_text=True)


def test_the_limit_is_a_setting_of_20_mb_by_default():
    assert Settings().max_request_mb == 20
    assert Settings.load(env={"BRIDGE_MAX_REQUEST_MB": "5"}).max_request_mb == 5
    assert create_app(Settings(database_url="sqlite://")).config["MAX_CONTENT_LENGTH"] == 20 * MB


@pytest.mark.parametrize(
    ("path", "total"),
    [("/api/v1/budget/ledger", 30), ("/api/v1/budget/allocations", 12)],
)
def test_budget_lists_are_keyset_paged_like_the_core(app, path, total):
    client = app.test_client()
    first = client.get(f"{path}?limit=5").get_json()
    assert len(first["items"]) == 5 and first["next"]
    seen, cursor = [], None
    while True:
        answer = client.get(f"{path}?limit=7" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [item["id"] for item in answer["items"]]
        cursor = answer["next"]
        if cursor is None:
            break
    assert len(seen) == total and seen == sorted(set(seen))  # each once, in id order
    assert len(client.get(path).get_json()["items"]) == min(total, 50)  # 50 by default


def test_budget_lists_filter_by_envelope(app):
    client = app.test_client()
    own = client.get(f"/api/v1/budget/ledger?envelope={app.envelope_id}&limit=500").get_json()
    assert len(own["items"]) == 30
    other = client.get(f"/api/v1/budget/ledger?envelope={app.envelope_id + 1}").get_json()
    assert other == {"items": [], "next": None}


LISTS = [
    "/api/v1/budget/envelopes",
    "/api/v1/budget/allocations",
    "/api/v1/budget/ledger",
    "/api/v1/proposals",
    "/api/v1/instances",
    "/api/v1/plugins",
    "/api/v1/exports",
]


@pytest.mark.parametrize("path", LISTS)
def test_a_bad_limit_is_400_on_every_list(app, path):
    for limit in ["abc", "²", "٣", "0", "501", "-1", "1.5", ""]:
        answer = app.test_client().get(path, query_string={"limit": limit})
        assert answer.status_code == 400, (limit, answer.get_data(as_text=True))
        assert answer.mimetype == "application/problem+json"
        assert answer.get_json()["parameter"] == "limit"


@pytest.mark.parametrize("path", LISTS)
def test_a_forged_cursor_is_400_on_every_list(app, path):
    answer = app.test_client().get(f"{path}?cursor=bm9wZQ")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "cursor"


def test_short_lists_made_by_code_are_paged_too(app):
    client = app.test_client()
    first = client.get("/api/v1/exports?limit=2").get_json()
    second = client.get(f"/api/v1/exports?limit=2&cursor={first['next']}").get_json()
    names = [e["name"] for e in first["items"] + second["items"]]
    assert len(names) == 4 and len(set(names)) == 4


CSV = (
    "Date;Référence;Nature;Montant;Fournisseur\n"
    "15/03/2024;EJ-2024-100;engagement;1 200,00;Pépinières du Val-de-Marne\n"
    "02/05/2024;MAN-2024-100;mandatement;600,00;Pépinières du Val-de-Marne\n"
)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/csv", "application/octet-stream", None],
)
def test_the_import_reads_the_raw_body_whatever_its_content_type(app, content_type):
    """curl --data-binary @file.csv sends application/x-www-form-urlencoded by default."""
    headers = {"Authorization": f"Bearer {app.token}"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = app.test_client().post(
        f"/api/v1/budget/envelopes/{app.envelope_id}/import?dry_run=1",
        data=CSV.encode("utf-8"),
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["new"] == 2
