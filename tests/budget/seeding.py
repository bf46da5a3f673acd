"""Follow-up budget rows for tests that read its money (the budget's own hooks and the
commitments' report): Ivry's 700 000 € envelope, and an allocation with its commitment and
payment lines."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bridge.plugin import utcnow
from plugins.budget.models import Allocation, Envelope, LedgerLine


def envelope(session: Session, name: str = "Suites du vote") -> Envelope:
    found = Envelope(
        name=name, amount_cents=70_000_000, year_start=2022, year_end=2026, created_at=utcnow()
    )
    session.add(found)
    session.flush()
    return found


def allocation(
    session: Session,
    envelope: Envelope,
    label: str,
    cents: int,
    *,
    committed: int = 0,
    paid: int = 0,
    project: str | None = None,
    result: str | None = None,
    instance: str | None = "ivry",
    day: date = date(2024, 5, 2),
) -> Allocation:
    """A confirmed allocation of `cents` to a synced project or result of `instance` (or to
    neither), with a commitment line of `committed` and a payment line of `paid` on `day`."""
    made = Allocation(
        envelope_id=envelope.id,
        label=label,
        amount_cents=cents,
        status="confirmed",
        created_at=utcnow(),
        instance=instance,
        project_remote_id=project,
        result_remote_id=result,
    )
    session.add(made)
    session.flush()
    for kind, amount in (("commitment", committed), ("payment", paid)):
        if amount:
            session.add(
                LedgerLine(
                    envelope_id=envelope.id,
                    allocation_id=made.id,
                    kind=kind,
                    day=day,
                    amount_cents=amount,
                    reference=f"{kind}-{made.id}",
                    label=label,
                    imported_at=utcnow(),
                )
            )
    return made
