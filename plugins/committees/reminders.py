"""Reminders by e-mail, through the core's outbox (`context.queue_mail`): a daily job tells
owners of action items due soon or overdue, and sends each member the agenda of a meeting
coming up.

Each reminder goes once per item and period, not at every run: an item due soon once for its
due date (moved due date, new reminder), an overdue item once a week (ISO week) until it is
done, an agenda once per member and meeting time (a meeting moved is announced again). What
was sent is kept in `committees_reminders` by a key that holds no personal data (ids, dates),
written in the same transaction as the queued mail; the outbox then retries what the server
refuses. The texts are in French (the city's language), from the plugin's catalog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from bridge.plugin import N_, Job, PluginContext, formatting, utcnow
from plugins.committees.models import ActionItem, Base, Meeting
from plugins.committees.words import city_zone

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 7  # an item due within a week is "due soon"
AGENDA_DAYS_BEFORE = 5  # the agenda goes when the meeting is less than this many days away
OPEN_STATUSES = ("to_do", "in_progress")
JOB_ID = "committees-reminders"
JOB_TRIGGER = {"cron": "0 8 * * *"}  # every morning at 8, the city's time


class ReminderSent(Base):
    """One reminder queued: its key (kind, ids, period) is unique, so a second run that day,
    or a run after a crash, does not mail again. No address, no text: those are in the outbox,
    which erases them on request."""

    __tablename__ = "committees_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # due_soon, overdue, agenda
    queued_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass
class Sent:
    due_soon: int = 0
    overdue: int = 0
    agenda: int = 0

    def __str__(self) -> str:
        return f"{self.due_soon} due-soon, {self.overdue} overdue, {self.agenda} agenda reminder(s)"


def job(context: PluginContext) -> Job:
    """The scheduler's daily job."""
    return Job(JOB_ID, lambda: run(context), JOB_TRIGGER)


def run(context: PluginContext, now: datetime | None = None) -> Sent:
    """Queue what is due today, in one transaction (the log and the mail land together)."""
    now = now or utcnow()
    city = city_zone(context)  # a scheduled job runs outside any request
    today = formatting.local(now, city).date()
    sent = Sent()
    with context.transaction() as session:
        _action_items(context, session, today, now, sent)
        _agendas(context, session, now, city, sent)
    if sent.due_soon or sent.overdue or sent.agenda:
        log.info("committees reminders queued: %s", sent)
    return sent


def _seen(session: Session, key: str) -> bool:
    return session.scalar(select(ReminderSent.id).where(ReminderSent.key == key)) is not None


def _action_items(
    context: PluginContext, session: Session, today: date, now: datetime, sent: Sent
) -> None:
    items = session.scalars(
        select(ActionItem)
        .options(selectinload(ActionItem.owner_member), selectinload(ActionItem.committee))
        .where(
            ActionItem.status.in_(OPEN_STATUSES),
            ActionItem.due_on.is_not(None),
            ActionItem.due_on <= today + timedelta(days=DUE_SOON_DAYS),
        )
        .order_by(ActionItem.id)
    )
    for item in items:
        address = item.owner_address()
        if not address or item.due_on is None:
            continue
        if item.due_on < today:
            year, week, _ = today.isocalendar()
            kind, key = "overdue", f"overdue:item:{item.id}:{year}-W{week:02d}"
            subject = context.gettext("Overdue action: %(title)s", title=item.title)
        else:
            kind, key = "due_soon", f"due_soon:item:{item.id}:{item.due_on.isoformat()}"
            subject = context.gettext("Action due soon: %(title)s", title=item.title)
        if _seen(session, key):
            continue
        body = context.gettext(
            "Hello,\n\nThe action “%(title)s” of the committee “%(committee)s” is due on "
            "%(due)s. Its progress is %(progress)s and its status “%(status)s”.\n\n"
            "Please update it with the committee's secretary.\n\n"
            "This message was sent automatically; do not reply to it.",
            title=item.title,
            committee=item.committee.name,
            due=formatting.date_text(item.due_on),
            progress=formatting.percent(item.progress),
            status=context.gettext(STATUS_WORDS.get(item.status, item.status)),
        )
        try:
            context.queue_mail(session, address, subject, body, kind="reminder", key=key)
        except ValueError:
            log.warning("action item #%d: its owner's address is not one; no reminder", item.id)
            continue
        session.add(ReminderSent(key=key, kind=kind, queued_at=now))
        setattr(sent, kind, getattr(sent, kind) + 1)


def _agendas(
    context: PluginContext, session: Session, now: datetime, city: ZoneInfo, sent: Sent
) -> None:
    meetings = session.scalars(
        select(Meeting)
        .options(selectinload(Meeting.agenda), selectinload(Meeting.committee))
        .where(
            Meeting.status == "planned",
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(days=AGENDA_DAYS_BEFORE),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for meeting in meetings:
        day = formatting.local(meeting.starts_at, city).date()
        points = "\n".join(
            f"{n}. {point.title}" for n, point in enumerate(meeting.agenda, start=1)
        ) or context.gettext("(no agenda item yet)")
        subject = context.gettext(
            "Agenda: %(title)s, %(when)s",
            title=meeting.title,
            when=formatting.datetime_text(meeting.starts_at, city_zone=city),
        )
        body = context.gettext(
            "Hello,\n\nThe committee “%(committee)s” meets on %(when)s, %(place)s.\n\n"
            "Agenda:\n%(points)s\n\n"
            "This message was sent automatically; do not reply to it.",
            committee=meeting.committee.name,
            when=formatting.datetime_text(meeting.starts_at, with_zone=True, city_zone=city),
            place=meeting.place or context.gettext("place to be announced"),
            points=points,
        )
        for membership in meeting.committee.memberships:
            member = membership.member
            if not membership.current(day) or not member.email or member.erased_at:
                continue
            key = f"agenda:meeting:{meeting.id}:member:{member.id}:{meeting.starts_at.isoformat()}"
            if _seen(session, key):
                continue
            try:
                context.queue_mail(session, member.email, subject, body, kind="agenda", key=key)
            except ValueError:
                log.warning("member #%d: their address is not one; no agenda", member.id)
                continue
            session.add(ReminderSent(key=key, kind="agenda", queued_at=now))
            sent.agenda += 1


STATUS_WORDS = {"to_do": N_("to do"), "in_progress": N_("in progress")}
