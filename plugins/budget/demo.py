"""Demo data: Ivry's envelopes (see the city's award application), allocations and ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bridge.store.models import Project
from bridge.timeutil import utcnow
from plugins.budget.models import Allocation, Envelope, LedgerLine

ENVELOPES = [
    (
        "Suites de « Pour le climat, à Ivry, on agit ! »",
        70_000_000,
        2022,
        2026,
        "Budget spécial voté pour les suites de la démarche",
    ),
    ("Budget de la démarche climat 2021", 15_000_000, 2021, 2021, "Budget propre"),
    ("Communication de la démarche climat", 11_184_700, 2021, 2021, "Budget de communication"),
]
SUPPLIERS = [
    "Pépinières du Val-de-Marne",
    "Ateliers Vélo Ivry",
    "Énergies Citoyennes 94",
    "Régie de quartier",
    "Imprimerie Grenier",
]


def seed(sessions) -> None:
    """Idempotent: does nothing when envelopes exist."""
    now = utcnow()
    with sessions() as session:
        if session.scalar(select(Envelope.id).limit(1)) is not None:
            return
        envelopes = [
            Envelope(name=n, amount_cents=a, year_start=y1, year_end=y2, source=s, created_at=now)
            for n, a, y1, y2, s in ENVELOPES
        ]
        session.add_all(envelopes)
        session.flush()
        follow_up = envelopes[0]
        projects = session.scalars(
            select(Project)
            .where(Project.selected.is_(True), Project.removed_at.is_(None))
            .order_by(Project.id)
        ).all()
        for i, project in enumerate(projects[:7]):
            allocation = session.scalar(
                select(Allocation).where(Allocation.project_id == project.id)
            )
            if allocation is None:
                allocation = Allocation(
                    envelope_id=follow_up.id,
                    project_id=project.id,
                    label=(project.title or {}).get("fr", project.remote_id),
                    amount_cents=(project.budget_amount or 0) * 100,
                    created_at=now,
                )
                session.add(allocation)
            allocation.status = "confirmed"
            session.flush()
            committed = allocation.amount_cents * (100 - 10 * i) // 100
            session.add(
                LedgerLine(
                    envelope_id=follow_up.id,
                    allocation_id=allocation.id,
                    kind="commitment",
                    day=date(2022, 3 + i, 10),
                    amount_cents=committed,
                    reference=f"ENG-2022-{i + 1:03d}",
                    supplier=SUPPLIERS[i % 5],
                    label=allocation.label,
                    imported_at=now,
                )
            )
            if i < 5:
                session.add(
                    LedgerLine(
                        envelope_id=follow_up.id,
                        allocation_id=allocation.id,
                        kind="payment",
                        day=date(2023, 1 + i, 20),
                        amount_cents=committed // 2,
                        reference=f"MAN-2023-{i + 1:03d}",
                        supplier=SUPPLIERS[i % 5],
                        label=allocation.label,
                        imported_at=now,
                    )
                )
        session.commit()
