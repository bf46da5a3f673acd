"""The budget's writes and figures on SQLite and PostgreSQL: kinds of lines and what they net
to, refusals that name the field and leave the store as it was, envelopes closed, moved and
deleted, every destructive write audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bridge.store.models import AuditEntry
from bridge.timeutil import utcnow
from plugins.budget import csvimport, writes
from plugins.budget.figures import for_allocations, for_envelopes
from plugins.budget.models import Allocation, Envelope, LedgerLine
from tests.budget.french import fr


@pytest.fixture
def store(sessions):
    """Two envelopes, the first with a local action."""
    with sessions() as session:
        climate = writes.create_envelope(
            session,
            {"name": "Suites du vote", "amount": "700 000", "year_start": 2022, "year_end": 2026},
            "test",
        )
        writes.create_envelope(
            session, {"name": "Communication", "amount": "111 847", "year_start": 2021}, "test"
        )
        writes.allocate(
            session,
            {"envelope": climate.id, "label": "Vergers partagés", "amount": "120 000"},
            "test",
        )
        session.commit()
    return sessions


def line(session, **data) -> LedgerLine:
    return writes.add_line(session, {"envelope": 1, "date": "10/03/2023", **data}, "test")


def test_cancellations_and_reductions_net_the_figures(store):
    with store() as session:
        line(session, kind="engagement", amount="100 000", reference="EJ-1", allocation=1)
        line(session, kind="mandatement", amount="40 000", reference="MA-1", allocation=1)
        reduction = line(
            session,
            kind="réduction d’engagement",
            amount="15 000",
            reference="RE-1",
            cancels="EJ-1",
        )
        line(session, kind="mandatement", amount="-5 000", reference="MA-2", allocation=1)
        session.commit()
        assert (reduction.amount_cents, reduction.applies_to) == (-1_500_000, "commitment")
        assert reduction.allocation_id == 1  # taken from the line it reduces
        assert reduction.cancels_id == session.scalar(
            select(LedgerLine.id).where(LedgerLine.reference == "EJ-1")
        )
        cancelled = session.scalar(select(LedgerLine).where(LedgerLine.reference == "MA-2"))
        assert (cancelled.kind, cancelled.applies_to) == ("cancellation", "payment")
        figures = for_envelopes(session)[1]
        assert (figures.committed, figures.paid) == (8_500_000, 3_500_000)
        assert figures.remaining == 70_000_000 - 8_500_000
        assert for_allocations(session, [1])[1].committed == 8_500_000


@pytest.mark.parametrize(
    ("data", "field", "french"),
    [
        (
            {"kind": "annulation", "amount": "1", "reference": "AN-1", "applies_to": "engagement"},
            "amount",
            "l’annulation de 1,00",
        ),
        ({"kind": "annulation", "amount": "1", "reference": "AN-1"}, "applies_to", "précisez"),
        (
            {"kind": "annulation", "amount": "1", "reference": "AN-1", "cancels": "EJ-404"},
            "cancels",
            "aucun engagement ni mandatement « EJ-404 »",
        ),
        ({"kind": "devis", "amount": "1", "reference": "D-1"}, "kind", "la nature est"),
    ],
)
def test_what_makes_no_sense_is_refused_naming_the_field(store, data, field, french):
    with store() as session:
        with pytest.raises(writes.Invalid) as refused:
            line(session, **data)
        session.rollback()
        assert refused.value.field == field and french in fr(refused.value)
        assert session.scalar(select(func.count()).select_from(LedgerLine)) == 0


def test_a_reduction_cannot_take_back_more_than_is_left_of_its_line(store):
    with store() as session:
        line(session, kind="engagement", amount="1 000", reference="EJ-1")
        line(session, kind="reduction", amount="600", reference="RE-1", cancels="EJ-1")
        with pytest.raises(writes.Invalid) as refused:
            line(session, kind="reduction", amount="600", reference="RE-2", cancels="EJ-1")
        assert refused.value.field == "amount" and "400,00" in fr(refused.value)
        # the reduced line cannot go while a reduction names it
        with pytest.raises(writes.Invalid) as kept:
            writes.delete_line(
                session,
                session.scalar(select(LedgerLine).where(LedgerLine.reference == "EJ-1")),
                "test",
            )
        assert kept.value.field == "line"


def test_a_file_with_a_commitment_and_its_cancellation(store):
    data = (
        "date;reference;nature;montant;pièce annulée\n"
        "01/02/2023;EJ-7;engagement;10 000,00;\n"
        "01/03/2023;AN-7;annulation;2 000,00;EJ-7\n"
        "01/04/2023;EJ-8;engagement;-500;\n"
    ).encode()
    with store() as session:
        report = writes.import_csv(session, session.get(Envelope, 1), data, "test")
        assert report.ok, report.errors
        session.commit()
        cancellation = session.scalar(select(LedgerLine).where(LedgerLine.reference == "AN-7"))
        assert (cancellation.kind, cancellation.amount_cents) == ("cancellation", -200_000)
        assert cancellation.cancels_id == session.scalar(
            select(LedgerLine.id).where(LedgerLine.reference == "EJ-7")
        )
        negative = session.scalar(select(LedgerLine).where(LedgerLine.reference == "EJ-8"))
        assert (negative.kind, negative.applies_to) == ("cancellation", "commitment")
        assert for_envelopes(session)[1].committed == 1_000_000 - 200_000 - 50_000
        again = writes.import_csv(session, session.get(Envelope, 1), data, "test")
        assert (again.ok, len(again.new), again.already) == (True, 0, 3)


def test_a_cancellation_too_large_in_a_file_imports_nothing(store):
    data = (
        b"date;reference;kind;amount\n"
        b"01/02/2023;EJ-1;engagement;100\n"
        b"02/02/2023;EJ-2;engagement;-300\n"
    )
    with store() as session:
        report = csvimport.import_file(session, 1, data)
        assert not report.ok
        assert fr(report.errors[0]).startswith("ligne 3 : l’annulation de 300,00")
        session.rollback()
        assert session.scalar(select(func.count()).select_from(LedgerLine)) == 0


def test_lines_outside_the_envelope_years_are_flagged(store):
    """Envelope 2 covers 2021 only: a line before and one after it (in the past: a line dated
    after today is refused, below) are flagged."""
    with store() as session:
        for reference, day in (("EJ-OLD", "31/12/2020"), ("EJ-IN", "01/06/2021")):
            line(session, envelope=2, kind="engagement", amount="10", reference=reference, date=day)
        line(
            session,
            envelope=2,
            kind="engagement",
            amount="10",
            reference="EJ-LATE",
            date="01/01/2022",
        )
        session.commit()
        assert for_envelopes(session)[2].outside_years == 2
        assert "2 lignes datées hors des années" in for_envelopes(session)[2].warnings("fr")[0]


def test_a_line_dated_after_today_is_refused(store):
    """Found walking the demo: a line typed 01/03/2099 (for 2029) was saved, only flagged, and
    the public page's charts ran to 2099, squeezing four years of spending into one pixel."""
    tomorrow_but_one = utcnow().date() + timedelta(days=2)
    with store() as session:
        with pytest.raises(writes.Invalid) as refused:
            line(session, kind="engagement", amount="10", reference="EJ-99", date="01/03/2099")
        assert refused.value.field == "date"
        assert fr(refused.value) == (
            "la date « 01/03/2099 » est postérieure à aujourd’hui : une ligne du "
            "grand livre enregistre un engagement ou un paiement déjà fait"
        )
        data = (
            "date;reference;kind;amount\n"
            f"10/03/2023;EJ-1;engagement;100\n{tomorrow_but_one:%d/%m/%Y};EJ-2;engagement;100\n"
        ).encode()
        report = writes.import_csv(session, session.get(Envelope, 1), data, "test")
        assert not report.ok and "line 3: the date" in str(report.errors[0])
        line(
            session, kind="engagement", amount="10", reference="EJ-NOW", date=f"{utcnow():%d/%m/%Y}"
        )
        session.commit()
        assert session.scalars(select(LedgerLine.reference)).all() == ["EJ-NOW"]


