"""Allocated, committed, paid and remaining, computed in the database, in cents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import euros


@dataclass(frozen=True)
class Figures:
    amount: int
    allocated: int
    committed: int
    paid: int
    upstream_changes: int = 0  # allocations whose Decidim amount moved after allocation

    @property
    def remaining(self) -> int:
        """What can still be committed: the envelope minus its commitments."""
        return self.amount - self.committed

    def warnings(self) -> list[str]:
        out = []
        if self.committed > self.amount:
            out.append("committed exceeds the envelope")
        if self.allocated > self.amount:
            out.append("allocated exceeds the envelope")
        if self.paid > self.committed:
            out.append("paid exceeds committed")
        if self.upstream_changes:
            out.append(
                f"{self.upstream_changes} project amount(s) changed in Decidim after allocation"
            )
        return out

    def as_json(self) -> dict:
        return {
            "amount": euros(self.amount),
            "allocated": euros(self.allocated),
            "committed": euros(self.committed),
            "paid": euros(self.paid),
            "remaining": euros(self.remaining),
            "warnings": self.warnings(),
        }


def for_envelopes(session: Session) -> dict[int, Figures]:
    allocated = dict(
        session.execute(
            select(Allocation.envelope_id, func.sum(Allocation.amount_cents))
            .where(Allocation.status == "confirmed")
            .group_by(Allocation.envelope_id)
        ).all()
    )
    ledger = {
        envelope_id: (committed or 0, paid or 0)
        for envelope_id, committed, paid in session.execute(
            select(
                LedgerLine.envelope_id,
                func.sum(case((LedgerLine.kind == "commitment", LedgerLine.amount_cents), else_=0)),
                func.sum(case((LedgerLine.kind == "payment", LedgerLine.amount_cents), else_=0)),
            ).group_by(LedgerLine.envelope_id)
        )
    }
    moved = dict(
        session.execute(
            select(Allocation.envelope_id, func.count())
            .where(
                Allocation.upstream_amount_cents.is_not(None),
                Allocation.upstream_amount_cents != Allocation.amount_cents,
            )
            .group_by(Allocation.envelope_id)
        ).all()
    )
    return {
        envelope.id: Figures(
            envelope.amount_cents,
            int(allocated.get(envelope.id) or 0),
            int(ledger.get(envelope.id, (0, 0))[0]),
            int(ledger.get(envelope.id, (0, 0))[1]),
            int(moved.get(envelope.id) or 0),
        )
        for envelope in session.scalars(select(Envelope))
    }
