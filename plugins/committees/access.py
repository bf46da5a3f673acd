"""Who may see a member's contact details: admins, and the secretary of a committee the member
sits on. A secretary is a member whose `account_email` is the signed-in account's e-mail and
who holds a current `secretary` seat on that committee: the link is made by an admin on the
member's page (the account itself keeps its own role for everything else)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import current_identity, formatting, has_role, utcnow
from plugins.committees.models import Member, Membership


def is_admin() -> bool:
    identity = current_identity()
    return identity is not None and has_role(identity.role, "admin")


def secretary_of(session: Session) -> set[int]:
    """The committees whose current secretary is the signed-in account (none for a token:
    tokens read the API, where contacts stay admin-only)."""
    identity = current_identity()
    if identity is None or identity.actor.startswith("token:"):
        return set()
    today = formatting.local(utcnow()).date()
    seats = session.scalars(
        select(Membership)
        .join(Member)
        .where(
            Member.account_email == identity.user.email.lower(),
            Member.erased_at.is_(None),
            Membership.role == "secretary",
        )
    )
    return {s.committee_id for s in seats if s.current(today)}


def may_see_contacts(session: Session, member: Member) -> bool:
    """Whether the signed-in person may read `member`'s contacts."""
    if is_admin():
        return True
    mine = secretary_of(session)
    return any(s.committee_id in mine for s in member.memberships)


def contacts_visible(session: Session, committee_id: int) -> bool:
    """Whether the signed-in person may read the contacts of a committee's members."""
    return is_admin() or committee_id in secretary_of(session)