def test_a_closed_envelope_takes_nothing_new(store):
    with store() as session:
        envelope = session.get(Envelope, 1)
        writes.set_closed(session, envelope, True, "test")
        with pytest.raises(writes.Invalid) as refused:
            line(session, kind="engagement", amount="10", reference="EJ-1")
        assert refused.value.field == "envelope" and "est close" in fr(refused.value)
        report = writes.import_csv(
            session, envelope, b"date;reference;kind;amount\n01/02/2023;E;engagement;1\n", "test"
        )
        assert not report.ok and "est close" in fr(report.errors[0])
        with pytest.raises(writes.Invalid):
            writes.allocate(session, {"envelope": 1, "label": "x", "amount": "1"}, "test")
        writes.set_closed(session, envelope, False, "test")
        line(session, kind="engagement", amount="10", reference="EJ-1")


def test_envelopes_are_edited_and_deleted_only_when_empty(store):
    with store() as session:
        first, second = session.get(Envelope, 1), session.get(Envelope, 2)
        with pytest.raises(writes.Invalid) as taken:
            writes.update_envelope(session, second, {"name": "Suites du vote"}, "test")
        assert taken.value.field == "name"
        session.rollback()
        writes.update_envelope(session, second, {"amount": "120 000", "year_end": "2022"}, "test")
        with pytest.raises(writes.Invalid) as used:
            writes.delete_envelope(session, first, "test")
        assert "déplacez-les ou supprimez-les" in fr(used.value)
        writes.delete_envelope(session, second, "test")
        session.commit()
        assert session.get(Envelope, 2) is None
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions[-2:] == ["budget.envelope.update", "budget.envelope.delete"]


