"""Members' contacts are personal data: admins and the committee's secretary see them, nobody
else; they never reach a public page, a log line or the audit log; a person's data is exported
as JSON and erased on request, the erasure audited without the values."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select

from bridge.accounts import create_user
from bridge.store.models import AuditEntry
from plugins.committees.models import ActionItem, Member
from tests.committees.workflow import CONTACTS, build, post

SECRETARY = "secretaire@ivry.example"


def audit_text(sessions) -> str:
    with sessions() as session:
        rows = session.execute(select(AuditEntry.target, AuditEntry.before, AuditEntry.after))
        return json.dumps([list(r) for r in rows], ensure_ascii=False, default=str)


def test_contacts_never_reach_public_pages_logs_or_the_audit(client_for, sessions, caplog):
    caplog.set_level(logging.DEBUG)
    admin = client_for("admin")
    ids = build(admin, sessions)
    post(
        admin,
        f"/admin/committees/members/{ids['awa']}/edit",
        {"name": "Awa Diallo", "kind": "resident", **CONTACTS, "phone": "+33 1 49 60 25 00"},
    )
    visitor = client_for(None)
    pages = [
        visitor.get("/committees/").get_data(as_text=True),
        visitor.get(f"/committees/{ids['slug']}").get_data(as_text=True),
        visitor.get("/committees/calendar.ics").get_data(as_text=True),
    ]
    viewer = client_for("viewer")
    pages += [
        viewer.get(f"/admin/committees/{ids['committee']}").get_data(as_text=True),
        viewer.get(f"/admin/committees/members/{ids['awa']}").get_data(as_text=True),
        viewer.get("/admin/committees/members/").get_data(as_text=True),
    ]
    assert viewer.get(f"/admin/committees/members/{ids['awa']}/export.json").status_code == 403
    everything = "\n".join(pages) + caplog.text + audit_text(sessions)
    for value in (*CONTACTS.values(), "+33 1 49 60 25 00"):
        assert value not in everything
    with sessions() as session:
        kinds = [
            e.after
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "committees.member.update")
            )
        ]
    assert {"kind": "resident", "fields": ["phone"]} in kinds  # that it changed, not to what


def test_a_committees_secretary_sees_their_members_contacts(bridge_app, client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    with sessions() as session:
        create_user(session, SECRETARY, "viewer", "une phrase secrète assez longue")
        session.commit()
    answer = post(
        admin,
        "/admin/committees/members/",
        {"name": "Claire Dubois", "kind": "staff", "account_email": SECRETARY.upper()},
    )
    claire = int(answer.headers["Location"].rsplit("/", 1)[1])
    base = f"/admin/committees/{ids['committee']}"
    post(
        admin,
        f"{base}/memberships",
        {"member": claire, "role": "secretary", "starts_on": "2022-01-01"},
    )
    from bridge.testing import sign_in

    secretary = bridge_app.test_client()
    sign_in(secretary, SECRETARY, "une phrase secrète assez longue")
    page = secretary.get(f"/admin/committees/members/{ids['awa']}").get_data(as_text=True)
    assert CONTACTS["email"] in page and CONTACTS["postal_address"] in page
    exported = secretary.get(f"/admin/committees/members/{ids['awa']}/export.json")
    assert exported.status_code == 200
    # the seat ends: no longer the secretary, no longer the contacts
    seat = f"{base}/memberships"
    with sessions() as session:
        seat_id = session.get(Member, claire).memberships[0].id
    post(admin, f"{seat}/{seat_id}/end", {"ends_on": "2023-01-01"})
    page = secretary.get(f"/admin/committees/members/{ids['awa']}").get_data(as_text=True)
    assert CONTACTS["email"] not in page


def test_a_person_is_exported_then_erased(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    base = f"/admin/committees/{ids['committee']}"
    post(
        admin,
        f"{base}/actions",
        {"title": "Suivi du verger", "owner_name": "Awa D.", "owner_email": CONTACTS["email"]},
    )
    answer = admin.get(f"/admin/committees/members/{ids['awa']}/export.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = answer.get_json()
    assert data["member"]["email"] == CONTACTS["email"]
    assert data["member"]["postal_address"] == CONTACTS["postal_address"]
    assert [s["role"] for s in data["memberships"]] == ["member"]
    assert data["attendance"][0]["status"] == "excused"
    assert {a["title"] for a in data["action_items"]} == {"Planter 50 arbres", "Suivi du verger"}

    assert client_for("editor").post(
        f"/admin/committees/members/{ids['awa']}/erase", data={"csrf_token": "x"}
    ).status_code in (400, 403)
    confirm = admin.get(f"/admin/committees/members/{ids['awa']}/erase")
    assert "irréversible" in confirm.get_data(as_text=True)
    assert post(admin, f"/admin/committees/members/{ids['awa']}/erase", {}).status_code == 302
    with sessions() as session:
        awa = session.get(Member, ids["awa"])
        assert awa is not None and awa.erased_at is not None
        assert (awa.name, awa.email, awa.phone, awa.postal_address) == ("", None, None, None)
        assert len(awa.memberships) == 1  # the seat stays, past votes still add up
        given = session.scalar(select(ActionItem).where(ActionItem.title == "Suivi du verger"))
        assert given is not None and (given.owner_name, given.owner_email) == (None, None)
        erasure = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "committees.member.erase")
        )
        assert erasure is not None and erasure.target == f"member:{ids['awa']}"
    assert "Awa Diallo" not in audit_text(sessions) and CONTACTS["email"] not in audit_text(
        sessions
    )
    html = client_for(None).get(f"/committees/{ids['slug']}").get_data(as_text=True)
    assert "Awa Diallo" not in html
    edit = post(
        admin, f"/admin/committees/members/{ids['awa']}/edit", {"name": "X", "kind": "resident"}
    )
    assert edit.status_code == 422  # an erased person's record cannot come back
