"""The budget plugin's tables: envelopes, their allocations, and the ledger of each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bridge.store.models import Base


class Envelope(Base):
    """Money set aside: Ivry's 700,000 EUR for the actions its citizens voted."""

    __tablename__ = "budget_envelopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    year_start: Mapped[int | None] = mapped_column(Integer)
    year_end: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Allocation(Base):
    """Part of an envelope for a synced project or result, or for a local action.

    `status` is `proposed` when the plugin suggested it (a Decidim project became selected),
    `confirmed` once a person accepted it.
    """

    __tablename__ = "budget_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("budget_envelopes.id"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id"))
    theme: Mapped[str | None] = mapped_column(String(200))
    neighbourhood: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    upstream_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerLine(Base):
    """A commitment (engagement) or a payment (mandatement) against an envelope."""

    __tablename__ = "budget_ledger"
    __table_args__ = (
        UniqueConstraint("envelope_id", "kind", "reference", name="uq_budget_ledger_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("budget_envelopes.id"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("budget_allocations.id"))
    kind: Mapped[str] = mapped_column(String(20))  # commitment | payment
    day: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100))
    supplier: Mapped[str | None] = mapped_column(String(300))
    label: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime)

    def as_json(self) -> dict:
        """The API's and the JSON export's view of a line (amounts as euro strings)."""
        from plugins.budget.money import euros

        return {
            "id": self.id,
            "envelope": self.envelope_id,
            "allocation": self.allocation_id,
            "kind": self.kind,
            "date": self.day.isoformat(),
            "amount": euros(self.amount_cents),
            "reference": self.reference,
            "supplier": self.supplier,
            "label": self.label,
        }
