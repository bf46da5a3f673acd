"""The budget's admin pages: who may read and write them, what a refused form keeps, and the
audit trail of what the pages write."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from bridge.store.models import AuditEntry
from bridge.timeutil import utcnow
from plugins.budget.models import Allocation, Envelope, LedgerLine

PAGES = ["/admin/budget/", "/admin/budget/allocations/1", "/admin/budget/allocations/new"]
WRITES = [
    "/admin/budget/envelopes",
    "/admin/budget/allocations/new",
    "/admin/budget/allocations/1",
    "/admin/budget/allocations/1/confirm",
    "/admin/budget/allocations/1/lines",
    "/admin/budget/lines/1/delete",
    "/admin/budget/import",
]


@pytest.fixture
def client_for(client_for, sessions):
    """The test kit's `client_for(role)`, on a database holding an envelope, a proposed
    allocation and a commitment line."""
    with sessions() as session:
        envelope = Envelope(name="Suites du vote", amount_cents=70_000_000, created_at=utcnow())
        session.add(envelope)
        session.flush()
        allocation = Allocation(
            envelope_id=envelope.id,
            label="Vergers partagés",
            amount_cents=2_000_000,
            status="proposed",
            created_at=utcnow(),
        )
        session.add(allocation)
        session.flush()
        session.add(
            LedgerLine(
                envelope_id=envelope.id,
                allocation_id=allocation.id,
                kind="commitment",
                day=utcnow().date(),
                amount_cents=500_000,
                reference="EJ-1",
                imported_at=utcnow(),
            )
        )
        session.commit()
    return client_for


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    anonymous = client_for(None)
    for path in PAGES:
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/login" in answer.location, path
    for path in WRITES:
        assert anonymous.post(path).status_code in (302, 400), path  # sign-in or CSRF refusal


def test_a_viewer_reads_but_writes_nothing(client_for, sessions):
    viewer = client_for("viewer")
    for path in PAGES[:2]:
        page = viewer.get(path)
        assert page.status_code == 200, path
        assert "Ajouter la ligne" not in page.get_data(as_text=True)  # no forms to fill
    assert viewer.get(PAGES[2]).status_code == 403
    for path in WRITES:
        assert viewer.post(path, data={"csrf_token": viewer.csrf}).status_code == 403, path
    with sessions() as session:
        assert session.scalar(select(LedgerLine.id)) is not None  # nothing deleted


def test_a_reader_is_not_offered_to_move_or_delete_lines(client_for):
    """The ledger's last column said "Voir, déplacer" to a viewer, who may move nothing."""
    for path in ("/admin/budget/envelopes/1", "/admin/budget/allocations/1"):
        viewer = client_for("viewer").get(path).get_data(as_text=True)
        editor = client_for("editor").get(path).get_data(as_text=True)
        assert 'aria-label="Voir la ligne EJ-1">Voir</a>' in viewer, path
        assert "déplacer" not in viewer.lower() and "/delete" not in viewer, path
        assert 'aria-label="Voir ou déplacer la ligne EJ-1">Voir, déplacer</a>' in editor, path
        assert 'href="/admin/budget/lines/1/delete"' in editor, path


def test_an_editors_forms_need_the_csrf_token(client_for):
    editor = client_for("editor")
    for path in WRITES:
        assert editor.post(path, data={"name": "x"}).status_code == 400, path


def test_an_editor_confirms_edits_and_types_lines(client_for, sessions):
    editor = client_for("editor")
    ok = editor.post("/admin/budget/allocations/1/confirm", data={"csrf_token": editor.csrf})
    assert ok.status_code == 302
    refused = editor.post(
        "/admin/budget/allocations/1/lines",
        data={
            "csrf_token": editor.csrf,
            "kind": "payment",
            "date": "2024-02-30",
            "amount": "1 000",
            "reference": "MA-9",
        },
    )
    page = refused.get_data(as_text=True).replace("\u202f", " ")
    assert refused.status_code == 422
    assert "« 2024-02-30 » n’est pas une date" in page
    assert 'id="line-date"' in page and 'value="2024-02-30"' in page and 'value="MA-9"' in page
    added = editor.post(
        "/admin/budget/allocations/1/lines",
        data={
            "csrf_token": editor.csrf,
            "kind": "payment",
            "date": "28/02/2024",
            "amount": "1 000",
            "reference": "MA-9",
        },
    )
    assert added.status_code == 302
    edited = editor.post(
        "/admin/budget/allocations/1",
        data={"csrf_token": editor.csrf, "label": "Vergers partagés", "amount": "25 000,00"},
    )
    assert edited.status_code == 302
    english = editor.get("/admin/budget/allocations/1?lang=en").get_data(as_text=True)
    assert "Commitments and payments" in english and "MA-9" in english
    # a delete asks first, and a form not confirmed deletes nothing
    asked = editor.get("/admin/budget/lines/1/delete?lang=fr").get_data(as_text=True)
    assert "Supprimer la ligne EJ-1\u202f?" in asked and "5\u202f000,00\u00a0€" in asked
    unconfirmed = editor.post("/admin/budget/lines/1/delete", data={"csrf_token": editor.csrf})
    assert unconfirmed.status_code == 200 and "la ligne EJ-1\u202f?" in unconfirmed.text
    with sessions() as session:
        assert session.get(LedgerLine, 1) is not None
    delete = editor.post(
        "/admin/budget/lines/1/delete", data={"csrf_token": editor.csrf, "confirmed": "1"}
    )
    assert delete.status_code == 302
    with sessions() as session:
        allocation = session.get(Allocation, 1)
        assert (allocation.status, allocation.amount_cents) == ("confirmed", 2_500_000)
        assert [r.reference for r in session.scalars(select(LedgerLine))] == ["MA-9"]
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert [a for a in actions if a.startswith("budget.")] == [
        "budget.allocation.update",
        "budget.ledger.add",
        "budget.allocation.update",
        "budget.ledger.delete",
    ]


