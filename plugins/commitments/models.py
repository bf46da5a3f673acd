"""The commitments plugin's tables: a mandate's commitments, their evidence and the history of
their status."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The plugin's own MetaData (its Alembic branch `commitments` sees only these tables)."""


class Mandate(Base):
    """A term of office whose promises are followed: "Mandat 2020-2026"."""

    __tablename__ = "commitments_mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Commitment(Base):
    """One promise of the mandate, under a theme, with its current status.

    `ref` is the city's own number for it ("E-012"), unique in the mandate: a CSV import finds
    the commitment by it, so a spreadsheet re-imported updates rather than duplicates."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("mandate_id", "ref", name="uq_commitments_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("commitments_mandates.id"), index=True)
    ref: Mapped[str] = mapped_column(String(40))
    theme: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # see statuses.STATUSES
    status_changed_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Evidence(Base):
    """What shows where a commitment stands. One of four kinds:

    - `record`: a synced Decidim record by stable key (`instance`, `resource`, `remote_id`);
    - `reference`: an item of another plugin (`ref_kind`, `ref_key`: a decision, a ledger line);
    - `link`: a document on the web (`url`);
    - `file`: a document uploaded here (`filename`, `media_type`, `content`).

    `label` (and `url` for records and references) is a copy taken when it was added, so the
    evidence still reads right if the other plugin is disabled or the record removed."""

    __tablename__ = "commitments_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    instance: Mapped[str | None] = mapped_column(String(100))
    resource: Mapped[str | None] = mapped_column(String(40))
    remote_id: Mapped[str | None] = mapped_column(String(64))
    ref_kind: Mapped[str | None] = mapped_column(String(100))
    ref_key: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(String(255))
    media_type: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class StatusChange(Base):
    """A change of a commitment's status: from what, to what, who and why (`reason` is
    required: a status that moves without a reason is not accountable). The first entry of a
    commitment has `old_status` None."""

    __tablename__ = "commitments_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
