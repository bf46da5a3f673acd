"""The commitments' progress report with the follow-up budget: a commitment citing a voted
project and the budget allocation that funds it counts that money once (the budget names the
project in `ReferenceMoney.projects`), on the page and in the PDF, and says where it comes
from; an allocation cited alone still counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bridge.plugin import Project, RecordKey, Records
from plugins.budget.followup import reference_money
from plugins.budget.models import Allocation
from plugins.budget.proposals import site
from plugins.commitments import writes
from plugins.commitments.models import Commitment
from tests.budget import seeding

NNBSP, NBSP = "\u202f", "\u00a0"
SOURCE = "les affectations et les lignes comptables du budget de suivi"


@pytest.fixture
def bridge_plugins():
    return ["budget", "commitments"]


@pytest.fixture
def cited(bridge_host, sessions, synced):
    """The 700 000 € follow-up envelope of Ivry's vote: 120 000 € to a voted project (90 000 €
    committed, 40 000 € paid), 30 000 € to composters (no project); a commitment cites the
    project, its allocation and the composters' allocation."""
    with sessions() as s:
        project = s.scalar(select(Project).order_by(Project.id))
        envelope = seeding.envelope(s, "Suites du budget participatif")
        funding = seeding.allocation(
            s,
            envelope,
            "Arbres",
            12_000_000,
            committed=9_000_000,
            paid=4_000_000,
            project=project.remote_id,
        )
        alone = seeding.allocation(
            s, envelope, "Composteurs", 3_000_000, committed=1_000_000, instance=None
        )
        s.commit()
        ids = {"project": project.remote_id, "funding": funding.id, "alone": alone.id}
    context = bridge_host.context("commitments")
    with context.transaction() as s:
        mandate = writes.add_mandate(
            s, context, "Mandat 2026-2032", date(2026, 3, 22), date(2032, 3, 31)
        )
        trees = writes.add_commitment(
            s,
            context,
            mandate,
            ref="E-05",
            theme="Climat",
            title="Planter 2 000 arbres",
            status="in_progress",
            reason="Programme",
        )
        s.flush()
        writes.add_evidence(
            s,
            context,
            trees,
            kind="record",
            label="Projet voté",
            instance="ivry",
            resource="projects",
            remote_id=ids["project"],
        )
        for label, key in (("Affectation Arbres", "funding"), ("Composteurs", "alone")):
            writes.add_evidence(
                s,
                context,
                trees,
                kind="reference",
                label=label,
                ref_kind="budget.allocation",
                ref_key=str(ids[key]),
            )
        ids["mandate"] = mandate.id
    return ids


def test_an_allocation_names_the_project_it_funds(sessions, cited):
    with sessions() as s:
        found = {
            m.reference: m
            for m in reference_money(
                s, [f"budget.allocation:{cited['funding']}", f"budget.allocation:{cited['alone']}"]
            )
        }
    funding = found[f"budget.allocation:{cited['funding']}"]
    assert funding.projects == (RecordKey("ivry", "projects", cited["project"]),)
    assert funding.results == () and funding.allocated_cents == 12_000_000
    assert found[f"budget.allocation:{cited['alone']}"].projects == ()


def test_the_report_counts_each_euro_once(client_for, sessions, cited):
    """Project (120 000 € through its allocation) + its allocation + the composters' 30 000 €:
    150 000 € allocated, not 270 000 €; on the page and in the PDF."""
    with sessions() as s:
        assert s.scalar(select(Commitment.ref)) == "E-05"
    address = f"/public/engagements/bilan?mandate={cited['mandate']}&lang=fr"  # as of today
    public = client_for(None)
    html = public.get(address).get_data(as_text=True)
    said = (
        f"Alloué 150{NNBSP}000{NBSP}€, engagé 100{NNBSP}000{NBSP}€, mandaté 40{NNBSP}000{NBSP}€ "
        f"(Montants issus de{NNBSP}: {SOURCE})"
    )
    assert said in html
    assert f"270{NNBSP}000" not in html
    pdf = public.get(address.replace("/bilan?", "/bilan.pdf?"))
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = text.replace(NBSP, " ")
    assert f"Alloué 150{NNBSP}000 €, engagé 100{NNBSP}000 €, mandaté 40{NNBSP}000 €" in text
    assert f"270{NNBSP}000" not in text


def test_a_project_known_by_its_site_is_named_for_every_instance_reading_it(sessions, cited):
    """An allocation made through another instance of the same Decidim keeps the project by
    its site and id (`project_key`): the report of an instance citing the project still sees
    that the allocation funds it."""
    with sessions() as s:
        [ivry] = [i for i in Records.beside(s).instances() if i.name == "ivry"]
        allocation = s.get(Allocation, cited["funding"])
        allocation.instance, allocation.project_remote_id = None, None
        allocation.project_key = f"{site(ivry.base_url)}#project-{cited['project']}"
        s.commit()
        [money] = reference_money(s, [f"budget.allocation:{cited['funding']}"])
    assert money.projects == (RecordKey("ivry", "projects", cited["project"]),)
