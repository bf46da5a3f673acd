"""The public pages: the list of public committees, one page per committee (members' names
and kinds, never a contact; meetings with agenda, decisions and published minutes and files;
the progress of its priorities) and the iCalendar feed of upcoming meetings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from sqlalchemy import select

from bridge.plugin import current_context, current_language, formatting, render_public, utcnow
from plugins.committees import ical
from plugins.committees.admin_meetings import file_response, size_text
from plugins.committees.models import Attachment, Committee, Meeting
from plugins.committees.progress import priorities
from plugins.committees.translation import _, french_pages
from plugins.committees.words import helpers

blueprint = Blueprint(
    "committees_public", __name__, url_prefix="/committees", template_folder="templates"
)
french_pages(blueprint)


@blueprint.context_processor
def words() -> dict[str, Any]:
    lang = current_language()
    return helpers() | {"size": lambda n: size_text(n, lang)}


def _sessions():
    return current_context("committees").sessions()


@blueprint.get("/")
def committees():
    lang = current_language()
    with _sessions() as session:
        listed = session.scalars(
            select(Committee).where(Committee.public.is_(True)).order_by(Committee.name)
        ).all()
        now = utcnow()
        rows = [
            (
                c,
                priorities(c),
                next(
                    (m for m in c.meetings if m.starts_at >= now and m.status != "cancelled"), None
                ),
            )
            for c in listed
        ]
        return render_public("committees/public_list.html", lang, rows=rows)


@blueprint.get("/<slug>")
def committee(slug: str):
    lang = current_language()
    with _sessions() as session:
        found = session.scalar(
            select(Committee).where(Committee.slug == slug, Committee.public.is_(True))
        )
        if found is None:
            abort(404)
        today = formatting.local(utcnow()).date()
        seats = sorted(
            (s for s in found.memberships if s.current(today) and s.member.erased_at is None),
            key=lambda s: (("chair", "secretary", "member").index(s.role), s.member.name),
        )
        now = utcnow()
        return render_public(
            "committees/public_committee.html",
            lang,
            committee=found,
            seats=seats,
            upcoming=[m for m in found.meetings if m.starts_at >= now],
            past=[m for m in reversed(found.meetings) if m.starts_at < now],
            priorities=priorities(found),
        )


@blueprint.get("/files/<int:attachment_id>")
def file(attachment_id: int):
    with _sessions() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or not attachment.public or not attachment.meeting.committee.public:
            abort(404)
        return file_response(attachment)


@blueprint.get("/calendar.ics")
def calendar():
    """Upcoming meetings of every public committee (`?committee=<slug>` for one)."""
    context = current_context("committees")
    days = context.config.feed_days if context.config else 400
    now = utcnow()
    with _sessions() as session:
        query = (
            select(Meeting)
            .join(Committee)
            .where(
                Committee.public.is_(True),
                Meeting.ends_at >= now,
                Meeting.starts_at <= now + timedelta(days=days),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
        slug = request.args.get("committee")
        if slug:
            query = query.where(Committee.slug == slug)
        meetings = session.scalars(query).all()
        city = context.settings.city_name if hasattr(context.settings, "city_name") else ""
        body = ical.feed(
            list(meetings),
            name=_("Committee meetings") + (f" — {city}" if city else ""),
            host=request.host.split(":")[0] or "localhost",
            url_of=lambda m: url_for(
                ".committee", slug=m.committee.slug, _external=True, _anchor=f"meeting-{m.id}"
            ),
            now=now,
            zone=formatting.zone(),
        )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="comites.ics"'},
    )
