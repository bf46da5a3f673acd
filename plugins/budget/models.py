"""The budget plugin's tables: envelopes, their allocations, and the ledger of each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The budget's own MetaData: its Alembic history (`alembic_version_budget`) and its
    autogenerate see only these tables, and no table of the core or of another plugin."""


class Envelope(Base):
    """Money set aside: Ivry's 700,000 EUR for the actions its citizens voted.

    A closed envelope (`closed_at`) is kept for the record and takes no new line or allocation.
    """

    __tablename__ = "budget_envelopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    year_start: Mapped[int | None] = mapped_column(Integer)
    year_end: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    def covers(self, day: date) -> bool:
        """Whether a line of `day` falls within the envelope's years (no years: any day)."""
        start, end = self.year_start, self.year_end or self.year_start
        return (start is None or day.year >= start) and (end is None or day.year <= end)


class EnvelopeSource(Base):
    """What feeds an envelope with proposed allocations: a Decidim process (every budget
    component in it) or one budget component, of one instance. An envelope without a source
    gets no proposal from a sync.

    Kept by stable key (read through `context.records`): the instance's name, the space's
    type and Decidim id, or the component's Decidim id; never the core's row ids."""

    __tablename__ = "budget_envelope_sources"
    __table_args__ = (
        UniqueConstraint(
            "envelope_id",
            "instance",
            "space_type",
            "space_remote_id",
            "component_remote_id",
            name="uq_budget_source",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("budget_envelopes.id"), index=True)
    instance: Mapped[str] = mapped_column(String(100))
    space_type: Mapped[str | None] = mapped_column(String(40))
    space_remote_id: Mapped[str | None] = mapped_column(String(64))
    component_remote_id: Mapped[str | None] = mapped_column(String(64))


class Allocation(Base):
    """Part of an envelope for a synced project or result, or for a local action.

    `status` is `proposed` when the plugin suggested it (a Decidim project became selected),
    `confirmed` once a person accepted it, `rejected` when a person refused it (kept, so the
    next sync does not propose it again).

    `project_key` is the project's identity across instances: its Decidim site and remote id
    (see `proposals.project_key`); unique, so one project is never allocated twice, even when
    two instances read the same Decidim.

    The synced project or result is kept by stable key (see `records`): the instance's name
    and Decidim's id of the project (`project_remote_id`) or of the result.
    """

    __tablename__ = "budget_allocations"
    __table_args__ = (Index("uq_budget_allocations_project_key", "project_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("budget_envelopes.id"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    instance: Mapped[str | None] = mapped_column(String(100))
    project_remote_id: Mapped[str | None] = mapped_column(String(64))
    project_key: Mapped[str | None] = mapped_column(String(600))
    result_remote_id: Mapped[str | None] = mapped_column(String(64))
    theme: Mapped[str | None] = mapped_column(String(200))
    neighbourhood: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    upstream_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerLine(Base):
    """A line of the ledger of an envelope: a commitment (engagement), a payment
    (mandatement), or a cancellation (annulation) or reduction (réduction) of either.

    `applies_to` is the figure the line moves: `commitment` or `payment` (a commitment and a
    payment apply to themselves). Cancellations and reductions are stored negative, so that
    committed and paid are plain sums per `applies_to`. `cancels_id` names the line a
    cancellation or reduction is about, when known.
    """

    __tablename__ = "budget_ledger"
    __table_args__ = (
        UniqueConstraint("envelope_id", "kind", "reference", name="uq_budget_ledger_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("budget_envelopes.id"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("budget_allocations.id"))
    kind: Mapped[str] = mapped_column(String(20))  # commitment|payment|cancellation|reduction
    # commitment | payment; unset, a commitment or a payment applies to itself
    applies_to: Mapped[str] = mapped_column(
        String(20), default=lambda context: context.get_current_parameters()["kind"]
    )
    cancels_id: Mapped[int | None] = mapped_column(ForeignKey("budget_ledger.id"))
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
            "applies_to": self.applies_to,
            "cancels": self.cancels_id,
            "date": self.day.isoformat(),
            "amount": euros(self.amount_cents),
            "reference": self.reference,
            "supplier": self.supplier,
            "label": self.label,
        }
