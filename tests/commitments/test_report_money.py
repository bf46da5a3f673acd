"""The progress report's money: the budget's allocations an action spends (by reference key,
`reference_money`) are counted with the results it moves (`result_money`), each once per
line, per priority and in total, even when an action names an allocation and its result; and
on the demo database the report's figures are the budget's own for the same allocations."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bridge.app import create_app
from bridge.config import Settings
from bridge.plugin import FollowupAction, RecordKey, Result, hookimpl
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from plugins.commitments.report import report
from tests.budget import seeding
from tests.budget.demo_data import demo_budget_database

PLUGINS = ["budget", "committees", "commitments"]


class Spenders:
    """Actions that name an allocation, its result, or both (two in one priority)."""

    keys: dict[str, str] = {}

    @hookimpl
    def followup_actions(self):
        allocation, other, result = self.keys["allocation"], self.keys["other"], self.keys["result"]
        key = RecordKey("ivry", "results", result)
        return [
            FollowupAction(
                "t.a:1",
                "Les deux liens",
                "done",
                100,
                "Arbres",
                results=(key,),
                spends=(allocation,),
            ),
            FollowupAction(
                "t.a:2",
                "L’allocation seule",
                "in_progress",
                50,
                "Arbres",
                spends=(allocation, other),
            ),
            FollowupAction("t.a:3", "Le résultat seul", "to_do", 0, "Vélo", results=(key,)),
            FollowupAction(
                "t.a:4",
                "Une clé inconnue",
                "to_do",
                0,
                "Vélo",
                spends=("budget.allocation:999999", "other.kind:1"),
            ),
        ]


@pytest.fixture
def bridge_plugins():
    return [*PLUGINS, ("spenders", Spenders())]


def test_an_allocation_and_its_result_are_counted_once(bridge_host, sessions, synced):
    with sessions() as s:
        result = s.scalar(select(Result).order_by(Result.id))
        envelope = seeding.envelope(s)
        linked = seeding.allocation(
            s,
            envelope,
            "Arbres",
            10_000_000,
            committed=6_000_000,
            paid=2_500_000,
            result=result.remote_id,
            day=date(2023, 3, 1),
        )
        other = seeding.allocation(
            s,
            envelope,
            "Composteurs",
            1_500_000,
            committed=1_500_000,
            instance=None,
            day=date(2023, 3, 1),
        )
        s.commit()
        Spenders.keys = {
            "allocation": f"budget.allocation:{linked.id}",
            "other": f"budget.allocation:{other.id}",
            "result": result.remote_id,
        }
    context = bridge_host.context("commitments")
    with sessions() as s:
        data = report(context, s)
    lines = {
        line.action.title: line.money
        for p in data.priorities
        for ls in p.lines.values()
        for line in ls
    }
    both, alone = lines["Les deux liens"], lines["L’allocation seule"]
    assert (both.allocated, both.committed, both.paid) == (10_000_000, 6_000_000, 2_500_000)
    assert (alone.allocated, alone.committed, alone.paid) == (11_500_000, 7_500_000, 2_500_000)
    assert lines["Le résultat seul"].allocated == 10_000_000
    assert not lines["Une clé inconnue"].known
    priorities = {p.name: p.money for p in data.priorities}
    assert (priorities["Arbres"].allocated, priorities["Arbres"].committed) == (
        11_500_000,
        7_500_000,
    )
    assert priorities["Vélo"].allocated == 10_000_000
    assert (data.money.allocated, data.money.committed, data.money.paid) == (
        11_500_000,
        7_500_000,
        2_500_000,
    )
    [budget] = data.budgets
    assert (budget.name, budget.total, budget.money.allocated) == (
        "Suites du vote",
        70_000_000,
        11_500_000,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_budget_database(tmp_path_factory.mktemp("report"))


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_demo_report_adds_up_with_the_budget(demo):
    sessions = make_sessionmaker(make_engine(demo))
    host = PluginHost(PLUGINS, sessions=sessions, settings=Settings(database_url=demo))
    with sessions() as s:
        data = report(host.context("commitments"), s)
    client = create_app(Settings(database_url=demo, plugins={"enabled": PLUGINS})).test_client()
    envelopes = client.get("/api/v1/budget/envelopes").get_json()["items"]
    follow_up = next(e for e in envelopes if e["amount"] == "700000.00")
    figures = tuple(_cents(follow_up[k]) for k in ("allocated", "committed", "paid"))
    assert figures[0] > 0 and figures[1] > 0 and figures[2] > 0
    assert (data.money.allocated, data.money.committed, data.money.paid) == figures
    assert sum(p.money.allocated or 0 for p in data.priorities) == figures[0]
    listed = client.get("/api/v1/budget/allocations?limit=100").get_json()["items"]
    amounts = {f"budget.allocation:{a['id']}": _cents(a["amount"]) for a in listed}
    for priority in data.priorities:  # each priority: the budget's amounts of what it spends
        spent = {
            key for lines in priority.lines.values() for ln in lines for key in ln.action.spends
        }
        assert spent and priority.money.allocated == sum(amounts[key] for key in spent)
    [budget] = data.budgets
    assert budget.total == 70_000_000 and budget.name == follow_up["name"]
    assert (budget.money.allocated, budget.money.committed, budget.money.paid) == figures
    html = client.get("/public/engagements/bilan").get_data(as_text=True)
    assert "Montants\u202f: inconnus" not in html
    assert "700\u202f000\u00a0€" in html and "625\u202f000\u00a0€" in html
    english = client.get("/public/engagements/bilan?lang=en").get_data(as_text=True)
    assert (
        "(€700,000): €625,000 allocated to these actions, €444,500 committed, €188,250 paid"
        in english
    )
    pdf = client.get("/public/engagements/bilan.pdf?lang=fr")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "(700\u202f000 €)\u202f: 625\u202f000 € alloués à ces actions" in text.replace(
        "\u00a0", " "
    )
