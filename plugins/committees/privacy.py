"""Personal data of one person (GDPR): everything the committees hold about a member, as JSON,
and its erasure.

Erasing keeps the row (past attendance and vote counts still add up) but empties the name, the
organisation, every contact and the account link, the e-mail given for action items owned
under that address, and the mail the outbox keeps for that address. The audit log records that
it happened and which fields were emptied, never their values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.plugin import PluginContext, iso, utcnow
from plugins.committees.models import ActionItem, Attendance, Member

PERSONAL = ("name", "organisation", "email", "phone", "postal_address", "account_email")


def owned_by_address(session: Session, member: Member) -> list[ActionItem]:
    """Action items whose owner was given by this member's e-mail rather than as the member."""
    if not member.email:
        return []
    return list(
        session.scalars(
            select(ActionItem).where(func.lower(ActionItem.owner_email) == member.email.lower())
        )
    )


def export(session: Session, context: PluginContext, member: Member) -> dict[str, Any]:
    """Everything held about `member`, for their access request. The export is audited."""
    owned = session.scalars(select(ActionItem).where(ActionItem.owner_member_id == member.id))
    attended = session.scalars(select(Attendance).where(Attendance.member_id == member.id))
    data = {
        "member": {
            "id": member.id,
            **{k: getattr(member, k) for k in PERSONAL},
            "kind": member.kind,
            "created_at": iso(member.created_at),
            "updated_at": iso(member.updated_at),
            "erased_at": iso(member.erased_at),
        },
        "memberships": [
            {
                "committee": s.committee.name,
                "role": s.role,
                "voting": s.voting,
                "starts_on": s.starts_on.isoformat(),
                "ends_on": s.ends_on.isoformat() if s.ends_on else None,
            }
            for s in member.memberships
        ],
        "attendance": [
            {
                "meeting": a.meeting.title,
                "committee": a.meeting.committee.name,
                "starts_at": iso(a.meeting.starts_at),
                "status": a.status,
            }
            for a in attended
        ],
        "action_items": [_action(item) for item in [*owned, *owned_by_address(session, member)]],
    }
    context.audit(session, "committees.member.export", f"member:{member.id}")
    return data


def _action(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "committee": item.committee.name,
        "title": item.title,
        "owner_name": item.owner_name,
        "owner_email": item.owner_email,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "status": item.status,
        "progress": item.progress,
    }


def erase(session: Session, context: PluginContext, member: Member) -> None:
    """Empty everything personal about `member` (see the module's docstring)."""
    emptied = [k for k in PERSONAL if getattr(member, k)]
    items = owned_by_address(session, member)
    mails = context.erase_mail(session, member.email) if member.email else 0
    for item in items:
        item.owner_email = None
        item.owner_name = None
    member.name = ""
    for key in PERSONAL[1:]:
        setattr(member, key, None)
    member.erased_at = member.updated_at = utcnow()
    session.flush()
    context.audit(
        session,
        "committees.member.erase",
        f"member:{member.id}",
        {"fields": emptied, "action_items": len(items), "mails": mails},
    )
