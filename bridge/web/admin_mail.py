"""The e-mail outbox as a page for admins (routes on the `admin` blueprint): is a server
configured, what waits, what could not be sent and why, and "try again" for a message given up.
Addresses are personal data: this page is for admins only, and nothing here logs them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge import mail
from bridge.access import need, required_identity
from bridge.accounts import audit
from bridge.i18n import gettext
from bridge.store.models import OutboxMessage
from bridge.web.admin import _db, blueprint

SHOWN = 100
FILTERS = ("waiting", "failed", "sent")


@blueprint.get("/mail")
def mail_outbox():
    need("admin")
    shown = request.args.get("status", "waiting")
    if shown not in FILTERS:
        abort(400)
    statuses = {"waiting": (mail.PENDING, mail.SENDING), "failed": (mail.FAILED,)}.get(
        shown, (mail.SENT,)
    )
    order = OutboxMessage.sent_at.desc() if shown == "sent" else OutboxMessage.next_attempt_at
    messages = _db().scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(statuses))
        .order_by(order, OutboxMessage.id)
        .limit(SHOWN)
    )
    settings = current_app.extensions["bridge"].settings.mail
    return render_template(
        "admin/mail.html",
        messages=list(messages),
        counts=mail.counts(_db()),
        shown=shown,
        configured=settings.configured,
        server=f"{settings.host}:{settings.port}" if settings.configured else None,
        per_page=SHOWN,
        reason=mail.reason_msgid,
    )


@blueprint.post("/mail/<int:message_id>/retry")
def mail_retry(message_id: int):
    """Put a message back in line: the mail job sends it at its next run."""
    need("admin")
    session = _db()
    if not mail.retry_now(session, message_id):
        abort(404)
    audit(session, required_identity().actor, "mail.retry", f"mail:{message_id}")
    session.commit()
    flash(gettext("The message will be sent at the next run of the mail job."), "ok")
    return redirect(url_for("admin.mail_outbox", status=request.form.get("status", "failed")))
