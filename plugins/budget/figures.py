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


def _project_labels(session: Session) -> dict[int, tuple[dict | None, dict | None]]:
    """project id -> (category name, scope name), both {locale: text}, from the synced data."""
    from bridge.store.models import Category, Project, Scope

    categories = {c.remote_id: c.name for c in session.scalars(select(Category))}
    scopes = {s.remote_id: s.name for s in session.scalars(select(Scope))}
    return {
        p.id: (categories.get(p.category_remote_id), scopes.get(p.scope_remote_id))
        for p in session.scalars(select(Project))
    }


def by_group(session: Session, locale: str = "fr") -> dict[str, list[tuple[str, Figures]]]:
    """Confirmed allocations and their ledger, per theme and per neighbourhood (one read of
    the allocations, the ledger and the synced labels for both groupings).

    An allocation's own theme/neighbourhood wins; else the synced project's category/scope.
    """
    labels = _project_labels(session)
    ledger: dict[int, list[int]] = {}
    for line in session.scalars(select(LedgerLine).where(LedgerLine.allocation_id.is_not(None))):
        sums = ledger.setdefault(line.allocation_id, [0, 0])
        sums[0 if line.kind == "commitment" else 1] += line.amount_cents
    unknown = "Non renseigné" if locale == "fr" else "Not set"
    totals: dict[str, dict[str, list[int]]] = {"theme": {}, "neighbourhood": {}}
    for a in session.scalars(select(Allocation).where(Allocation.status == "confirmed")):
        committed, paid = ledger.get(a.id, [0, 0])
        for index, group in enumerate(totals):
            own = a.theme if group == "theme" else a.neighbourhood
            if own is None and a.project_id in labels:
                names = labels[a.project_id][index] or {}
                own = names.get(locale) or names.get("fr")
            row = totals[group].setdefault(own or unknown, [0, 0, 0])
            row[0] += a.amount_cents
            row[1] += committed
            row[2] += paid
    return {
        group: sorted(
            ((label, Figures(v[0], v[0], v[1], v[2])) for label, v in rows.items()),
            key=lambda item: -item[1].amount,
        )
        for group, rows in totals.items()
    }


def over_time(session: Session, envelope_id: int) -> list[tuple[str, int, int]]:
    """(month, cumulative committed, cumulative paid) for one envelope."""
    committed = paid = 0
    months: dict[str, tuple[int, int]] = {}
    for line in session.scalars(
        select(LedgerLine).where(LedgerLine.envelope_id == envelope_id).order_by(LedgerLine.day)
    ):
        if line.kind == "commitment":
            committed += line.amount_cents
        else:
            paid += line.amount_cents
        months[line.day.strftime("%Y-%m")] = (committed, paid)
    return [(month, c, p) for month, (c, p) in months.items()]