def test_an_allocation_moves_with_its_lines_and_goes_only_when_empty(store):
    with store() as session:
        line(session, kind="engagement", amount="500", reference="EJ-1", allocation=1)
        allocation = session.get(Allocation, 1)
        with pytest.raises(writes.Invalid) as kept:
            writes.delete_allocation(session, allocation, "test")
        assert kept.value.field == "allocation"
        writes.update_allocation(session, allocation, {"envelope": "Communication"}, "test")
        session.commit()
        moved = session.scalar(select(LedgerLine).where(LedgerLine.reference == "EJ-1"))
        assert (allocation.envelope_id, moved.envelope_id) == (2, 2)
        writes.move_line(session, moved, "envelope:2", "test")  # out of the allocation
        assert moved.allocation_id is None
        writes.delete_allocation(session, allocation, "test")
        writes.delete_line(session, moved, "test")
        session.commit()
        before = session.scalars(
            select(AuditEntry.before).where(AuditEntry.action == "budget.ledger.delete")
        ).one()
        assert before["reference"] == "EJ-1" and before["amount"] == "500.00"


def test_a_line_moves_to_another_allocation_or_envelope(store):
    with store() as session:
        other = writes.allocate(
            session, {"envelope": 2, "label": "Affiches", "amount": "1 000"}, "test"
        )
        made = line(session, kind="engagement", amount="500", reference="EJ-1")
        writes.move_line(session, made, f"allocation:{other.id}", "test")
        assert (made.envelope_id, made.allocation_id) == (2, other.id)
        line(session, kind="engagement", amount="5", reference="EJ-1")  # same reference in 1
        with pytest.raises(writes.Invalid) as clash:
            writes.move_line(session, made, "envelope:1", "test")
        assert clash.value.field == "destination" and "figure déjà" in fr(clash.value)
        with pytest.raises(writes.Invalid):
            writes.move_line(session, made, "allocation:999", "test")


def test_a_rejected_proposal_is_kept_and_statuses_are_checked(store):
    with store() as session:
        allocation = session.get(Allocation, 1)
        writes.update_allocation(session, allocation, {"status": "rejected"}, "test")
        assert allocation.status == "rejected"
        assert for_envelopes(session)[1].allocated == 0
        with pytest.raises(writes.Invalid) as refused:
            writes.update_allocation(session, allocation, {"status": "maybe"}, "test")
        assert "proposée, confirmée ou rejetée" in fr(refused.value)
        envelope = session.get(Envelope, 1)
        assert fr(writes.what_it_does(allocation, envelope, "fr")) == (
            "« Vergers partagés » : 120 000,00\u00a0€ dans « Suites du vote »"
        )


def test_an_envelope_source_must_exist(store):
    with store() as session:
        with pytest.raises(writes.Invalid) as refused:
            writes.set_sources(session, session.get(Envelope, 1), ["space:999"], "test")
        assert refused.value.field == "sources"
