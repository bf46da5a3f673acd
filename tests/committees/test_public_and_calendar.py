"""The public committee pages and the iCalendar feed: members' names and kinds (never a
contact), meetings, decisions, published minutes and files, the progress of the priorities; the
feed parsed by an independent RFC 5545 parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from bridge.testing.french import problems
from plugins.committees import ical
from plugins.committees.models import Committee
from tests.committees.workflow import CONTACTS, build, post


def test_the_public_page_shows_names_kinds_and_progress_never_contacts(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    meeting = f"/admin/committees/meetings/{ids['meeting']}"
    post(admin, f"{meeting}/minutes", {"minutes": "Compte rendu public.", "minutes_public": "on"})
    visitor = client_for(None)
    listing = visitor.get("/committees/").get_data(as_text=True)
    assert "Végétalisation" in listing and "40\u202f%" in listing
    page = visitor.get(f"/committees/{ids['slug']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Awa Diallo" in html and "habitant" in html and "Jeanne Martin" in html
    assert "Compte rendu public." in html and "2 pour, 0 contre, 0 abstentions" in html
    assert "ordre du jour.pdf" in html
    for value in CONTACTS.values():
        assert value not in html and value not in listing
    assert problems(html, actions=("committees",)) == []
    assert visitor.get(f"/committees/files/{ids['attachment']}").data.startswith(b"%PDF")

    post(admin, f"/admin/committees/{ids['committee']}/edit", {"name": "Comité privé"})
    assert visitor.get(f"/committees/{ids['slug']}").status_code == 404  # no longer public
    assert visitor.get(f"/committees/files/{ids['attachment']}").status_code == 404


def test_the_feed_is_rfc_5545_and_lists_upcoming_meetings_on_the_citys_clock(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions, meeting_day=date.today() + timedelta(days=10))
    base = f"/admin/committees/{ids['committee']}"
    past = {"title": "Ancienne réunion", "date": "2023-01-10", "start": "18:00", "end": "19:00"}
    assert post(admin, f"{base}/meetings", past).status_code == 302
    answer = client_for(None).get("/committees/calendar.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    raw = answer.data
    assert all(line.endswith(b"\r") for line in raw.split(b"\n")[:-1])  # CRLF everywhere
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Comité de suivi Végétalisation — Réunion de suivi, printemps"
    ]
    event = events[0]
    starts = event.decoded("DTSTART")
    local = datetime.combine(date.today() + timedelta(days=10), datetime.min.time()).replace(
        hour=18, minute=30
    )
    assert starts.replace(tzinfo=None) == local  # on the city's clock, with its zone
    assert starts == local.replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert starts.astimezone(UTC).utcoffset() == timedelta(0)
    assert str(calendar.walk("VTIMEZONE")[0]["TZID"]) == "Europe/Paris"
    assert str(event["LOCATION"]) == "Mairie d'Ivry, salle Robespierre"
    assert "2. Vergers partagés; calendrier, budget" in str(event["DESCRIPTION"])  # unescaped
    assert str(event["URL"]).endswith(f"/committees/{ids['slug']}#meeting-{ids['meeting']}")
    one = client_for(None).get("/committees/calendar.ics?committee=nowhere").data
    assert b"BEGIN:VEVENT" not in one


def test_folding_and_escaping_follow_the_rfc():
    assert ical.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 80  # two octets each: a fold must not split one
    folded = ical.fold(line)
    parts = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == line


def test_a_private_committee_stays_out_of_the_list_and_the_feed(client_for, sessions):
    admin = client_for("admin")
    build(admin, sessions)
    with sessions() as session:
        committee = session.scalar(select(Committee))
        committee.public = False
        session.commit()
    visitor = client_for(None)
    assert "Végétalisation" not in visitor.get("/committees/").get_data(as_text=True)
    assert b"BEGIN:VEVENT" not in visitor.get("/committees/calendar.ics").data
