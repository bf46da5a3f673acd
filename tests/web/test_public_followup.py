"""The public follow-up page of a process over a real sync of the stand-in and the budget
plugin's demo allocations, on SQLite and PostgreSQL: every live result with its status,
progress and timeline, links back to Decidim as Decidim routes them, filters by the city's
themes and neighbourhoods, the money from the plugin; and a finished process whose Decidim
step is still marked active does not say "en cours"."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.records import Records
from bridge.store.models import (
    Category,
    CategoryTheme,
    Component,
    Instance,
    Project,
    Proposal,
    Result,
    Scope,
    ScopeNeighbourhood,
    Space,
)
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from plugins.budget.figures import for_allocations
from plugins.budget.models import Allocation
from plugins.budget.writes import linked_records
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


@pytest.fixture
def city(database_url, sessions):
    host = PluginHost(["budget"], sessions=sessions)
    with running_simulator() as sim:
        add_instance(sessions, sim.url, published=True)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
        base = sim.url
    host.call("seed_demo")
    with sessions() as session:
        space_id = session.scalar(select(Result.space_id).order_by(Result.id))
        # The city's words: one category is "Nature en ville", one scope "Centre-ville".
        category = session.scalar(
            select(Result.category_remote_id)
            .where(Result.space_id == space_id, Result.category_remote_id.is_not(None))
            .order_by(Result.id)
        )
        scope = session.scalar(select(Scope.remote_id).order_by(Scope.id))
        session.add(
            CategoryTheme(
                instance_id=1,
                category_remote_id=category,
                theme="Nature en ville",
                updated_at=utcnow(),
            )
        )
        session.add(
            ScopeNeighbourhood(
                instance_id=1,
                scope_kind="scope",
                scope_remote_id=scope,
                neighbourhood="Centre-ville",
                updated_at=utcnow(),
            )
        )
        session.commit()
    app = create_app(Settings(database_url=database_url))
    return app.test_client(), base, space_id, category, scope


def cards(html: str, kind: str) -> dict[int, str]:
    return {
        int(m.group(1)): m.group(0)
        for m in re.finditer(
            rf'<li class="card {kind}" data-{kind}="(\d+)">.*?</li>\s*(?=<li class="card|</ul>)',
            html,
            re.S,
        )
    }


def test_every_live_result_with_status_progress_timeline_and_its_decidim_link(city, sessions):
    client, base, space_id, _, _ = city
    answer = client.get(f"/public/ivry/processes/{space_id}/suivi")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    with sessions() as session:
        space = session.get(Space, space_id)
        top = session.scalars(
            select(Result).where(
                Result.space_id == space_id,
                Result.removed_at.is_(None),
                Result.parent_remote_id.is_(None),
            )
        ).all()
        shown = cards(html, "result")
        assert set(shown) == {r.id for r in top}
        for r in top:
            component = session.get(Component, r.component_id)
            link = f"{base}/processes/{space.slug}/f/{component.remote_id}/results/{r.remote_id}"
            assert f'href="{link}"' in shown[r.id]
            if r.progress is not None:
                assert f'<progress max="100" value="{r.progress}"' in shown[r.id]
            if r.status_name:
                assert r.status_name["fr"] in shown[r.id]
            for entry in r.timeline:
                assert f'<time datetime="{entry["entry_date"]}">' in shown[r.id]
        projects = (
            session.execute(
                select(Project).where(Project.space_id == space_id, Project.selected.is_(True))
            )
            .scalars()
            .all()
        )
        for p in projects:
            assert "/budgets/" in cards(html, "project")[p.id]
    assert "<script" not in html


def test_the_money_is_the_plugins(city, sessions):
    client, _, space_id, _, _ = city
    html = client.get(f"/public/ivry/processes/{space_id}/suivi").get_data(as_text=True)
    shown = cards(html, "project")
    with sessions() as session:
        allocations = session.scalars(
            select(Allocation).where(
                Allocation.project_remote_id.is_not(None), Allocation.status == "confirmed"
            )
        ).all()
        figures = for_allocations(session, [a.id for a in allocations])
        checked = 0
        synced = Records.beside(session)
        for a in allocations:
            project, _ = linked_records(synced, a)
            if project is None or project.id not in shown:
                continue
            f = figures[a.id]
            euros = f"{f.paid // 100:,}".replace(",", "\u202f") + "\u00a0€"
            assert f'<dd data-money="paid">{euros}</dd>' in shown[project.id]
            checked += 1
    assert checked > 0


def test_filters_by_the_citys_theme_and_neighbourhood(city, sessions):
    client, _, space_id, category, scope = city
    page = f"/public/ivry/processes/{space_id}/suivi"
    html = client.get(page).get_data(as_text=True)
    assert "<option>Nature en ville</option>" in html
    filtered = client.get(page, query_string={"theme": "Nature en ville"}).get_data(as_text=True)
    with sessions() as session:
        themed = {
            r.id
            for r in session.scalars(
                select(Result).where(
                    Result.space_id == space_id,
                    Result.parent_remote_id.is_(None),
                    Result.removed_at.is_(None),
                    Result.category_remote_id == category,
                )
            )
        }
        scoped = {
            r.id
            for r in session.scalars(
                select(Result).where(
                    Result.space_id == space_id,
                    Result.parent_remote_id.is_(None),
                    Result.removed_at.is_(None),
                    Result.scope_remote_id == scope,
                )
            )
        }
    assert themed and set(cards(filtered, "result")) == themed
    assert "<option selected>Nature en ville</option>" in filtered
    assert "Thème\u202f: Nature en ville" in filtered
    by_place = client.get(page, query_string={"neighbourhood": "Centre-ville"})
    assert set(cards(by_place.get_data(as_text=True), "result")) == scoped
    none = client.get(page, query_string={"theme": "Nulle part"}).get_data(as_text=True)
    assert cards(none, "result") == {} and "Aucune action ne correspond." in none


def test_what_the_city_has_not_mapped_is_filtered_by_decidims_own_names(city, sessions):
    client, _, space_id, mapped_category, _ = city
    with sessions() as session:
        unmapped = session.execute(
            select(Result.id, Category.name)
            .join(Category, Category.remote_id == Result.category_remote_id)
            .where(
                Result.space_id == space_id,
                Result.parent_remote_id.is_(None),
                Result.removed_at.is_(None),
                Result.category_remote_id != mapped_category,
            )
        ).all()
    assert unmapped, "the stand-in's process has results in several categories"
    name = unmapped[0][1]["fr"]
    page = f"/public/ivry/processes/{space_id}/suivi"
    assert f"<option>{escape(name)}</option>" in client.get(page).get_data(as_text=True)
    filtered = client.get(page, query_string={"theme": name}).get_data(as_text=True)
    assert set(cards(filtered, "result")) == {rid for rid, names in unmapped if names["fr"] == name}


def test_english_unpublished_and_unknown(city, sessions):
    client, _, space_id, _, _ = city
    html = client.get(f"/public/ivry/processes/{space_id}/suivi?lang=en").get_data(as_text=True)
    assert "Follow-up of commitments" in html and '<html lang="en">' in html
    assert (
        client.get(f"/public/ivry/processes/{space_id}")
        .get_data(as_text=True)
        .count(f"/public/ivry/processes/{space_id}/suivi")
    )
    assert client.get("/public/ivry/processes/999999/suivi").status_code == 404
    with sessions() as session:
        session.execute(update(Instance).values(published=False))
        session.commit()
    assert client.get(f"/public/ivry/processes/{space_id}/suivi").status_code == 404


def test_a_finished_process_does_not_say_a_step_is_ongoing(city, sessions):
    client, _, space_id, _, _ = city
    with sessions() as session:
        space = session.get(Space, space_id)
        space.start_date, space.end_date = date(2021, 1, 1), date(2022, 1, 1)
        steps = [dict(s) for s in space.steps]
        steps[-1]["active"] = True
        space.steps = steps
        session.commit()
    html = client.get(f"/public/ivry/processes/{space_id}").get_data(as_text=True)
    assert "terminé" in html
    assert "(en cours)" not in html and 'aria-current="step"' not in html
    assert "(dernière étape)" in html


def test_a_result_lists_the_proposals_it_comes_from_with_their_decidim_links(city, sessions):
    """Newest Decidim versions say which proposals a result comes from (synced into
    `proposal_remote_ids`); the page names them, each linked to its Decidim page."""
    client, base, space_id, _, _ = city
    with sessions() as session:
        result = session.scalar(
            select(Result)
            .where(Result.space_id == space_id, Result.parent_remote_id.is_(None))
            .order_by(Result.id)
        )
        proposals = session.scalars(select(Proposal).order_by(Proposal.id).limit(2)).all()
        session.execute(
            update(Result)
            .where(Result.id == result.id)
            .values(proposal_remote_ids=[p.remote_id for p in proposals] + ["999999"])
        )
        session.commit()
        links = []
        for p in proposals:
            component = session.get(Component, p.component_id)
            space = session.get(Space, component.space_id)
            links.append(
                f"{base}/processes/{space.slug}/f/{component.remote_id}/proposals/{p.remote_id}"
            )
        titles = [p.title["fr"] for p in proposals]
    html = client.get(f"/public/ivry/processes/{space_id}/suivi").get_data(as_text=True)
    card = cards(html, "result")[result.id]
    assert "Propositions à l’origine de l’action" in card
    for link, title in zip(links, titles, strict=True):
        assert f'<a href="{link}">{escape(title)}</a>' in card
    assert card.count("/proposals/") == 2  # an id we do not hold is not shown
    others = [c for rid, c in cards(html, "result").items() if rid != result.id]
    assert not any("Propositions à l’origine" in c for c in others)
