"""The public page and the downloads, over the demo's data (a sync, then the demo seed)."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from bridge.app import create_app
from bridge.config import Settings
from tests.budget.demo_data import demo_budget_database


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("budget"), seed_twice=True)  # idempotent
    return create_app(Settings(database_url=url, plugins={"enabled": ["budget"]})).test_client()


def test_public_envelopes_endpoint(client):
    items = client.get("/api/v1/budget/envelopes").get_json()["items"]
    assert [i["amount"] for i in items] == ["700000.00", "150000.00", "111847.00"]
    follow_up = items[0]
    assert follow_up["allocated"] == "625000.00"
    assert float(follow_up["remaining"]) == float(follow_up["amount"]) - float(
        follow_up["committed"]
    )


def test_public_page_in_french_then_english(client):
    page = client.get("/budget/").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Budget de suivi" in page
    assert "700\u202f000,00\u00a0€" in page
    assert "Par quartier" in page and "Petit-Ivry" in page  # from the synced projects' scopes
    assert "<h2>Par enveloppe</h2>" in page  # its chart was titled "Enveloppe", beside "Par thème"
    assert page.count('class="bars"') == 3  # envelopes, theme, neighbourhood: HTML bars
    assert page.count('role="img"') == 3  # over time, and paid by theme and by neighbourhood
    assert "viewBox" not in page.split('class="line-chart"')[1].split(">")[0]  # text not scaled
    assert ">200\u202f000\u00a0€</text>" in page and ">mars</text>" in page  # axes in French
    for export in ("budget-envelopes", "budget-ledger-xlsx", "budget-ocds"):
        assert f'href="/api/v1/exports/{export}"' in page
    assert "site-header" in page and "Voir aussi" in page  # the public site's layout
    assert "Paiements cumulés par thème" in page and "Par projet ou action" in page
    assert "http" not in page.split("<body>")[1].split("hreflang")[0]
    english = client.get("/budget/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Follow-up budget" in english
    assert "By neighbourhood" in english and "<h2>By envelope</h2>" in english


def test_exports(client):
    listed = {e["name"] for e in client.get("/api/v1/exports").get_json()["items"]}
    assert listed == {
        "budget-envelopes",
        "budget-ledger-csv",
        "budget-ledger",
        "budget-ledger-xlsx",
        "budget-ocds",
    }

    csv = client.get("/api/v1/exports/budget-envelopes").get_data(as_text=True)
    assert csv.startswith("\ufeffenveloppe;montant")
    assert "Communication de la démarche climat;111847,00" in csv

    ledger = json.loads(client.get("/api/v1/exports/budget-ledger").data)["items"]
    assert {line["kind"] for line in ledger} == {"commitment", "payment", "reduction"}

    book = load_workbook(io.BytesIO(client.get("/api/v1/exports/budget-ledger-xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Enveloppe", "Nature", "Date", "Montant (€)")
    assert len(rows) == len(ledger) + 1

    package = json.loads(client.get("/api/v1/exports/budget-ocds").data)
    assert package["version"] == "1.1"
    budget = package["releases"][0]["planning"]["budget"]
    assert budget["amount"] == {"amount": 700000.0, "currency": "EUR"}
    contracts = package["releases"][0]["contracts"]
    assert contracts and contracts[0]["implementation"]["transactions"]


def test_allocations_ledger_and_figures_endpoints(client):
    allocations = client.get("/api/v1/budget/allocations").get_json()["items"]
    assert allocations and all(a["status"] == "confirmed" for a in allocations)
    ledger = client.get("/api/v1/budget/ledger").get_json()["items"]
    assert {line["allocation"] for line in ledger} <= {a["id"] for a in allocations} | {None}
    assert [line["reference"] for line in ledger if line["allocation"] is None] == ["ENG-2021-114"]
    figures = client.get("/api/v1/budget/figures").get_json()
    themes = {row["label"] for row in figures["by_theme"]}
    assert "Végétalisation" in themes
    total = sum(float(row["allocated"]) for row in figures["by_neighbourhood"])
    assert total == 625000.0
    months = next(iter(figures["over_time"].values()))
    assert months[0]["month"] == "2022-03"


def test_the_citys_own_names_replace_decidims_in_the_figures(tmp_path):
    """A scope mapped to a neighbourhood, a category to a theme (the admin's mapping page):
    the budget groups by the city's names, and by Decidim's where nothing is mapped."""
    from sqlalchemy import select

    from bridge import mappings
    from bridge.store.db import make_engine, make_sessionmaker
    from bridge.store.models import Instance, Project
    from plugins.budget.figures import by_group
    from plugins.budget.models import Allocation

    sessions = make_sessionmaker(make_engine(demo_budget_database(tmp_path)))
    with sessions() as session:
        before = by_group(session)
        allocated = session.scalars(
            select(Project).join(Allocation, Allocation.project_remote_id == Project.remote_id)
        ).all()
        project = next(p for p in allocated if p.scope_remote_id and p.category_remote_id)
        mappings.save(
            session,
            session.get(Instance, project.instance_id),
            "test",
            neighbourhoods={("scope", project.scope_remote_id): "Quartier Marat-Parmentier"},
            themes={project.category_remote_id: "Transition écologique"},
        )
        session.commit()
        after = by_group(session)
    hoods = [label for label, _ in after["neighbourhood"]]
    assert "Quartier Marat-Parmentier" in hoods
    assert "Quartier Marat-Parmentier" not in [label for label, _ in before["neighbourhood"]]
    assert "Transition écologique" in [label for label, _ in after["theme"]]
    total = sum(f.amount for _, f in after["neighbourhood"])
    assert total == sum(f.amount for _, f in before["neighbourhood"])  # regrouped, not lost


def test_the_public_page_links_the_whole_ledger_as_csv(client):
    """The XLSX refusal sends people to grand-livre.csv: the public page offers it."""
    page = client.get("/budget/?lang=fr").get_data(as_text=True)
    assert 'href="/api/v1/exports/budget-ledger-csv" download' in page
    assert "Grand livre (CSV" in page
    assert 'href="/api/v1/exports/budget-ledger-csv"' in client.get("/budget/?lang=en").get_data(
        as_text=True
    )
    answer = client.get("/api/v1/exports/budget-ledger-csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = answer.get_data(as_text=True).removeprefix("\ufeff").splitlines()
    ledger = json.loads(client.get("/api/v1/exports/budget-ledger").data)["items"]
    assert len(rows) == len(ledger) + 1 and ";" in rows[0]
