"""The daily reminders, end to end: the job queues through the outbox, the outbox sends to a
real SMTP server on 127.0.0.1; once per item and period, agendas once per member and meeting."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bridge import mail
from bridge.testing.smtp import running_smtp
from bridge.timeutil import utcnow
from plugins.committees import reminders
from plugins.committees.models import (
    ActionItem,
    AgendaItem,
    Committee,
    Meeting,
    Member,
    Membership,
)

NOW = datetime(2026, 12, 2, 7, 0)  # 8:00 in Paris, when the job runs


@pytest.fixture
def smtp():
    with running_smtp() as server:
        yield server


@pytest.fixture
def committee(sessions):
    with sessions() as session, session.begin():
        committee = Committee(
            slug="velo", name="Comité de suivi Vélo", created_at=NOW, updated_at=NOW
        )
        chair = Member(
            name="Awa Diallo",
            kind="resident",
            email="awa@ivry.example",
            created_at=NOW,
            updated_at=NOW,
        )
        gone = Member(
            name="Ancien membre",
            kind="staff",
            email="ancien@ivry.example",
            created_at=NOW,
            updated_at=NOW,
        )
        erased = Member(name="Effacé", kind="resident", created_at=NOW, updated_at=NOW)
        committee.memberships += [
            Membership(member=chair, role="chair", starts_on=date(2025, 1, 1)),
            Membership(
                member=gone, role="member", starts_on=date(2024, 1, 1), ends_on=date(2025, 6, 30)
            ),
            Membership(member=erased, role="member", starts_on=date(2025, 1, 1)),
        ]

        def item(title, due, status="in_progress", **owner):
            return ActionItem(
                title=title,
                due_on=due,
                status=status,
                progress=40,
                created_at=NOW,
                updated_at=NOW,
                **owner,
            )

        committee.action_items += [
            item("Pistes cyclables rue Marat", date(2026, 12, 5), owner_member=chair),
            item(
                "Stationnements vélo",
                date(2026, 11, 20),
                owner_name="Voirie",
                owner_email="voirie@ivry.example",
            ),
            item("Plan vélo", date(2027, 3, 1), owner_member=chair),  # not due soon
            item("Atelier réparation", date(2026, 11, 1), status="done", owner_member=chair),
            item("Sans adresse", date(2026, 11, 1), owner_name="Quelqu'un"),
        ]
        meeting = Meeting(
            title="Réunion de décembre",
            starts_at=NOW + timedelta(days=2, hours=10),
            ends_at=NOW + timedelta(days=2, hours=12),
            place="Hôtel de ville, salle 3",
            created_at=NOW,
            updated_at=NOW,
        )
        meeting.agenda += [
            AgendaItem(position=1, title="Bilan des pistes"),
            AgendaItem(position=2, title="Budget 2027"),
        ]
        committee.meetings.append(meeting)
        session.add(committee)
    return committee


def test_reminders_go_once_per_item_and_period_through_a_real_smtp_server(
    committee, bridge_host, sessions, smtp, caplog
):
    caplog.set_level(logging.INFO)
    context = bridge_host.context("committees")
    sent = reminders.run(context, now=NOW)
    assert (sent.due_soon, sent.overdue, sent.agenda) == (1, 1, 1)
    # the outbox runs on the real clock (the mail was queued just now)
    assert mail.send_pending(sessions, smtp.settings()).sent == 3

    received = {(m["To"], m["Subject"]) for m in smtp.messages}
    assert ("awa@ivry.example", "Action à échéance proche : Pistes cyclables rue Marat") in {
        (to, subject.replace("\u202f", " ")) for to, subject in received
    }
    by_to = {m["To"]: m for m in smtp.messages}
    overdue = by_to["voirie@ivry.example"]
    assert overdue["Subject"].startswith("Action en retard")
    assert "20 novembre 2026" in overdue.get_content()
    agenda = [m for m in smtp.messages if m["Subject"].startswith("Ordre du jour")]
    assert [m["To"] for m in agenda] == ["awa@ivry.example"]  # not the former nor the erased
    text = agenda[0].get_content()
    assert "1. Bilan des pistes" in text and "2. Budget 2027" in text
    assert "Hôtel de ville, salle 3" in text and "4 décembre 2026" in text

    # the same day again, and the next day: nothing new
    assert str(reminders.run(context, now=NOW)) == "0 due-soon, 0 overdue, 0 agenda reminder(s)"
    later = reminders.run(context, now=NOW + timedelta(days=1))
    assert (later.due_soon, later.overdue, later.agenda) == (0, 0, 0)
    # a week later: the overdue item again (new ISO week), the due-soon one is now overdue
    week = reminders.run(context, now=NOW + timedelta(days=7))
    assert (week.overdue, week.due_soon) == (2, 0)
    mail.send_pending(sessions, smtp.settings())
    assert len(smtp.messages) == 5

    logged = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("bridge", "plugins"))
    )
    assert "@ivry.example" not in logged


def test_a_server_away_keeps_the_reminders_and_a_moved_meeting_is_announced_again(
    committee, bridge_host, sessions, smtp
):
    context = bridge_host.context("committees")
    settings = smtp.settings()
    smtp.stop()
    reminders.run(context, now=NOW)
    assert mail.send_pending(sessions, settings).unreachable
    smtp.start()
    assert mail.send_pending(sessions, settings, now=utcnow() + timedelta(minutes=10)).sent == 3

    with sessions() as session, session.begin():
        meeting = session.scalars(select(Meeting)).one()
        meeting.starts_at += timedelta(days=1)
    again = reminders.run(context, now=NOW + timedelta(hours=1))
    assert again.agenda == 1 and again.due_soon == 0
