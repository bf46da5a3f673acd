"""A meeting's admin page: its date and place, agenda, attendance of the members seated that
day, minutes, decisions with their vote counts, and attachments (upload, download, delete)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for

from bridge.plugin import (
    N_,
    current_context,
    current_language,
    db,
    find,
    formatting,
    need,
)
from plugins.committees import attachments, writes
from plugins.committees.admin import admin_pages, can_edit
from plugins.committees.models import ATTENDANCE, MEETING_STATUSES, Attachment, Meeting
from plugins.committees.translation import _
from plugins.committees.words import MEETING, word

blueprint = admin_pages("committees_meetings", "/admin/committees/meetings")


def size_text(size: int, lang: str) -> str:
    """1 234 567 bytes -> '1,2 Mo' (French) / '1.2 MB'."""
    kilo = size / 1024
    if kilo < 1024:
        return f"{formatting.number(max(kilo, 1), lang)} {'ko' if lang == 'fr' else 'KB'}"
    return f"{formatting.number(kilo / 1024, lang, 1)} {'Mo' if lang == 'fr' else 'MB'}"


def meeting_page(meeting: Meeting, status: int = 200, error=None, form_name="", form=None):
    ctx = current_context("committees")
    on = formatting.local(meeting.starts_at).date()
    seated = [s for s in meeting.committee.memberships if s.current(on)]
    seated.sort(key=lambda s: s.member.name)
    return render_template(
        "committees/meeting.html",
        meeting=meeting,
        committee=meeting.committee,
        seated=seated,
        attended={a.member_id: a.status for a in meeting.attendance},
        attendance=ATTENDANCE,
        status_options=[(s, word(MEETING, s)) for s in MEETING_STATUSES],
        agenda_options=[(a.id, a.title) for a in meeting.agenda],
        decision_options=[(d.id, d.text[:80]) for d in meeting.decisions],
        max_mb=ctx.config.max_attachment_mb if ctx.config else 10,
        size=lambda n: size_text(n, current_language()),
        can_edit=can_edit(),
        error=error,
        form_name=form_name,
        form=form or {},
    ), status


def found(meeting_id: int) -> Meeting:
    meeting = find(db(), Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


@blueprint.get("/<int:meeting_id>")
def meeting(meeting_id: int):
    return meeting_page(found(meeting_id))


def _write(meeting_id: int, form_name: str, write, done: str, anchor: str = ""):
    need("editor")
    ctx = current_context("committees")
    with ctx.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            abort(404)
        try:
            write(session, ctx, meeting)
        except writes.Invalid as error:
            session.rollback()
            return meeting_page(found(meeting_id), 422, error, form_name, request.form)
    flash(done)
    return redirect(url_for(".meeting", meeting_id=meeting_id) + anchor)


@blueprint.post("/<int:meeting_id>/edit")
def edit(meeting_id: int):
    return _write(
        meeting_id,
        "edit",
        lambda s, c, m: writes.save_meeting(s, c, m.committee, request.form, m),
        _("Meeting saved."),
    )


# The meeting page's sections that write the form as it comes: the write, what the page says
# once done, where it goes back to. The form's name is the URL's last part.
SECTIONS = {
    "agenda": (writes.add_agenda_item, N_("Agenda item added."), "#agenda-heading"),
    "attendance": (writes.save_attendance, N_("Attendance saved."), "#attendance-title"),
    "minutes": (writes.save_minutes, N_("Minutes saved."), "#minutes-title"),
    "decisions": (writes.add_decision, N_("Decision recorded."), "#decisions-title"),
}


@blueprint.post("/<int:meeting_id>/<any(agenda, attendance, minutes, decisions):section>")
def save_section(meeting_id: int, section: str):
    write, done, anchor = SECTIONS[section]
    return _write(
        meeting_id, section, lambda s, c, m: write(s, c, m, request.form), _(done), anchor
    )


@blueprint.post("/<int:meeting_id>/attachments")
def upload(meeting_id: int):
    def write(session, ctx, meeting):
        file = request.files.get("file")
        decision = writes.count(request.form, "decision", biggest=2**31 - 1)
        attachments.attach(
            session,
            ctx,
            meeting,
            file.filename or "" if file else "",
            file.read() if file else b"",
            public=writes.flag(request.form, "public"),
            decision_id=decision,
        )

    return _write(meeting_id, "attachment", write, _("File attached."), "#files-title")


@blueprint.post("/<int:meeting_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(meeting_id: int, attachment_id: int):
    def write(session, ctx, meeting):
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.meeting_id != meeting.id:
            abort(404)
        attachments.remove(session, ctx, attachment)

    return _write(meeting_id, "attachment", write, _("File deleted."), "#files-title")


@blueprint.get("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    attachment = find(db(), Attachment, attachment_id)
    if attachment is None:
        abort(404)
    return file_response(attachment)


def disposition(name: str) -> str:
    """`attachment` with the name in ASCII and, for accents, in UTF-8 (RFC 6266)."""
    plain = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def file_response(attachment: Attachment) -> Response:
    """The file as a download (never shown inline: a file is not a page of ours)."""
    return Response(
        attachment.data,
        mimetype=attachment.content_type,
        headers={
            "Content-Disposition": disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Length": str(attachment.size),
        },
    )
