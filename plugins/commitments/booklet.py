"""The review booklet's figures: a mandate's commitments by status and theme, with counts, in
the order a city prints them (what was kept first)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.commitments.models import Commitment, Evidence, Mandate
from plugins.commitments.statuses import STATUSES


@dataclass
class Booklet:
    mandate: Mandate
    total: int
    by_status: dict[str, int]  # every status, in STATUSES order, 0 included
    themes: list[tuple[str, Counter[str]]]  # theme -> status counts, themes by name
    # status -> theme -> commitments (numbers in order)
    grouped: dict[str, dict[str, list[Commitment]]] = field(default_factory=dict)
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)

    def share(self, status: str) -> float:
        return 100 * self.by_status[status] / self.total if self.total else 0.0


def booklet(session: Session, mandate: Mandate) -> Booklet:
    rows = list(
        session.scalars(
            select(Commitment)
            .where(Commitment.mandate_id == mandate.id)
            .order_by(Commitment.theme, Commitment.ref)
        )
    )
    by_status = {s: 0 for s in STATUSES}
    themes: dict[str, Counter[str]] = {}
    grouped: dict[str, dict[str, list[Commitment]]] = {s: {} for s in STATUSES}
    for row in rows:
        by_status[row.status] += 1
        themes.setdefault(row.theme, Counter())[row.status] += 1
        grouped[row.status].setdefault(row.theme, []).append(row)
    evidence: dict[int, list[Evidence]] = {}
    if rows:
        for e in session.scalars(
            select(Evidence)
            .where(Evidence.commitment_id.in_([r.id for r in rows]))
            .order_by(Evidence.id)
        ):
            evidence.setdefault(e.commitment_id, []).append(e)
    return Booklet(
        mandate,
        len(rows),
        by_status,
        sorted(themes.items()),
        {s: g for s, g in grouped.items() if g},
        evidence,
    )


def latest_mandate(session: Session) -> Mandate | None:
    return session.scalar(select(Mandate).order_by(Mandate.id.desc()).limit(1))
