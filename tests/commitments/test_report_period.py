"""The progress report for a day and a mandate: each commitment's status as its history says
it stood at the end of that day in the city's time zone, what moved since an earlier review,
and the money its evidence cites (a voted project's Decidim amount, or the follow-up budget's
allocation and ledger lines), as a page and a PDF with a shareable address; a wrong day or
mandate is told in French with a 400, never a 500."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bridge.plugin import Project, Result
from plugins.commitments import writes
from plugins.commitments.asof import Period, end_of, state
from plugins.commitments.models import Commitment, Mandate, StatusChange
from plugins.commitments.report import DECIDIM, FOLLOWUP
from tests.budget import seeding

NNBSP, NBSP = "\u202f", "\u00a0"


def _history(session, commitment: Commitment, *moves: tuple[datetime, str]) -> None:
    """Replace the commitment's history by these (UTC time, status) moves."""
    session.execute(
        StatusChange.__table__.delete().where(StatusChange.commitment_id == commitment.id)
    )
    before = None
    for when, status in moves:
        session.add(
            StatusChange(
                commitment_id=commitment.id,
                old_status=before,
                new_status=status,
                reason="Bilan",
                changed_by="test",
                changed_at=when,
            )
        )
        before = status
    commitment.status = before


@pytest.fixture
def mandate_id(bridge_host):
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        m = writes.add_mandate(s, context, "Mandat 2020-2026", date(2020, 7, 4), date(2026, 3, 31))
        trees = writes.add_commitment(
            s,
            context,
            m,
            ref="E-05",
            theme="Climat",
            title="Planter 2 000 arbres",
            status="not_started",
            reason="Programme",
        )
        council = writes.add_commitment(
            s,
            context,
            m,
            ref="E-18",
            theme="Éducation",
            title="Créer un conseil des enfants",
            status="not_started",
            reason="Programme",
        )
        s.flush()
        _history(
            s,
            trees,
            (datetime(2020, 7, 10), "not_started"),
            (datetime(2023, 11, 18, 22, 30), "in_progress"),  # 23:30 in Ivry, the 18th
            (datetime(2025, 6, 14, 9), "done"),
        )
        _history(s, council, (datetime(2024, 1, 10), "not_started"))
        return m.id


def _state(bridge_host, sessions, mandate_id, as_of, since=None):
    context = bridge_host.context("commitments")
    with sessions() as s:
        period = Period(s.get(Mandate, mandate_id), as_of, since)
        return state(context, s, period)


def test_a_day_ends_at_midnight_in_the_city(bridge_host, sessions, mandate_id):
    assert end_of(date(2023, 11, 18)) == datetime(2023, 11, 18, 23, 0)  # Paris, winter: UTC+1
    assert end_of(date(2025, 6, 14)) == datetime(2025, 6, 14, 22, 0)  # summer: UTC+2
    on_the_day = _state(bridge_host, sessions, mandate_id, date(2023, 11, 18))
    assert [(s.commitment.ref, s.status) for t in on_the_day.themes.values() for s in t] == [
        ("E-05", "in_progress")  # the council did not exist yet
    ]
    the_day_before = _state(bridge_host, sessions, mandate_id, date(2023, 11, 17))
    assert the_day_before.counts["not_started"] == 1 and the_day_before.total == 1


def test_what_moved_between_two_reviews(bridge_host, sessions, mandate_id):
    later = _state(bridge_host, sessions, mandate_id, date(2025, 11, 22), date(2023, 11, 18))
    assert later.total == 2 and later.counts["done"] == 1 and later.counts["not_started"] == 1
    assert [(s.commitment.ref, s.before, s.status) for s in later.moved] == [
        ("E-05", "in_progress", "done")
    ]


