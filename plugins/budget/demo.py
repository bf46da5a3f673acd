"""Demo data: Ivry's envelopes (see the city's award application), allocations and ledger.

The follow-up envelope is fed by the climate process (its selected projects are allocated and
confirmed); the ledger holds commitments, payments, one reduction of a commitment (a supplier's
quote came in lower) and the communication envelope's printing bill, not yet allocated."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bridge.plugin import Records, utcnow
from plugins.budget.models import Allocation, Envelope, EnvelopeSource, LedgerLine
from plugins.budget.proposals import project_key

ENVELOPES = [
    (
        "Suites de «\u202fPour le climat, à Ivry, on agit\u202f!\u202f»",
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


def seed(sessions, records: Records) -> None:
    """Idempotent: does nothing when envelopes exist."""
    now = utcnow()
    instances = [i.name for i in records.instances()]
    climate = next(
        (
            space
            for name in instances
            for space in records.spaces.iterate(name)
            if space.slug == "pour-le-climat"
        ),
        None,
    )
    projects = sorted(
        (p for name in instances for p in records.projects.iterate(name) if p.selected),
        key=lambda p: p.id,
    )
    with sessions() as session:
        if session.scalar(select(Envelope.id).limit(1)) is not None:
            return
        envelopes = [
            Envelope(name=n, amount_cents=a, year_start=y1, year_end=y2, source=s, created_at=now)
            for n, a, y1, y2, s in ENVELOPES
        ]
        session.add_all(envelopes)
        session.flush()
        follow_up, communication = envelopes[0], envelopes[2]
        if climate is not None:
            session.add(
                EnvelopeSource(
                    envelope_id=follow_up.id,
                    instance=records.instance_name(climate.instance_id),
                    space_type=climate.space_type,
                    space_remote_id=climate.remote_id,
                )
            )
        for i, project in enumerate(projects[:7]):
            key = project_key(records, project)
            allocation = session.scalar(select(Allocation).where(Allocation.project_key == key))
            if allocation is None:
                allocation = Allocation(
                    envelope_id=follow_up.id,
                    instance=records.instance_name(project.instance_id),
                    project_remote_id=project.remote_id,
                    project_key=key,
                    label=(project.title or {}).get("fr", project.remote_id),
                    amount_cents=(project.budget_amount or 0) * 100,
                    created_at=now,
                )
                session.add(allocation)
            allocation.status = "confirmed"
            session.flush()
            committed = allocation.amount_cents * (100 - 10 * i) // 100
            commitment = LedgerLine(
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
            session.add(commitment)
            if i == 1:  # the quote came in lower: the commitment is reduced
                session.flush()
                session.add(
                    LedgerLine(
                        envelope_id=follow_up.id,
                        allocation_id=allocation.id,
                        kind="reduction",
                        applies_to="commitment",
                        cancels_id=commitment.id,
                        day=date(2022, 9, 15),
                        amount_cents=-500_000,
                        reference="RED-2022-001",
                        supplier=SUPPLIERS[i % 5],
                        label="Devis définitif inférieur à l’engagement",
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
        session.add(
            LedgerLine(
                envelope_id=communication.id,
                kind="commitment",
                day=date(2021, 5, 3),
                amount_cents=1_284_000,
                reference="ENG-2021-114",
                supplier="Imprimerie Grenier",
                label="Affiches et flyers de la démarche climat",
                imported_at=now,
            )
        )
        session.commit()
