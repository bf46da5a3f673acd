"""Overruns carry a warning naming both amounts: an envelope allocated, committed or paid beyond
its amount, an allocation committed or paid beyond its own (English in the API, French with
narrow no-break spaces on the admin budget page and the envelope page)."""

from __future__ import annotations

from plugins.budget.figures import Figures
from tests.budget.test_admin_pages import client_for  # noqa: F401  (the fixture)
from tests.budget.test_write_api import envelope


def test_a_line_beyond_the_envelope_is_a_warning(api):
    made = envelope(api, name="Petite enveloppe", amount="1000")
    line = {"envelope": made["id"], "date": "2024-03-12", "reference": "EJ-1", "amount": "12345"}
    assert (
        api("POST", "/api/v1/budget/ledger", json={**line, "kind": "engagement"}).status_code == 201
    )
    item = api("GET", "/api/v1/budget/envelopes", role=None).get_json()["items"][0]
    assert item["remaining"] == "-11345.00"
    assert item["warnings"] == ["committed beyond the envelope: 12345.00 for 1000.00"]


def test_each_overrun_is_named_in_french():
    envelope = Figures(100_000, 150_000, 1_234_500, 2_000_000)
    assert envelope.warnings("fr") == [
        "Alloué au-delà de l’enveloppe\u202f: 1\u202f500,00\u00a0€ pour 1\u202f000,00\u00a0€",
        "Engagé au-delà de l’enveloppe\u202f: 12\u202f345,00\u00a0€ pour 1\u202f000,00\u00a0€",
        "Payé au-delà de l’enveloppe\u202f: 20\u202f000,00\u00a0€ pour 1\u202f000,00\u00a0€",
        "Payé au-delà de l’engagé\u202f: 20\u202f000,00\u00a0€ pour 12\u202f345,00\u00a0€",
    ]
    allocation = Figures(100_000, 100_000, 50_000, 150_000, of="allocation")
    assert allocation.warnings() == [
        "paid beyond the allocation: 1500.00 for 1000.00",
        "paid beyond committed: 1500.00 for 500.00",
    ]
    assert Figures(100_000, 100_000, 100_000, 100_000).warnings() == []


def test_the_pages_show_the_overrun(client_for):  # noqa: F811
    editor = client_for("editor")
    added = editor.post(
        "/admin/budget/allocations/1/lines",
        data={
            "csrf_token": editor.csrf,
            "kind": "commitment",
            "date": "28/02/2024",
            "amount": "699 000",
            "reference": "EJ-2",
        },
    )
    assert added.status_code == 302
    # the allocation of 20 000 € now has 704 000 € committed, its envelope of 700 000 € too
    allocation = (
        "Engagé au-delà de l’allocation\u202f: 704\u202f000,00\u00a0€ pour 20\u202f000,00\u00a0€"
    )
    whole = (
        "Engagé au-delà de l’enveloppe\u202f: 704\u202f000,00\u00a0€ pour 700\u202f000,00\u00a0€"
    )
    admin = editor.get("/admin/budget/").get_data(as_text=True)
    assert whole in admin and allocation in admin
    page = editor.get("/admin/budget/envelopes/1").get_data(as_text=True)
    assert whole in page and allocation in page
    assert allocation in editor.get("/admin/budget/allocations/1").get_data(as_text=True)
    # in English too, the amounts are written as the page's tables write them, not as the
    # API's decimal strings ("committed beyond the envelope: 704000.00 for 700000.00")
    english = editor.get("/budget/?lang=en").get_data(as_text=True)
    said = "committed beyond the envelope: €704,000.00 for €700,000.00"
    assert said in english
    assert "704000.00" not in english
    api = editor.get("/api/v1/budget/envelopes").get_json()["items"][0]["warnings"]
    assert "committed beyond the envelope: 704000.00 for 700000.00" in api
