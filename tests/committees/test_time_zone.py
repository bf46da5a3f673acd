"""A city in an overseas department (Cayenne, French Guiana: UTC−3, no summer time) sees its
own clock everywhere: meeting times typed and shown on its clock and labelled « heure de la
Guyane » (French Guiana time in English), the calendar feed on that clock with its TZID and
VTIMEZONE, the daily reminders at 8:00 Cayenne and their times, the audit log's times."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from bridge import formatting
from bridge.testing.french import problems
from plugins.committees import reminders
from plugins.committees.models import Meeting
from tests.committees.workflow import build, post

CAYENNE = ZoneInfo("America/Cayenne")
DAY = date.today() + timedelta(days=3)


@pytest.fixture
def bridge_settings(bridge_settings):
    return dataclasses.replace(bridge_settings, timezone="America/Cayenne")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_labels_of_the_zones_of_france_and_elsewhere():
    said = {
        key: (formatting.zone_label("fr", key), formatting.zone_label("en", key))
        for key in ("Europe/Paris", "America/Cayenne", "Indian/Reunion", "Pacific/Noumea")
    }
    assert said == {
        "Europe/Paris": ("heure de Paris", "Paris time"),
        "America/Cayenne": ("heure de la Guyane", "French Guiana time"),
        "Indian/Reunion": ("heure de La Réunion", "Réunion time"),
        "Pacific/Noumea": ("heure de la Nouvelle-Calédonie", "New Caledonia time"),
    }
    assert formatting.zone_label("fr", "Europe/Brussels") == "heure de Bruxelles"
    assert formatting.zone_label("fr", "Africa/Abidjan") == "heure d’Abidjan"
    assert formatting.zone_label("en", "Etc/GMT+3") == "UTC−03:00"  # Etc/ signs are inverted


def test_a_meeting_is_typed_and_shown_on_the_citys_clock(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions, meeting_day=DAY)  # 18:30–20:30, typed in Cayenne
    with sessions() as session:
        meeting = session.get(Meeting, ids["meeting"])
        assert meeting.starts_at == datetime.combine(DAY, datetime.min.time()).replace(
            hour=21, minute=30
        )  # 18:30 at UTC−3, stored as UTC
    page = text(admin.get(f"/admin/committees/meetings/{ids['meeting']}"))
    assert "18\u00a0h\u00a030 (heure de la Guyane)" in page
    assert "Début (heure de la Guyane)" in page and 'value="18:30"' in page
    assert "Paris" not in page
    assert problems(page, actions=("committees",)) == []
    english = text(admin.get(f"/admin/committees/meetings/{ids['meeting']}?lang=en"))
    assert "at 18:30 (French Guiana time)" in english and "Paris" not in english

    public = text(client_for(None).get(f"/committees/{ids['slug']}?lang=fr"))
    assert "18\u00a0h\u00a030 (heure de la Guyane)" in public and "Paris" not in public

    moved = {"title": "Réunion de suivi", "date": DAY.isoformat(), "start": "19:00", "end": "20:30"}
    answer = post(admin, f"/admin/committees/meetings/{ids['meeting']}/edit", moved)
    assert answer.status_code == 302
    audit = text(admin.get("/admin/audit?lang=fr"))
    assert "heure de début (heure locale) 18:30 → 19:00" in audit
    assert "Paris" not in audit


def test_the_feed_carries_the_citys_zone(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions, meeting_day=DAY)
    raw = client_for(None).get("/committees/calendar.ics").data
    lines = raw.decode().split("\r\n")
    assert f"DTSTART;TZID=America/Cayenne:{DAY:%Y%m%d}T183000" in lines
    assert f"DTEND;TZID=America/Cayenne:{DAY:%Y%m%d}T203000" in lines
    assert "X-WR-TIMEZONE:America/Cayenne" in lines
    calendar = icalendar.Calendar.from_ical(raw)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Cayenne"
    [observance] = zone.walk("STANDARD")  # no summer time in French Guiana
    assert observance["TZOFFSETTO"].to_ical() == "-0300"
    [event] = calendar.walk("VEVENT")
    starts = event.decoded("DTSTART")
    assert (starts.hour, starts.minute, starts.utcoffset()) == (18, 30, timedelta(hours=-3))
    assert str(event["URL"]).endswith(f"#meeting-{ids['meeting']}")


def test_a_feed_across_a_summer_time_change_keeps_each_meeting_on_the_local_clock():
    """Paris: a meeting at 18:00 in March and one in April stay at 18:00 local, the VTIMEZONE
    saying when the clock moves."""
    from plugins.committees import ical

    paris = ZoneInfo("Europe/Paris")
    lines = ical.vtimezone(paris, datetime(2027, 3, 1, 17), datetime(2027, 4, 5, 16))
    assert lines[:2] == ["BEGIN:VTIMEZONE", "TZID:Europe/Paris"]
    text = "\n".join(lines)
    assert "BEGIN:DAYLIGHT\nDTSTART:20270328T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200" in text
    assert "BEGIN:STANDARD\nDTSTART:20271031T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100" in text
    assert ical.local_stamp(datetime(2027, 3, 1, 17), paris) == "20270301T180000"
    assert ical.local_stamp(datetime(2027, 4, 5, 16), paris) == "20270405T180000"


def test_the_reminders_run_at_8_in_cayenne_and_say_its_clock(
    client_for, sessions, bridge_host, bridge_settings
):
    from bridge.scheduler import Scheduler

    admin = client_for("admin")
    build(admin, sessions, meeting_day=DAY)
    eight_in_cayenne = datetime.combine(DAY - timedelta(days=2), datetime.min.time()).replace(
        hour=11
    )  # naive UTC
    context = bridge_host.context("committees")
    sent = reminders.run(context, now=eight_in_cayenne)
    assert sent.agenda == 1  # to Awa, the member with an e-mail
    with sessions() as session:
        from bridge.store.models import OutboxMessage

        [message] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.endswith("agenda"))
        ).all()
    assert "à 18\u00a0h\u00a030 (heure de la Guyane)" in message.body
    assert "Paris" not in message.body + message.subject

    scheduler = Scheduler(bridge_settings, sessions)
    assert scheduler.add_plugin_jobs() >= 1
    job = scheduler.aps.get_job(f"plugin:{reminders.JOB_ID}")
    assert str(job.trigger.timezone) == "America/Cayenne"
    assert job.trigger.get_next_fire_time(
        None, datetime(2026, 12, 2, 9, tzinfo=CAYENNE)
    ) == datetime(2026, 12, 3, 8, tzinfo=CAYENNE)


def test_the_demo_seeds_its_meetings_at_1830_on_the_citys_clock(bridge_host, sessions):
    """`bridge demo` runs outside any request: the seed reads the zone from the settings."""
    bridge_host.call("seed_demo")
    with sessions() as session:
        meetings = session.scalars(select(Meeting)).all()
    assert meetings
    for meeting in meetings:
        local = formatting.local(meeting.starts_at, CAYENNE)
        assert (local.hour, local.minute) == (18, 30), meeting.title
