"""The committees' admin pages as a secretary uses them: a committee, its members and seats,
a meeting with agenda, attendance, a voted decision, a file and an action item; what is refused
and why; roles and CSRF on every route; French pages."""

from __future__ import annotations

from sqlalchemy import func, select

from bridge.store.models import AuditEntry
from bridge.testing.checks import unguarded_routes
from bridge.testing.french import problems
from plugins.committees.models import ActionItem, Decision, Membership
from tests.committees.workflow import CONTACTS, build, post


def test_a_committee_is_built_through_the_pages(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    page = admin.get(f"/admin/committees/{ids['committee']}").get_data(as_text=True)
    assert "Awa Diallo" in page and "présidence" in page and "Planter 50 arbres" in page
    assert CONTACTS["email"] in page  # an admin sees contacts
    assert problems(page, actions=("committees",)) == []
    meeting = admin.get(f"/admin/committees/meetings/{ids['meeting']}").get_data(as_text=True)
    assert "2 pour, 0 contre, 0 abstentions" in meeting
    assert "Vergers partagés; calendrier, budget" in meeting
    assert problems(meeting, actions=("committees",)) == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Membership)) == 2
        item = session.scalar(select(ActionItem))
        assert item is not None and (item.status, item.progress) == ("in_progress", 40)
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "committees.committee.create",
        "committees.member.create",
        "committees.meeting.create",
        "committees.decision.add",
        "committees.attachment.add",
        "committees.action.create",
    } <= actions
    download = admin.get(f"/admin/committees/meetings/attachments/{ids['attachment']}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_wrong_input_is_refused_in_french_and_nothing_is_saved(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    meeting = f"/admin/committees/meetings/{ids['meeting']}"
    too_many = {
        "text": "Vote impossible",
        "voted": "on",
        "votes_for": "3",
        "votes_against": "1",
        "votes_abstain": "0",
    }
    answer = post(admin, f"{meeting}/decisions", too_many)
    assert answer.status_code == 422
    assert "4 voix pour 2 membres votants" in answer.get_data(as_text=True)
    answer = post(admin, f"{meeting}/decisions", {"text": "Sans vote", "votes_for": "2"})
    assert answer.status_code == 422
    base = f"/admin/committees/{ids['committee']}"
    answer = post(
        admin,
        f"{base}/actions",
        {"title": "Fini mais pas fini", "status": "done", "progress": "50"},
    )
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)
    answer = post(
        admin,
        f"{base}/memberships",
        {"member": ids["awa"], "role": "member", "starts_on": "2023-05-01"},
    )
    assert answer.status_code == 422  # already seated from 2022, open-ended
    answer = admin.post(
        f"{meeting}/attachments",
        data={"csrf_token": admin.csrf, "file": (__import__("io").BytesIO(b"MZ\x90"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "ne correspond pas" in answer.get_data(as_text=True)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        assert session.scalar(select(func.count()).select_from(ActionItem)) == 1
        assert session.scalar(select(func.count()).select_from(Membership)) == 2


def test_viewers_read_editors_write_admins_erase(bridge_app, client_for, api_for, sessions):
    ids = build(client_for("admin"), sessions)
    samples = {
        "committee_id": str(ids["committee"]),
        "meeting_id": str(ids["meeting"]),
        "member_id": str(ids["awa"]),
        "attachment_id": str(ids["attachment"]),
        "kind": "result",
        "section": "agenda",
    }
    assert (
        unguarded_routes(
            bridge_app,
            client_for,
            api_for,
            ("/admin/committees",),
            needs={"/admin/committees/members/{}/erase": "admin"},  # member 1: Awa
            samples=samples,
        )
        == []
    )


def test_a_seat_ended_before_it_began_is_refused_beside_its_date_which_stays(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    with sessions() as session:
        seat = session.scalar(select(Membership).where(Membership.member_id == ids["awa"]))
        seat_id = seat.id
    answer = post(
        admin,
        f"/admin/committees/{ids['committee']}/memberships/{seat_id}/end",
        {"ends_on": "2021-06-30"},  # the seat began on 1 January 2022
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    field = f'id="end-{seat_id}-ends_on"'
    assert field in html and 'value="2021-06-30"' in html
    assert f'aria-describedby="end-{seat_id}-ends_on-error"' in html
    assert f'<p class="field-error" id="end-{seat_id}-ends_on-error">' in html
    with sessions() as session:
        assert session.get(Membership, seat_id).ends_on is None
