"""The outbox's admin page: admins only (addresses are personal data), French, what waits and
why, "try again" guarded by CSRF and audited."""

from __future__ import annotations

from sqlalchemy import select

from bridge import mail
from bridge.store.models import AuditEntry, OutboxMessage
from bridge.testing.french import problems


def text(response) -> str:
    return response.get_data(as_text=True)


def queued(session, to: str, subject: str = "Ordre du jour", kind: str = "committees.agenda"):
    """A message the committees queued, in `session`'s transaction."""
    return mail.queue(
        session, recipient=to, subject=subject, body="b", kind=kind, queued_by="committees"
    )


def test_only_admins_see_the_outbox_and_retry_is_audited(client_for, sessions):
    with sessions() as session, session.begin():
        waiting = queued(
            session, "chair@ivry.example", "Rappel : action en retard", "committees.reminder"
        )
        given_up = queued(session, "gone@ivry.example")
        given_up.status, given_up.attempts, given_up.last_error = "failed", 8, "550 5.1.1 unknown"
        waiting_id, failed_id = waiting.id, given_up.id

    assert client_for("editor").get("/admin/mail").status_code == 403
    admin = client_for("admin")
    page = admin.get("/admin/mail")
    assert page.status_code == 200
    html = text(page)
    assert "File d’envoi des e-mails" in html
    assert "Aucun serveur SMTP n’est configuré" in html
    assert "chair@ivry.example" in html and "gone@ivry.example" not in html
    assert "1\u00a0en attente" in html or "1 en attente" in html
    failed_page = text(admin.get("/admin/mail?status=failed"))
    assert "gone@ivry.example" in failed_page and "550 5.1.1 unknown" in failed_page
    assert admin.get("/admin/mail?status=nope").status_code == 400

    no_token = admin.post(f"/admin/mail/{failed_id}/retry", data={})
    assert no_token.status_code in (400, 403)
    assert (
        admin.post(
            f"/admin/mail/{waiting_id + 1000}/retry", data={"csrf_token": admin.csrf}
        ).status_code
        == 404
    )
    done = admin.post(f"/admin/mail/{failed_id}/retry", data={"csrf_token": admin.csrf})
    assert done.status_code == 302
    with sessions() as session:
        assert session.get(OutboxMessage, failed_id).status == "pending"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry"))
        assert entry.target == f"mail:{failed_id}" and entry.actor == "user:admin@ivry.example"
        assert "gone@" not in str(entry.before) + str(entry.after)
    audit_page = text(admin.get("/admin/audit"))
    assert "a remis en file l&#39;e-mail" in audit_page or "a remis en file l’e-mail" in audit_page


def test_a_connection_failure_is_said_in_french_with_the_servers_words_beside(client_for, sessions):
    kept = (
        "the SMTP server refused the sign-in (535 5.7.8 Authentication credentials invalid): "
        "check [mail] user and BRIDGE_MAIL_PASSWORD"
    )
    with sessions() as session, session.begin():
        message = queued(session, "chair@ivry.example")
        message.attempts, message.last_error = 1, kept
    admin = client_for("admin")
    html = text(admin.get("/admin/mail?lang=fr"))
    assert "Le serveur SMTP a refusé l’identification\u202f: vérifiez user" in html
    assert f'<small lang="en">({kept})</small>' in html
    assert problems(html) == []
    english = text(admin.get("/admin/mail?lang=en"))
    assert "The SMTP server refused the sign-in: check user in [mail]" in english
    assert mail.reason_msgid("550 5.1.1 User unknown") is None  # the server's words alone