def test_a_new_local_action_from_the_form(client_for, sessions):
    editor = client_for("editor")
    form = editor.get("/admin/budget/allocations/new").get_data(as_text=True)
    assert "Nouvelle allocation" in form and "Suites du vote" in form
    refused = editor.post(
        "/admin/budget/allocations/new",
        data={"csrf_token": editor.csrf, "envelope": "1", "amount": "3 000", "theme": "Mobilités"},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "obligatoire" in page and 'value="Mobilités"' in page
    made = editor.post(
        "/admin/budget/allocations/new",
        data={
            "csrf_token": editor.csrf,
            "envelope": "1",
            "label": "Abris vélos",
            "amount": "3 000",
            "theme": "Mobilités",
        },
    )
    assert made.status_code == 302 and made.location.endswith("/admin/budget/allocations/2")
    with sessions() as session:
        assert session.get(Allocation, 2).amount_cents == 300_000


def test_an_import_page_flow_signed_and_warned(client_for, sessions):
    editor = client_for("editor")
    years = {"csrf_token": editor.csrf, "year_start": "2022", "year_end": "2026"}
    assert editor.post("/admin/budget/envelopes/1/edit", data=years).status_code == 302
    data = b"date;reference;kind;amount\n15/01/2019;EJ-2019;engagement;100\n"
    dry = editor.post(
        "/admin/budget/import",
        data={
            "csrf_token": editor.csrf,
            "envelope": "1",
            "dry_run": "1",
            "file": (io.BytesIO(data), "vieux.csv"),
        },
        content_type="multipart/form-data",
    )
    page = dry.get_data(as_text=True).replace("\u202f", " ")
    assert dry.status_code == 200
    assert "1 ligne datée hors des années de l’enveloppe" in page
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.split('id="import-checked"')[1]))
    assert fields["envelope"] == "1" and fields["content"]
    forged = {**fields, "csrf_token": editor.csrf, "filename": "autre.csv"}
    assert editor.post("/admin/budget/import/checked", data=forged).status_code == 400
    done = editor.post("/admin/budget/import/checked", data={**fields, "csrf_token": editor.csrf})
    assert done.status_code == 200
    assert "1 ligne importée dans « Suites du vote »" in done.get_data(as_text=True).replace(
        "\u202f", " "
    )
    with sessions() as session:
        assert session.scalar(select(LedgerLine).where(LedgerLine.reference == "EJ-2019"))


def test_a_file_imported_again_says_its_lines_in_the_plural(client_for):
    """The page said "0 ligne importée …, 2 déjà importée" (the plural's French was singular)."""
    editor = client_for("editor")
    data = (
        b"date;reference;kind;amount\n"
        b"15/01/2023;EJ-A;engagement;100\n16/01/2023;EJ-B;engagement;1\n"
    )
    for _ in range(2):
        again = editor.post(
            "/admin/budget/import",
            data={"csrf_token": editor.csrf, "envelope": "1", "file": (io.BytesIO(data), "a.csv")},
            content_type="multipart/form-data",
        )
    page = again.get_data(as_text=True).replace("\u202f", " ")
    assert "0 ligne importée dans « Suites du vote », 2 déjà importées." in page


FORM_PAGES = [
    "/admin/budget/",
    "/admin/budget/envelopes/1",
    "/admin/budget/allocations/1",
    "/admin/budget/allocations/new",
]


def test_forms_leave_checking_to_the_server_in_french(client_for, sessions):
    """A form with a field to fill is `novalidate`: otherwise Chromium stops an empty required
    field with its own bubble, in the browser's language, and the French message never shows."""
    editor = client_for("editor")
    for path in FORM_PAGES:
        page = editor.get(path).get_data(as_text=True)
        for form in re.findall(r"<form [^>]*method=\"post\"[^>]*>.*?</form>", page, re.S):
            if re.search(r"\brequired\b|type=\"(number|url|email)\"", form):
                assert "novalidate" in form.split(">", 1)[0], (path, form[:120])
    empty = editor.post(
        "/admin/budget/envelopes/1/lines",
        data={"csrf_token": editor.csrf, "kind": "commitment", "amount": "1 000", "reference": ""},
    )
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert "Rien n’a été enregistré" in page and 'aria-invalid="true"' in page
    with sessions() as session:
        assert len(session.scalars(select(LedgerLine)).all()) == 1


def test_a_line_typed_in_the_future_is_refused_on_the_page(client_for, sessions):
    editor = client_for("editor")
    refused = editor.post(
        "/admin/budget/envelopes/1/lines",
        data={
            "csrf_token": editor.csrf,
            "kind": "payment",
            "date": "01/03/2099",
            "amount": "1 000",
            "reference": "MA-2099",
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "la date «\u202f01/03/2099\u202f» est postérieure à aujourd’hui" in page
    assert 'value="01/03/2099"' in page and 'value="MA-2099"' in page
    with sessions() as session:
        assert session.scalars(select(LedgerLine.reference)).all() == ["EJ-1"]
