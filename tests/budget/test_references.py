"""The budget's `references`: its confirmed allocations and ledger lines, which another plugin
asks for through `context.collect` (a commitment's evidence), narrowed by kind and search."""

from __future__ import annotations

from datetime import date, datetime

from bridge.plugin import Reference
from plugins.budget.models import Allocation, Envelope, LedgerLine


def _budget(sessions) -> dict[str, int]:
    with sessions() as s, s.begin():
        envelope = Envelope(
            name="Suites du vote", amount_cents=70_000_000, created_at=datetime(2022, 1, 5)
        )
        s.add(envelope)
        s.flush()
        bikes = Allocation(
            envelope_id=envelope.id,
            label="Stationnement vélo",
            amount_cents=12_000_000,
            status="confirmed",
            created_at=datetime(2022, 3, 1),
        )
        proposed = Allocation(
            envelope_id=envelope.id,
            label="Vélos cargo",
            amount_cents=500_000,
            status="proposed",
            created_at=datetime(2022, 3, 2),
        )
        s.add_all([bikes, proposed])
        s.flush()
        line = LedgerLine(
            envelope_id=envelope.id,
            allocation_id=bikes.id,
            kind="commitment",
            day=date(2023, 4, 12),
            amount_cents=1_234_500,
            reference="ENG-2023-0042",
            supplier="Abris Urbains SARL",
            imported_at=datetime(2023, 4, 13),
        )
        s.add(line)
        s.flush()
        return {"allocation": bikes.id, "line": line.id, "proposed": proposed.id}


def test_every_plugin_is_asked_and_the_budget_answers_what_may_be_cited(sessions, bridge_host):
    ids = _budget(sessions)
    context = bridge_host.context("budget")
    with sessions() as s:
        found = context.collect("references", session=s, kind=None, search=None)
    assert all(isinstance(r, Reference) for r in found)
    keys = {(r.kind, r.key) for r in found}
    assert keys == {
        ("budget.allocation", str(ids["allocation"])),  # the proposed one is no evidence yet
        ("budget.ledger_line", str(ids["line"])),
    }
    line = next(r for r in found if r.kind == "budget.ledger_line")
    assert line.label == "Engagement · ENG-2023-0042 · Abris Urbains SARL"
    assert line.detail == "Suites du vote · 12\u202f345\u00a0€"
    assert line.date == date(2023, 4, 12)
    assert line.url is None  # outside a request there is no host to link to


def test_kind_and_search_narrow_the_answer(sessions, bridge_host, bridge_app):
    ids = _budget(sessions)
    context = bridge_host.context("budget")
    with sessions() as s:
        assert (
            context.collect("references", session=s, kind="committees.decision", search=None) == []
        )
        lines = context.collect("references", session=s, kind="budget.ledger_line", search=None)
        assert [r.key for r in lines] == [str(ids["line"])]
        by_supplier = context.collect("references", session=s, kind=None, search="abris")
        assert [r.kind for r in by_supplier] == ["budget.ledger_line"]
        by_envelope = context.collect("references", session=s, kind=None, search="SUITES")
        assert len(by_envelope) == 2
        assert context.collect("references", session=s, kind=None, search="piscine") == []
        with bridge_app.test_request_context("/"):
            [allocation] = context.collect(
                "references", session=s, kind="budget.allocation", search="vélo"
            )
    assert allocation.url == f"/admin/budget/allocations/{ids['allocation']}"
    assert allocation.label == "Stationnement vélo"
