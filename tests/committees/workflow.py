"""A committee built through the admin pages, as a secretary would: shared by the tests of the
admin pages, the public pages, the calendar and the personal data."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bridge.store.models import Component, Result
from plugins.committees.models import ActionItem, ActionItemResult, Committee, Meeting, Member

CONTACTS = {
    "email": "awa.diallo@exemple.org",
    "phone": "+33 6 12 34 56 78",
    "postal_address": "12 rue Marat, 94200 Ivry-sur-Seine",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, path: str, data: dict, **kwargs):
    return client.post(path, data={"csrf_token": client.csrf, **data}, **kwargs)


def build(admin, sessions, *, meeting_day: date | None = None) -> dict:
    """A committee with a resident member (with contacts), a chair, a meeting with agenda,
    attendance, a voted decision, a file, and an action item; ids by name."""
    answer = post(
        admin,
        "/admin/committees/",
        {
            "name": "Comité de suivi Végétalisation",
            "priority": "Végétaliser la ville",
            "theme": "Nature en ville",
            "public": "on",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with sessions() as session:
        committee = session.scalar(select(Committee))
        assert committee is not None
        ids = {"committee": committee.id, "slug": committee.slug}
    for name, kind, contacts in (
        ("Awa Diallo", "resident", CONTACTS),
        ("Jeanne Martin", "elected", {}),
    ):
        answer = post(admin, "/admin/committees/members/", {"name": name, "kind": kind, **contacts})
        assert answer.status_code == 302, answer.get_data(as_text=True)
    with sessions() as session:
        members = {m.name: m.id for m in session.scalars(select(Member))}
    ids |= {"awa": members["Awa Diallo"], "jeanne": members["Jeanne Martin"]}
    base = f"/admin/committees/{ids['committee']}"
    for who, role in (("jeanne", "chair"), ("awa", "member")):
        answer = post(
            admin,
            f"{base}/memberships",
            {"member": ids[who], "role": role, "voting": "on", "starts_on": "2022-01-01"},
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)
    when = meeting_day or date.today() + timedelta(days=10)
    answer = post(
        admin,
        f"{base}/meetings",
        {
            "title": "Réunion de suivi, printemps",
            "date": when.isoformat(),
            "start": "18:30",
            "end": "20:30",
            "place": "Mairie d'Ivry, salle Robespierre",
            "status": "planned",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    ids["meeting"] = int(re.search(r"/meetings/(\d+)", answer.headers["Location"]).group(1))
    meeting = f"/admin/committees/meetings/{ids['meeting']}"
    for title in ("Bilan des plantations", "Vergers partagés; calendrier, budget"):
        assert post(admin, f"{meeting}/agenda", {"title": title}).status_code == 302
    statuses = {f"status-{ids['jeanne']}": "present", f"status-{ids['awa']}": "excused"}
    assert post(admin, f"{meeting}/attendance", statuses).status_code == 302
    answer = post(
        admin,
        f"{meeting}/decisions",
        {
            "text": "Planter 50 arbres rue Marat avant l'hiver",
            "voted": "on",
            "votes_for": "2",
            "votes_against": "0",
            "votes_abstain": "0",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    answer = admin.post(
        f"{meeting}/attachments",
        data={"csrf_token": admin.csrf, "public": "on", "file": (_io(PDF), "ordre du jour.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with sessions() as session:
        found = session.get(Meeting, ids["meeting"])
        assert found is not None
        ids["decision"] = found.decisions[0].id
        ids["attachment"] = found.attachments[0].id
    answer = post(
        admin,
        f"{base}/actions",
        {
            "title": "Planter 50 arbres",
            "decision": ids["decision"],
            "owner_member": ids["awa"],
            "due_on": (date.today() + timedelta(days=60)).isoformat(),
            "status": "in_progress",
            "progress": "40",
            "priority": "Végétaliser la ville",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return ids


def _io(data: bytes):
    import io

    return io.BytesIO(data)


def follow_a_child_result(session, now: datetime) -> tuple[Component, Result]:
    """« Comité Vélo », whose one action item (« Pistes », 70 %, in progress) is linked to the
    first synced accountability result that has a parent: the smallest roll-up a push or an
    export has to carry. Returns the component and that result."""
    component = session.scalars(
        select(Component).where(Component.manifest == "Accountability").order_by(Component.id)
    ).first()
    child = session.scalars(
        select(Result)
        .where(Result.component_id == component.id, Result.parent_remote_id.is_not(None))
        .order_by(Result.id)
    ).first()
    committee = Committee(slug="velo", name="Comité Vélo", created_at=now, updated_at=now)
    item = ActionItem(
        committee=committee,
        title="Pistes",
        progress=70,
        status="in_progress",
        created_at=now,
        updated_at=now,
    )
    item.results.append(ActionItemResult(instance="ivry", result_remote_id=child.remote_id))
    session.add(committee)
    return component, child
