"""The admin pages (French, guarded, every write audited and refused when wrong), the public
booklet with its chart and its PDF, the API's paged lists."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from bridge.store.models import AuditEntry, User
from bridge.testing.checks import undocumented_routes, unguarded_routes
from bridge.testing.french import problems
from plugins.commitments import writes
from plugins.commitments.models import Commitment, Evidence, StatusChange

NNBSP = "\u202f"


@pytest.fixture
def mandate_id(bridge_host):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        m = writes.add_mandate(s, context, "Mandat 2020-2026")
        for i, (theme, title, status) in enumerate(
            [
                ("Mobilités", "Créer 10 km de pistes cyclables", "in_progress"),
                ("Mobilités", "Stationnement vélo dans chaque école", "done"),
                ("Alimentation", "« Cantine 100 % bio » d’ici 2026", "not_started"),
                ("Climat", "Rénover 1 200 logements sociaux", "on_hold"),
                ("Climat", "Zéro pesticide dans les parcs", "broken"),
            ],
            start=1,
        ):
            writes.add_commitment(
                s,
                context,
                m,
                ref=f"E-{i:02}",
                theme=theme,
                title=title,
                status=status,
                reason="Programme du mandat",
            )
        return m.id


def _one(sessions, ref: str) -> Commitment:
    with sessions() as s:
        return s.scalar(select(Commitment).where(Commitment.ref == ref))


def test_the_admin_pages_are_french_and_list_by_theme(client_for, mandate_id, sessions):
    admin = client_for("viewer")
    html = admin.get("/admin/commitments/").get_data(as_text=True)
    assert "Mobilités" in html and "En cours ou en partie réalisé" in html
    assert problems(html, actions=("commitments",)) == []
    c = _one(sessions, "E-01")
    page = admin.get(f"/admin/commitments/{c.id}").get_data(as_text=True)
    assert "Historique du statut" in page and "Programme du mandat" in page
    assert problems(page, actions=("commitments",)) == []
    assert "Changer le statut" not in page  # a viewer reads, an editor writes


def test_an_editor_changes_a_status_only_with_a_reason(client_for, sessions, mandate_id):
    editor = client_for("editor")
    c = _one(sessions, "E-01")
    refused = editor.post(
        f"/admin/commitments/{c.id}/status",
        data={"csrf_token": editor.csrf, "status": "done", "reason": ""},
    )
    assert refused.status_code == 422
    assert "Rien n’a été enregistré" in refused.get_data(as_text=True)
    assert _one(sessions, "E-01").status == "in_progress"
    done = editor.post(
        f"/admin/commitments/{c.id}/status",
        data={"csrf_token": editor.csrf, "status": "done", "reason": "Dernier tronçon livré"},
    )
    assert done.status_code == 302
    with sessions() as s:
        assert s.scalar(select(Commitment.status).where(Commitment.id == c.id)) == "done"
        last = s.scalars(select(StatusChange).order_by(StatusChange.id.desc())).first()
        assert (last.reason, last.changed_by) == (
            "Dernier tronçon livré",
            "user:editor@ivry.example",
        )
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "commitments.commitment.status")
        ).one()
        assert entry.target == f"commitment:{c.id}"


def test_the_history_names_who_changed_a_status_and_shows_an_email_to_editors_only(
    client_for, sessions, mandate_id
):
    """The history says « par Camille Martin » (the account's name), as the audit page does;
    an account without a name is its e-mail, which admins and editors may read and viewers
    may not (personal data); never the raw `user:EMAIL` of the log."""
    c = _one(sessions, "E-03")
    editor, admin = client_for("editor"), client_for("admin")
    with sessions() as s:
        s.execute(
            update(User).where(User.email == "editor@ivry.example").values(name="Camille Martin")
        )
        s.commit()
    for who, status, reason in (
        (editor, "in_progress", "Marché notifié"),
        (admin, "done", "Premiers repas servis"),
    ):
        said = who.post(
            f"/admin/commitments/{c.id}/status",
            data={"csrf_token": who.csrf, "status": status, "reason": reason},
        )
        assert said.status_code == 302
    history = admin.get(f"/admin/commitments/{c.id}").get_data(as_text=True)
    assert "par Camille Martin — Marché notifié" in history
    assert "par admin@ivry.example — Premiers repas servis" in history
    assert "user:" not in history
    read = client_for("viewer").get(f"/admin/commitments/{c.id}").get_data(as_text=True)
    assert "par Camille Martin" in read and "admin@ivry.example" not in read
    english = admin.get(f"/admin/commitments/{c.id}?lang=en").get_data(as_text=True)
    assert "by Camille Martin — Marché notifié" in english


def test_evidence_link_file_and_a_cited_ledger_line(client_for, sessions, mandate_id, bridge_host):
    editor = client_for("editor")
    c = _one(sessions, "E-02")
    bad = editor.post(
        f"/admin/commitments/{c.id}/evidence",
        data={
            "csrf_token": editor.csrf,
            "kind": "link",
            "label": "Délibération",
            "url": "javascript:alert(1)",
        },
    )
    assert bad.status_code == 422
    ok = editor.post(
        f"/admin/commitments/{c.id}/evidence",
        data={
            "csrf_token": editor.csrf,
            "kind": "link",
            "label": "Délibération du 12 avril",
            "url": "https://www.ivry94.fr/deliberation.pdf",
        },
    )
    assert ok.status_code == 302
    upload = editor.post(
        f"/admin/commitments/{c.id}/evidence",
        data={
            "csrf_token": editor.csrf,
            "kind": "file",
            "label": "",
            "file": (io.BytesIO(b"%PDF-1.4 photo"), "bilan vélo.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    with sessions() as s:
        files = s.scalars(select(Evidence).where(Evidence.kind == "file")).all()
    [stored] = files
    assert stored.label == "bilan vélo.pdf"
    download = client_for(None).get(f"/public/engagements/preuves/{stored.id}")
    assert download.data == b"%PDF-1.4 photo"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    cited = editor.post(
        f"/admin/commitments/{c.id}/evidence",
        data={
            "csrf_token": editor.csrf,
            "kind": "reference",
            "ref_kind": "budget.ledger_line",
            "ref_key": "7",
            "label": "Engagement · ENG-2023-0042",
            "url": "",
        },
    )
    assert cited.status_code == 302
    html = client_for(None).get("/public/engagements/").get_data(as_text=True)
    assert "Délibération du 12 avril" in html and "Engagement · ENG-2023-0042" in html


def test_the_booklet_page_and_its_pdf(client_for, mandate_id):
    visitor = client_for(None)
    html = visitor.get("/public/engagements/").get_data(as_text=True)
    assert '<svg class="status-chart"' in html and 'role="img"' in html
    assert "Mobilités" in html and "Non tenu" in html
    assert problems(html, actions=("commitments",)) == []
    answer = visitor.get("/public/engagements/livret.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages)
    assert "Bilan des engagements" in text
    assert "« Cantine 100 % bio » d’ici 2026" in text
    assert f"Réalisé{NNBSP}: 1" in text
    assert "Rénover 1 200 logements sociaux" in text


def test_the_api_pages_its_lists_and_documents_them(api_for, bridge_app, mandate_id):
    client = api_for(None)
    first = client.get("/api/v1/commitments?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"]
    second = client.get(f"/api/v1/commitments?limit=2&cursor={first['next']}").get_json()
    assert {i["ref"] for i in second["items"]}.isdisjoint({i["ref"] for i in first["items"]})
    assert client.get("/api/v1/commitments?status=maybe").status_code == 400
    one = client.get(f"/api/v1/commitments/{first['items'][0]['id']}").get_json()
    assert one["history"][0]["reason"] == "Programme du mandat" and "by" not in one["history"][0]
    for role, shown in (("viewer", False), ("editor", True)):  # an e-mail: for who writes
        read = api_for(role).get(f"/api/v1/commitments/{first['items'][0]['id']}").get_json()
        assert ("by" in read["history"][0]) is shown
    assert undocumented_routes(bridge_app, "/api/v1/commitments") == []


def test_every_write_is_guarded(bridge_app, client_for, api_for, mandate_id, sessions):
    c = _one(sessions, "E-01")
    assert (
        unguarded_routes(
            bridge_app,
            client_for,
            api_for,
            ("/admin/commitments", "/api/v1/commitments"),
            samples={"commitment_id": c.id, "evidence_id": 1},
        )
        == []
    )


def test_commitments_can_be_cited_and_the_audit_log_says_their_actions(
    bridge_host, sessions, client_for, mandate_id
):
    context = bridge_host.context("commitments")
    with sessions() as s:
        [found] = context.collect(
            "references", session=s, kind="commitments.commitment", search="vélo"
        )
    assert found.label == "E-02 — Stationnement vélo dans chaque école"
    assert found.detail == "Réalisé"
    html = client_for("admin").get("/admin/audit").get_data(as_text=True)
    assert "a ajouté l’engagement E-02" in html
    # (the core's own sentences about the test accounts are not this plugin's to judge)
    ours = [p for p in problems(html, actions=("commitments",)) if "commitments" in p]
    assert ours == []
