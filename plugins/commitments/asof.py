"""A mandate's commitments as they stood on a day, from their status history: the report of a
review meeting (the 2023 Climate Conference, the 2025 one) shows the state of its own date,
and what moved since the previous one.

A day ends at midnight in the city's time zone: a status changed at 23:30 in Ivry on the
conference's day counts for that day. A commitment whose first history entry is later than
the day did not exist yet and is left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import PluginContext, formatting
from plugins.commitments.evidence_money import EvidenceMoney
from plugins.commitments.models import Commitment, Mandate, StatusChange
from plugins.commitments.report import Figures
from plugins.commitments.statuses import STATUSES


@dataclass(frozen=True)
class Period:
    """The mandate reported on, the day of the report (`as_of`) and, optionally, the day of
    the previous review (`since`) to say what moved between the two."""

    mandate: Mandate
    as_of: date
    since: date | None = None


@dataclass
class Standing:
    """A commitment on the report's day: its status then, and on `since` (None: it did not
    exist yet, or no `since` was asked)."""

    commitment: Commitment
    status: str
    before: str | None = None
    money: Figures = field(default_factory=Figures)

    @property
    def moved(self) -> bool:
        return self.before is not None and self.before != self.status


@dataclass
class MandateState:
    period: Period
    counts: dict[str, int]  # every status, in STATUSES order
    themes: dict[str, list[Standing]]  # theme -> commitments by number
    money: Figures = field(default_factory=Figures)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def moved(self) -> list[Standing]:
        return [s for t in self.themes.values() for s in t if s.moved]


def end_of(day: date) -> datetime:
    """The first instant after `day` in the city's time zone, as stored (naive UTC)."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=formatting.zone())
    return midnight.astimezone(UTC).replace(tzinfo=None)


def statuses_on(session: Session, mandate: Mandate, day: date) -> dict[int, str]:
    """Commitment id -> its status at the end of `day`, for those that existed then."""
    rows = session.execute(
        select(StatusChange.commitment_id, StatusChange.new_status)
        .join(Commitment, Commitment.id == StatusChange.commitment_id)
        .where(Commitment.mandate_id == mandate.id, StatusChange.changed_at < end_of(day))
        .order_by(StatusChange.changed_at, StatusChange.id)
    )
    return {commitment_id: status for commitment_id, status in rows}  # the last change wins


def state(context: PluginContext, session: Session, period: Period) -> MandateState:
    """The mandate's commitments on `period.as_of`, by theme, with their status then and the
    money their evidence cites (evidence_money)."""
    now = statuses_on(session, period.mandate, period.as_of)
    then = statuses_on(session, period.mandate, period.since) if period.since else {}
    counts = {s: 0 for s in STATUSES}
    themes: dict[str, list[Standing]] = {}
    if now:
        for c in session.scalars(
            select(Commitment)
            .where(Commitment.id.in_(list(now)))
            .order_by(Commitment.theme, Commitment.ref)
        ):
            counts[now[c.id]] += 1
            themes.setdefault(c.theme, []).append(Standing(c, now[c.id], then.get(c.id)))
    money = EvidenceMoney(context, session, list(now))
    for standing in (s for t in themes.values() for s in t):
        standing.money = money.of([standing.commitment.id])
    return MandateState(period, counts, themes, money.of(now))
