"""English pages write amounts, numbers and percentages the English way (`€700,000.00`,
`1,234`, `46%`), French ones the French way (`700 000,00 €`, narrow no-break spaces): every
page that shows money or figures, public and admin, over the demo's data, reads them through
the locale-aware helpers of `bridge.formatting`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Component
from bridge.testing.clients import client_as, create_people
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.commitments.models import Commitment
from plugins.committees.models import Committee, Meeting
from tests.budget.demo_data import demo_budget_database

# French figures: a narrow no-break space between digit groups, or a (narrow) no-break space
# before € or %.
FRENCH_FIGURE = re.compile(r"\d\u202f\d{3}|\d[\u00a0\u202f][€%]")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = demo_budget_database(tmp_path_factory.mktemp("figures"))
    sessions = make_sessionmaker(make_engine(url))
    create_people(sessions)
    with sessions() as s:
        ids = {
            "envelope": s.scalar(select(Envelope.id).order_by(Envelope.amount_cents.desc())),
            "allocation": s.scalar(select(Allocation.id).order_by(Allocation.id)),
            "line": s.scalar(select(LedgerLine.id).order_by(LedgerLine.id)),
            "commitment": s.scalar(select(Commitment.id).order_by(Commitment.id)),
            "committee": s.scalar(select(Committee.id).order_by(Committee.id)),
            "meeting": s.scalar(select(Meeting.id).order_by(Meeting.id)),
            "space": s.scalar(  # a process with results, and money beside them
                select(Component.space_id).where(Component.manifest == "Accountability")
            ),
        }
    app = create_app(Settings(database_url=url, secret_key="f", cookie_secure=False))
    return client_as(app, "admin"), ids


PAGES = [
    "/budget/",
    "/public/engagements/",
    "/public/engagements/bilan",
    "/committees/",
    "/public/ivry/",
    "/public/ivry/processes/{space}",
    "/public/ivry/processes/{space}/suivi",
    "/admin/",
    "/admin/instances/ivry",
    "/admin/processes/{space}",
    "/admin/budget/",
    "/admin/budget/envelopes/{envelope}",
    "/admin/budget/allocations/{allocation}",
    "/admin/budget/lines/{line}",
    "/admin/commitments/",
    "/admin/commitments/{commitment}",
    "/admin/committees/",
    "/admin/committees/{committee}",
    "/admin/committees/meetings/{meeting}",
]


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_write_figures_the_english_way(site, path):
    client, ids = site
    answer = client.get(path.format(**ids), query_string={"lang": "en"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert FRENCH_FIGURE.findall(page) == []


def test_amounts_read_in_each_language(site):
    client, ids = site
    followup = client.get(f"/public/ivry/processes/{ids['space']}/suivi?lang=en")
    assert re.search(r"€\d{1,3}(,\d{3})+", followup.get_data(as_text=True))  # money by results
    english = client.get("/budget/?lang=en").get_data(as_text=True)
    assert "€700,000.00" in english and ">€200,000</text>" in english  # table, chart axis
    french = client.get("/budget/?lang=fr").get_data(as_text=True)
    assert "700\u202f000,00\u00a0€" in french and ">200\u202f000\u00a0€</text>" in french