def test_a_commitment_carries_its_projects_money(
    bridge_host, sessions, synced, mandate_id, client_for
):
    """A voted project cited as evidence carries Decidim's amount; once the follow-up budget
    allocates to it, the allocation and its ledger lines (and only once, even when the
    allocation is cited too)."""
    context = bridge_host.context("commitments")
    with sessions() as s:
        project = s.scalar(
            select(Project).where(Project.budget_amount.is_not(None)).order_by(Project.id)
        )
        result = s.scalar(select(Result).order_by(Result.id))
        project_id, amount = project.remote_id, project.budget_amount
        result_remote_id = result.remote_id
    with context.transaction() as s:
        trees = s.scalar(select(Commitment).where(Commitment.ref == "E-05"))
        writes.add_evidence(
            s,
            context,
            trees,
            kind="record",
            label="Projet voté",
            instance="ivry",
            resource="projects",
            remote_id=project_id,
        )
    voted = _state(bridge_host, sessions, mandate_id, date(2025, 11, 22))
    [trees_now] = voted.themes["Climat"]
    assert trees_now.money.allocated == amount * 100
    assert trees_now.money.sources == {DECIDIM}
    with sessions() as s:
        envelope = seeding.envelope(s)
        seeding.allocation(
            s,
            envelope,
            "Arbres",
            12_000_000,
            committed=9_000_000,
            paid=4_000_000,
            project=project_id,
        )
        to_result = seeding.allocation(
            s, envelope, "Composteurs", 3_000_000, committed=1_000_000, result=result_remote_id
        )
        s.commit()
        cited = to_result.id
    with context.transaction() as s:
        trees = s.scalar(select(Commitment).where(Commitment.ref == "E-05"))
        writes.add_evidence(
            s,
            context,
            trees,
            kind="record",
            label="Résultat",
            instance="ivry",
            resource="results",
            remote_id=result_remote_id,
        )
        writes.add_evidence(  # the result's own allocation, cited too: counted once
            s,
            context,
            trees,
            kind="reference",
            label="Affectation Composteurs",
            ref_kind="budget.allocation",
            ref_key=str(cited),
        )
    funded = _state(bridge_host, sessions, mandate_id, date(2025, 11, 22))
    [trees_now] = funded.themes["Climat"]
    money = trees_now.money
    assert (money.allocated, money.committed, money.paid) == (15_000_000, 10_000_000, 4_000_000)
    assert money.sources == {FOLLOWUP}  # the budget allocates to the project: not Decidim's
    assert (funded.money.allocated, funded.money.committed) == (15_000_000, 10_000_000)
    address = f"/public/engagements/bilan?mandate={mandate_id}&as_of=2025-11-22"
    said = (
        f"Alloué 150{NNBSP}000{NBSP}€, engagé 100{NNBSP}000{NBSP}€, mandaté 40{NNBSP}000{NBSP}€ "
        f"(Montants issus de{NNBSP}: les affectations et les lignes comptables du budget de suivi)"
    )
    public = client_for(None)
    assert said in public.get(address + "&lang=fr").get_data(as_text=True)
    pdf = public.get(address.replace("/bilan?", "/bilan.pdf?") + "&lang=fr")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"Alloué 150{NNBSP}000 €, engagé 100{NNBSP}000 €" in text.replace(NBSP, " ")


def test_the_page_and_the_pdf_for_a_day_in_french(client_for, sessions, mandate_id):
    public = client_for(None)
    address = f"/public/engagements/bilan?mandate={mandate_id}&as_of=2025-11-22&since=2023-11-18"
    html = public.get(address).get_data(as_text=True)
    assert f"Mandat 2020-2026{NNBSP}: les engagements au 22 novembre 2025" in html
    assert "Ce qui a changé depuis le 18 novembre 2023" in html
    assert "E-05 — Planter 2 000 arbres" in html
    assert "En cours ou en partie réalisé → Réalisé" in html
    assert 'value="2025-11-22"' in html and 'value="2023-11-18"' in html  # the form says it
    assert "as_of=2025-11-22" in html  # the PDF's link keeps the period
    english = public.get(address + "&lang=en").get_data(as_text=True)
    assert "Mandat 2020-2026: the commitments on 22 November 2025" in english
    pdf = public.get(address.replace("/bilan?", "/bilan.pdf?") + "&lang=fr")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "bilan-2025-11-22.pdf" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "les engagements au 22 novembre 2025" in text
    assert "Planter 2 000 arbres" in text.replace(NNBSP, " ").replace(NBSP, " ")
    earlier = public.get(f"/public/engagements/bilan?mandate={mandate_id}&as_of=2023-11-18")
    page = earlier.get_data(as_text=True)
    assert "Aucun statut" not in page and "E-18" not in page  # not a commitment yet


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("as_of=2023-13-01", "ce n’est pas une date (AAAA-MM-JJ)"),
        ("as_of=18/11/2023", "ce n’est pas une date (AAAA-MM-JJ)"),
        ("as_of=2023-11-18&since=2025-01-01", "le jour de comparaison doit précéder"),
        ("as_of=2999-01-01", "le bilan ne peut pas montrer un jour à venir"),
        ("mandate=999999", "aucun mandat ne correspond"),
        ("mandate=abc", "aucun mandat ne correspond"),
    ],
)
def test_a_wrong_period_is_told_in_french(client_for, mandate_id, query, said):
    public = client_for(None)
    answer = public.get(f"/public/engagements/bilan?{query}")
    assert answer.status_code == 400
    assert said in answer.get_data(as_text=True)
    assert public.get(f"/public/engagements/bilan.pdf?{query}").status_code == 400
