"""The committees answer `references` (decisions and action items other plugins cite) and
`followup_actions` (the progress report's actions), through the real plugin host; links to
budget allocations are made from the budget's own `references`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bridge.plugin import RecordKey
from plugins.budget.models import Allocation, Envelope
from plugins.committees.citations import action_reference
from plugins.committees.models import ActionItem, ActionItemResult, CommitteeAllocation
from tests.committees.workflow import build, post


def test_decisions_and_action_items_are_cited_and_followed(client_for, sessions, bridge_host):
    admin = client_for("admin")
    ids = build(admin, sessions)
    context = bridge_host.context("committees")
    with sessions() as session:
        cited = context.collect("references", session=session, kind=None, search=None)
        mine = {(r.kind, r.key): r for r in cited if r.kind.startswith("committees.")}
        decision = mine[("committees.decision", str(ids["decision"]))]
        assert decision.label == "Planter 50 arbres rue Marat avant l'hiver"
        assert "2 pour, 0 contre, 0 abstentions" in (decision.detail or "")
        assert ("committees.action_item", "1") in mine
        only = context.collect(
            "references", session=session, kind="committees.decision", search="MARAT"
        )
        assert [r.key for r in only] == [str(ids["decision"])]
        with_link = session.scalar(select(ActionItem))
        assert with_link is not None
        with_link.results.append(ActionItemResult(instance="ivry", result_remote_id="7"))
        session.commit()
        [action] = [
            a
            for a in context.collect("followup_actions", session=session)
            if a.key.startswith("committees.")
        ]
    assert (action.status, action.progress, action.priority) == (
        "in_progress",
        40,
        "Végétaliser la ville",
    )
    assert action.committee == "Comité de suivi Végétalisation"
    assert [d.key for d in action.decisions] == [str(ids["decision"])]
    assert action.results == (RecordKey("ivry", "results", "7"),)


def test_a_committee_follows_a_budget_allocation_the_budget_offers(client_for, sessions):
    admin = client_for("admin")
    ids = build(admin, sessions)
    now = datetime(2026, 12, 1)
    with sessions() as session:
        envelope = Envelope(name="Suites du vote", amount_cents=70_000_000, created_at=now)
        session.add(envelope)
        session.flush()
        allocation = Allocation(
            envelope_id=envelope.id,
            label="Vergers partagés",
            amount_cents=12_000_000,
            status="confirmed",
            created_at=now,
        )
        session.add(allocation)
        session.commit()
        key = f"budget.allocation:{allocation.id}"
    page = admin.get(f"/admin/committees/{ids['committee']}").get_data(as_text=True)
    assert "Vergers partagés" in page  # offered in the form's choices
    base = f"/admin/committees/{ids['committee']}"
    assert post(admin, f"{base}/links", {"allocation": key}).status_code == 302
    assert post(admin, f"{base}/links", {"allocation": key}).status_code == 422  # once
    assert post(admin, f"{base}/links", {"allocation": "budget.allocation:999"}).status_code == 422
    answer = post(admin, f"{base}/links", {"result": "ivry:nowhere"})
    assert answer.status_code == 422 and "Aucun résultat synchronisé" in answer.get_data(
        as_text=True
    )
    with sessions() as session:
        assert [link.reference for link in session.scalars(select(CommitteeAllocation))] == [key]


def test_an_action_items_progress_is_cited_in_the_pages_language(client_for, sessions, bridge_app):
    """The detail other plugins show beside a cited action ("… · 40 %") follows the page's
    language: '40%' on an English page, not the French '40 %'."""
    build(client_for("admin"), sessions)
    with sessions() as session:
        item = session.scalar(select(ActionItem).where(ActionItem.progress == 40))
        assert item is not None
        for lang, said in (("fr", "40\u202f%"), ("en", "40%")):
            with bridge_app.test_request_context(f"/admin/?lang={lang}"):
                assert action_reference(item).detail.endswith(f" · {said}")
