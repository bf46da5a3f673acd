"""Allocated, committed, paid and remaining, computed in the database, in cents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from bridge.plugin import N_
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import amount, euros
from plugins.budget.translation import CATALOG

# what went beyond what, by the figure and what the amount is (Figures.of)
BEYOND = {
    ("allocated", "envelope"): N_("allocated beyond the envelope: %(amount)s for %(limit)s"),
    ("committed", "envelope"): N_("committed beyond the envelope: %(amount)s for %(limit)s"),
    ("committed", "allocation"): N_("committed beyond the allocation: %(amount)s for %(limit)s"),
    ("committed", "group"): N_("committed beyond the allocations: %(amount)s for %(limit)s"),
    ("paid", "envelope"): N_("paid beyond the envelope: %(amount)s for %(limit)s"),
    ("paid", "allocation"): N_("paid beyond the allocation: %(amount)s for %(limit)s"),
    ("paid", "group"): N_("paid beyond the allocations: %(amount)s for %(limit)s"),
}


@dataclass(frozen=True)
class Figures:
    amount: int
    allocated: int
    committed: int
    paid: int
    upstream_changes: int = 0  # allocations whose Decidim amount moved after allocation
    outside_years: int = 0  # ledger lines dated before or after the envelope's years
    of: str = "envelope"  # what the amount is: "envelope", "allocation" or "group" (of them)

    @property
    def remaining(self) -> int:
        """What can still be committed: the envelope minus its commitments."""
        return self.amount - self.committed

    def warnings(self, lang: str = "en", money: Callable[[int], str] | None = None) -> list[str]:
        """What a person should look at, in `lang`: English (the msgids, amounts as the API's
        decimal strings) in the API, French on the pages; `money` formats the amounts."""
        say = CATALOG.in_language(lang)
        money = money or (partial(amount, lang=lang) if lang == "fr" else euros)
        out = []
        over = [("allocated", self.allocated)] if self.of == "envelope" else []
        for name, cents in [*over, ("committed", self.committed), ("paid", self.paid)]:
            if cents > self.amount:
                text = say.ugettext(BEYOND[name, self.of])
                out.append(text % {"amount": money(cents), "limit": money(self.amount)})
        if self.paid > self.committed:
            text = say.ugettext("paid beyond committed: %(amount)s for %(limit)s")
            out.append(text % {"amount": money(self.paid), "limit": money(self.committed)})
        if self.upstream_changes:
            text = say.ungettext(
                "%(num)s project amount changed in Decidim after allocation",
                "%(num)s project amounts changed in Decidim after allocation",
                self.upstream_changes,
            )
            out.append(text % {"num": self.upstream_changes})
        if self.outside_years:
            text = say.ungettext(
                "%(num)s line dated outside the envelope's years",
                "%(num)s lines dated outside the envelope's years",
                self.outside_years,
            )
            out.append(text % {"num": self.outside_years})
        return out

    def page_warnings(self, lang: str) -> list[str]:
        """The warnings of a page, in its language, amounts written as its tables write them
        (the English page said "paid beyond committed: 688250.00 for 443510.00")."""
        return self.warnings(lang, partial(amount, lang=lang))

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
                func.sum(
                    case((LedgerLine.applies_to == "commitment", LedgerLine.amount_cents), else_=0)
                ),
                func.sum(
                    case((LedgerLine.applies_to == "payment", LedgerLine.amount_cents), else_=0)
                ),
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
            _outside_years(session, envelope),
        )
        for envelope in session.scalars(select(Envelope))
    }


def _outside_years(session: Session, envelope: Envelope) -> int:
    if envelope.year_start is None:
        return 0
    first = date(envelope.year_start, 1, 1)
    last = date(envelope.year_end or envelope.year_start, 12, 31)
    return session.execute(
        select(func.count())
        .select_from(LedgerLine)
        .where(
            LedgerLine.envelope_id == envelope.id,
            or_(LedgerLine.day < first, LedgerLine.day > last),
        )
    ).scalar_one()


def _synced_labels(
    session: Session, allocations: Sequence[Allocation], locale: str
) -> dict[tuple[str, str | None, str | None], tuple[str | None, str | None]]:
    """("project" | "result", instance name, Decidim id) -> (theme, neighbourhood) of the
    synced records allocated, as the bridge's one classifier (`bridge.mappings.classifier`)
    names them: the city's own names first, else Decidim's category and scope names."""
    from bridge.plugin import ComponentRecord, Records, classifier

    synced = Records.beside(session)
    wanted: dict[tuple[str, str], set[str]] = {}
    for a in allocations:
        kind, remote_id = (
            ("project", a.project_remote_id)
            if a.project_remote_id
            else ("result", a.result_remote_id)
        )
        if a.instance and remote_id:
            wanted.setdefault((kind, a.instance), set()).add(remote_id)
    records: list[tuple[str, str, ComponentRecord]] = []
    for (kind, name), remote_ids in wanted.items():
        if kind == "project":
            records += [(kind, name, p) for p in synced.projects.many(name, remote_ids).values()]
        else:
            records += [(kind, name, r) for r in synced.results.many(name, remote_ids).values()]
    classify = {i: classifier(session, i, locale) for i in {r.instance_id for _, _, r in records}}
    return {
        (kind, name, record.remote_id): classify[record.instance_id](record)
        for kind, name, record in records
    }


GROUPS = ("theme", "neighbourhood")


def _allocation_groups(session: Session, locale: str) -> dict[int, tuple[str, str]]:
    """Confirmed allocation id -> (theme, neighbourhood).

    An allocation's own theme/neighbourhood wins; else its synced project's or result's (see
    `_synced_labels`); else "not set".
    """
    allocations = session.scalars(select(Allocation).where(Allocation.status == "confirmed")).all()
    synced = _synced_labels(session, allocations, locale)
    unknown = CATALOG.in_language(locale).ugettext("Not set")
    out = {}
    for a in allocations:
        key = (
            ("project", a.instance, a.project_remote_id)
            if a.project_remote_id
            else ("result", a.instance, a.result_remote_id)
        )
        theme, neighbourhood = synced.get(key, (None, None))
        out[a.id] = (a.theme or theme or unknown, a.neighbourhood or neighbourhood or unknown)
    return out


def _ledger_by_allocation(
    session: Session, ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    query = (
        select(
            LedgerLine.allocation_id,
            func.sum(
                case((LedgerLine.applies_to == "commitment", LedgerLine.amount_cents), else_=0)
            ),
            func.sum(case((LedgerLine.applies_to == "payment", LedgerLine.amount_cents), else_=0)),
        )
        .where(LedgerLine.allocation_id.is_not(None))
        .group_by(LedgerLine.allocation_id)
    )
    if ids is not None:
        query = query.where(LedgerLine.allocation_id.in_(ids))
    return {a: (int(c or 0), int(p or 0)) for a, c, p in session.execute(query)}


def for_allocations(session: Session, ids: list[int] | None = None) -> dict[int, Figures]:
    """Each allocation (a project, a result or a local action) with its own ledger; only
    those of `ids` when given."""
    ledger = _ledger_by_allocation(session, ids)
    query = select(Allocation)
    if ids is not None:
        query = query.where(Allocation.id.in_(ids))
    return {
        a.id: Figures(
            a.amount_cents,
            a.amount_cents,
            *ledger.get(a.id, (0, 0)),
            int(a.upstream_amount_cents is not None and a.upstream_amount_cents != a.amount_cents),
            of="allocation",
        )
        for a in session.scalars(query)
    }


def by_group(session: Session, locale: str = "fr") -> dict[str, list[tuple[str, Figures]]]:
    """Confirmed allocations and their ledger, per theme and per neighbourhood, largest first."""
    ledger = _ledger_by_allocation(session)
    amounts = dict(session.execute(select(Allocation.id, Allocation.amount_cents)).all())
    totals: dict[str, dict[str, list[int]]] = {group: {} for group in GROUPS}
    for allocation_id, names in _allocation_groups(session, locale).items():
        committed, paid = ledger.get(allocation_id, (0, 0))
        for group, name in zip(GROUPS, names, strict=True):
            row = totals[group].setdefault(name, [0, 0, 0])
            row[0] += amounts[allocation_id]
            row[1] += committed
            row[2] += paid
    return {
        group: sorted(
            ((label, Figures(v[0], v[0], v[1], v[2], of="group")) for label, v in rows.items()),
            key=lambda item: -item[1].amount,
        )
        for group, rows in totals.items()
    }


def over_time_by_group(
    session: Session, locale: str = "fr"
) -> dict[str, dict[str, list[tuple[str, int, int]]]]:
    """Per theme and per neighbourhood: (month, cumulative committed, cumulative paid), from
    the ledger lines of confirmed allocations, summed by day in the database, in one read of
    the ledger for both groupings."""
    names = _allocation_groups(session, locale)
    running: dict[tuple[str, str], list[int]] = {}
    months: dict[str, dict[str, dict[str, tuple[int, int]]]] = {group: {} for group in GROUPS}
    for allocation_id, day, applies_to, cents in session.execute(
        select(
            LedgerLine.allocation_id,
            LedgerLine.day,
            LedgerLine.applies_to,
            func.sum(LedgerLine.amount_cents),
        )
        .where(LedgerLine.allocation_id.is_not(None))
        .group_by(LedgerLine.allocation_id, LedgerLine.day, LedgerLine.applies_to)
        .order_by(LedgerLine.day)
    ):
        if allocation_id not in names:  # a proposed allocation: not counted until confirmed
            continue
        for group, name in zip(GROUPS, names[allocation_id], strict=True):
            sums = running.setdefault((group, name), [0, 0])
            sums[0 if applies_to == "commitment" else 1] += int(cents)
            months[group].setdefault(name, {})[day.strftime("%Y-%m")] = (sums[0], sums[1])
    return {
        group: {
            name: [(m, c, p) for m, (c, p) in by_month.items()] for name, by_month in rows.items()
        }
        for group, rows in months.items()
    }


def over_time(session: Session, envelope_id: int) -> list[tuple[str, int, int]]:
    """(month, cumulative committed, cumulative paid) for one envelope."""
    committed = paid = 0
    months: dict[str, tuple[int, int]] = {}
    for day, applies_to, cents in session.execute(
        select(LedgerLine.day, LedgerLine.applies_to, func.sum(LedgerLine.amount_cents))
        .where(LedgerLine.envelope_id == envelope_id)
        .group_by(LedgerLine.day, LedgerLine.applies_to)
        .order_by(LedgerLine.day)
    ):
        if applies_to == "commitment":
            committed += int(cents)
        else:
            paid += int(cents)
        months[day.strftime("%Y-%m")] = (committed, paid)
    return [(month, c, p) for month, (c, p) in months.items()]
