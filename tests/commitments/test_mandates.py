"""A mandate renamed, its dates and description changed, and deleted: an empty one at once,
one with commitments only when its name is typed again, everything that goes with it gone in
one transaction and told in the audit log; every refusal in French with nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bridge.store.models import AuditEntry
from bridge.testing.french import problems
from plugins.commitments import writes
from plugins.commitments.models import Commitment, Evidence, Mandate, StatusChange

NNBSP = "\u202f"


@pytest.fixture
def mandate_id(bridge_host):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        m = writes.add_mandate(s, context, "Mandat 2020-2026")
        for ref, title in (("E-01", "Créer 10 km de pistes cyclables"), ("E-02", "Zones 30")):
            c = writes.add_commitment(
                s,
                context,
                m,
                ref=ref,
                theme="Mobilités",
                title=title,
                status="in_progress",
                reason="Programme du mandat",
            )
        writes.add_evidence(
            s, context, c, kind="link", label="Délibération", url="https://ivry94.fr/d"
        )
        writes.add_mandate(s, context, "Mandat 2026-2032")
        return m.id


def _count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_mandate_is_renamed_with_its_dates_and_description(bridge_host, sessions, mandate_id):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        m = s.get(Mandate, mandate_id)
        assert writes.edit_mandate(
            s, context, m, "Mandat municipal 2020-2026", None, None, "Projet « Ensemble pour Ivry »"
        )
        assert not writes.edit_mandate(
            s, context, m, "Mandat municipal 2020-2026", None, None, "Projet « Ensemble pour Ivry »"
        )
    with sessions() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "commitments.mandate.edit"))
        assert entry.before["name"] == "Mandat 2020-2026"
        assert entry.after["name"] == "Mandat municipal 2020-2026"


def test_the_edit_page_refuses_in_french_and_saves_nothing(client_for, sessions, mandate_id):
    editor = client_for("editor")
    page = editor.get(f"/admin/commitments/mandates/{mandate_id}").get_data(as_text=True)
    assert "Modifier le mandat" in page and f"Engagements{NNBSP}: 2" in page
    assert problems(page, actions=("commitments",)) == []
    taken = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/edit",
        data={"csrf_token": editor.csrf, "name": "Mandat 2026-2032"},
    )
    assert taken.status_code == 422
    html = taken.get_data(as_text=True)
    assert "Rien n’a été enregistré" in html and "Mandat 2026-2032" in html
    backwards = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/edit",
        data={
            "csrf_token": editor.csrf,
            "name": "Mandat 2020-2026",
            "starts_on": "2026-03-15",
            "ends_on": "2020-07-04",
        },
    )
    assert backwards.status_code == 422
    bad_day = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/edit",
        data={"csrf_token": editor.csrf, "name": "Mandat 2020-2026", "starts_on": "15/03/2020"},
    )
    assert bad_day.status_code == 422
    with sessions() as s:
        m = s.get(Mandate, mandate_id)
        assert (m.name, m.starts_on, m.ends_on) == ("Mandat 2020-2026", None, None)
    saved = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/edit",
        data={
            "csrf_token": editor.csrf,
            "name": "Mandat municipal 2020-2026",
            "starts_on": "2020-07-04",
            "ends_on": "2026-03-15",
            "description": "Le projet municipal élu en 2020",
        },
    )
    assert saved.status_code == 302
    with sessions() as s:
        m = s.get(Mandate, mandate_id)
        assert m.name == "Mandat municipal 2020-2026" and m.ends_on.year == 2026
    listed = editor.get("/api/v1/commitments/mandates").get_json()["items"]
    assert {
        "id": mandate_id,
        "name": "Mandat municipal 2020-2026",
        "starts_on": "2020-07-04",
        "ends_on": "2026-03-15",
        "description": "Le projet municipal élu en 2020",
    } in listed
    assert client_for("viewer").post(
        f"/admin/commitments/mandates/{mandate_id}/edit",
        data={"csrf_token": editor.csrf, "name": "X"},
    ).status_code in (400, 403)


def test_deleting_a_mandate_with_commitments_needs_its_name(client_for, sessions, mandate_id):
    editor = client_for("editor")
    page = editor.get(f"/admin/commitments/mandates/{mandate_id}").get_data(as_text=True)
    assert "Ses 2 engagements partent avec lui" in page
    refused = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/delete",
        data={"csrf_token": editor.csrf, "confirmation": "oui"},
    )
    assert refused.status_code == 422
    assert f"ce mandat a encore des engagements (2){NNBSP}: saisissez son nom" in refused.get_data(
        as_text=True
    )
    assert _count(sessions, Commitment) == 2 and _count(sessions, Mandate) == 2
    deleted = editor.post(
        f"/admin/commitments/mandates/{mandate_id}/delete",
        data={"csrf_token": editor.csrf, "confirmation": " Mandat 2020-2026 "},
    )
    assert deleted.status_code == 302
    assert "supprimé avec ses 2 engagements" in editor.get(deleted.location).get_data(as_text=True)
    assert (_count(sessions, Commitment), _count(sessions, Evidence)) == (0, 0)
    assert (_count(sessions, StatusChange), _count(sessions, Mandate)) == (0, 1)
    with sessions() as s:
        entry = s.scalar(
            select(AuditEntry).where(AuditEntry.action == "commitments.mandate.delete")
        )
    assert entry.before["commitments"] == 2 and entry.before["evidence"] == 1
    assert entry.before["deleted"] == [
        "E-01 [in_progress] Créer 10 km de pistes cyclables",
        "E-02 [in_progress] Zones 30",
    ]
    audit = client_for("admin").get("/admin/audit").get_data(as_text=True)
    assert "a supprimé le mandat «\u202fMandat 2020-2026\u202f» et ses engagements (2)" in audit


def test_an_empty_mandate_goes_at_once(client_for, sessions, mandate_id):
    editor = client_for("editor")
    with sessions() as s:
        empty = s.scalar(select(Mandate.id).where(Mandate.name == "Mandat 2026-2032"))
    page = editor.get(f"/admin/commitments/mandates/{empty}").get_data(as_text=True)
    assert "Il n’a aucun engagement" in page
    gone = editor.post(
        f"/admin/commitments/mandates/{empty}/delete", data={"csrf_token": editor.csrf}
    )
    assert gone.status_code == 302 and _count(sessions, Mandate) == 1
    assert editor.get(f"/admin/commitments/mandates/{empty}").status_code == 404


def test_a_viewer_reads_the_mandate_without_its_forms(client_for, mandate_id):
    viewer = client_for("viewer")
    index = viewer.get("/admin/commitments/").get_data(as_text=True)
    assert "Le mandat" in index and "Modifier ou supprimer le mandat" not in index
    page = viewer.get(f"/admin/commitments/mandates/{mandate_id}").get_data(as_text=True)
    assert "Mandat 2020-2026" in page and f"Engagements{NNBSP}: 2" in page
    assert "Supprimer le mandat" not in page and "Modifier le mandat" not in page
    refused = viewer.post(
        f"/admin/commitments/mandates/{mandate_id}/delete",
        data={"csrf_token": viewer.csrf, "confirmation": "Mandat 2020-2026"},
    )
    assert refused.status_code == 403
