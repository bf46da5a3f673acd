"""The budget's write API: an editor's token creates envelopes, allocations and ledger lines and
imports the finance CSV; every refusal is problem+json naming the field; every write is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bridge.store.models import AuditEntry
from plugins.budget.models import LedgerLine


def envelope(api, name="Suites du vote climat", amount="700 000,00"):
    made = api("POST", "/api/v1/budget/envelopes", json={"name": name, "amount": amount})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_an_editor_tracks_an_action_from_envelope_to_payment(api, sessions):
    made = envelope(api)
    assert made["amount"] == "700000.00" and made["remaining"] == "700000.00"
    action = api(
        "POST",
        "/api/v1/budget/allocations",
        json={
            "envelope": made["name"],
            "label": "Îlots de fraîcheur dans les cours d'école",
            "amount": "45000",
            "theme": "Nature en ville",
            "neighbourhood": "Petit-Ivry",
        },
    )
    assert action.status_code == 201
    allocation = action.get_json()
    assert allocation["status"] == "confirmed" and allocation["amount"] == "45000.00"
    line = {"allocation": allocation["id"], "date": "12/03/2024", "reference": "EJ-2024-001"}
    assert (
        api(
            "POST",
            "/api/v1/budget/ledger",
            json={**line, "kind": "engagement", "amount": "30 000,00", "supplier": "Pépinières"},
        ).status_code
        == 201
    )
    paid = api(
        "POST",
        "/api/v1/budget/ledger",
        json={**line, "kind": "payment", "amount": "12000.50", "date": "2024-05-02"},
    )
    assert paid.status_code == 201 and paid.get_json()["envelope"] == made["id"]
    figures = api("GET", "/api/v1/budget/envelopes", role=None).get_json()["items"][0]
    assert (figures["allocated"], figures["committed"], figures["paid"]) == (
        "45000.00",
        "30000.00",
        "12000.50",
    )
    assert figures["remaining"] == "670000.00"

    changed = api(
        "PATCH", f"/api/v1/budget/allocations/{allocation['id']}", json={"theme": "Climat"}
    )
    assert changed.get_json()["theme"] == "Climat"
    by_theme = api("GET", "/api/v1/budget/figures", role=None).get_json()
    assert [g["label"] for g in by_theme["by_theme"]] == ["Climat"]
    assert by_theme["over_time_by_theme"]["Climat"][-1] == {
        "month": "2024-05",
        "committed": "30000.00",
        "paid": "12000.50",
    }

    assert api("DELETE", f"/api/v1/budget/ledger/{paid.get_json()['id']}").status_code == 204
    assert api("GET", "/api/v1/budget/envelopes").get_json()["items"][0]["paid"] == "0.00"
    with sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    budget = [e for e in entries if e.action.startswith("budget.")]
    assert [e.action for e in budget] == [
        "budget.envelope.create",
        "budget.allocation.create",
        "budget.ledger.add",
        "budget.ledger.add",
        "budget.allocation.update",
        "budget.ledger.delete",
    ]
    assert budget[4].before == {"theme": "Nature en ville"}
    assert budget[4].after == {"theme": "Climat"}
    assert budget[5].before["amount"] == "12000.50"  # what was deleted stays in the log
    assert all(e.actor.startswith("token:") and "editor@" in e.actor for e in budget)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/budget/envelopes", {"amount": "10"}, "name"),
        ("/api/v1/budget/envelopes", {"name": "x", "amount": 1.5}, "amount"),
        ("/api/v1/budget/envelopes", {"name": "x", "amount": "-3"}, "amount"),
        ("/api/v1/budget/envelopes", {"name": "x", "amount": "beaucoup"}, "amount"),
        (
            "/api/v1/budget/envelopes",
            {"name": "x", "amount": "1", "year_start": 1789},
            "year_start",
        ),
        ("/api/v1/budget/envelopes", {"name": "Suites du vote climat", "amount": "1"}, "name"),
        ("/api/v1/budget/allocations", {"envelope": "nope", "amount": "1"}, "envelope"),
        ("/api/v1/budget/allocations", {"envelope": 1, "amount": "1"}, "label"),
        ("/api/v1/budget/allocations", {"envelope": 1, "project": 999999}, "project"),
        ("/api/v1/budget/allocations", {"envelope": 1, "project": 1, "result": 1}, "result"),
        ("/api/v1/budget/allocations", {"envelope": 1, "label": "a", "amount": "0"}, "amount"),
        ("/api/v1/budget/ledger", {"envelope": 1, "kind": "gift"}, "kind"),
        ("/api/v1/budget/ledger", {"envelope": 1, "kind": "payment", "date": "31/02/2024"}, "date"),
        (
            "/api/v1/budget/ledger",
            {"envelope": 1, "kind": "payment", "date": "2024-01-01", "amount": "5"},
            "reference",
        ),
        ("/api/v1/budget/ledger", {"allocation": 999, "kind": "payment"}, "allocation"),
    ],
)
def test_refusals_name_the_field_and_store_nothing(api, sessions, path, body, field):
    envelope(api)
    answer = api("POST", path, json=body)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["field"] == field
    with sessions() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert [a for a in actions if a.startswith("budget.")] == ["budget.envelope.create"]


def test_reading_is_public_and_writing_needs_an_editor(api):
    assert api("GET", "/api/v1/budget/ledger", role=None).status_code == 200
    body = {"name": "x", "amount": "1"}
    assert api("POST", "/api/v1/budget/envelopes", role=None, json=body).status_code == 401
    refused = api("POST", "/api/v1/budget/envelopes", role="viewer", json=body)
    assert refused.status_code == 403 and "editor" in refused.get_json()["detail"]
    assert api("DELETE", "/api/v1/budget/ledger/1", role="viewer").status_code == 403
    assert api("POST", "/api/v1/budget/envelopes", data="name=x").status_code == 400
    assert api("PATCH", "/api/v1/budget/allocations/42", json={}).status_code == 404


GOOD = (
    "Date;N° pièce;Nature;Montant TTC;Fournisseur\n"
    "15/01/2024;EJ-1;Engagement;1 500,00;Régie de quartier\n"
    "20/02/2024;MA-1;Mandatement;1 500,00;Régie de quartier\n"
).encode("cp1252")


def test_the_finance_csv_through_the_api(api, sessions):
    made = envelope(api)
    url = f"/api/v1/budget/envelopes/{made['id']}/import"
    bad = "date;reference;kind;amount\n01/01/2024;A;engagement;x\n32/01/2024;B;mandatement;3\n"
    refused = api("POST", url, data=bad.encode(), content_type="text/csv")
    assert refused.status_code == 422
    assert [e["line"] for e in refused.get_json()["errors"]] == [2, 3]

    dry = api("POST", url + "?dry_run=1", data=GOOD, content_type="text/csv")
    assert dry.get_json() == {"dry_run": True, "new": 2, "already": 0}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(LedgerLine)) == 0

    assert api("POST", url, data=GOOD, content_type="text/csv").get_json()["new"] == 2
    again = api("POST", url, data=GOOD, content_type="text/csv").get_json()
    assert (again["new"], again["already"]) == (0, 2)

    renamed = GOOD.replace(b"Montant TTC", b"Valeur")
    missing = api("POST", url, data=renamed, content_type="text/csv")
    assert missing.status_code == 422 and "amount" in missing.get_json()["errors"][0]["reasons"][0]
    mapped = api("POST", url + "?column_amount=Valeur", data=renamed, content_type="text/csv")
    assert mapped.status_code == 200 and mapped.get_json()["already"] == 2
    wrong = api("POST", url + "?column_price=Valeur", data=renamed, content_type="text/csv")
    assert wrong.status_code == 422 and wrong.get_json()["field"] == "column_price"
    assert api("POST", url, role="viewer", data=GOOD).status_code == 403


def test_a_refusal_is_said_in_english_whatever_the_reader_reads(api):
    """The problem body's detail is the English msgid with its values, a contract with the
    developers who call the API (docs/translation.md): a French reader's call gets the same."""
    refused = api(
        "POST",
        "/api/v1/budget/envelopes",
        json={"name": "Suites du vote", "amount": "beaucoup"},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["field"] == "amount"
    assert body["detail"] == "not an amount in euros: 'beaucoup'"
    missing = api(
        "POST", "/api/v1/budget/envelopes", json={"amount": "10"}, headers={"Accept-Language": "fr"}
    )
    assert missing.get_json()["detail"] == "name is required"
