"""What other plugins may cite from the commitments (the `references` hook): the commitments
themselves, keyed by their id, labelled "E-12 — title" with their status."""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bridge.plugin import Reference
from plugins.commitments.models import Commitment
from plugins.commitments.words import status_name

KIND = "commitments.commitment"
LIMIT = 200


def cited(session: Session, kind: str | None, search: str | None) -> list[Reference]:
    if kind not in (None, KIND):
        return []
    query = select(Commitment).order_by(Commitment.id.desc()).limit(LIMIT)
    if search:
        query = query.where(
            or_(
                Commitment.title.icontains(search),
                Commitment.ref.icontains(search),
                Commitment.theme.icontains(search),
            )
        )
    return [
        Reference(
            KIND,
            str(c.id),
            f"{c.ref} — {c.title}",
            url=url_for("commitments_admin.commitment", commitment_id=c.id)
            if has_request_context()
            else None,
            date=c.status_changed_at.date(),
            detail=status_name(c.status),
        )
        for c in session.scalars(query)
    ]
