"""The public site over a database filled by real syncs of the stand-in: the figures shown are
the database's counts, tombstoned records never show, unknown and unpublished instances are 404,
French first and English with ?lang=en."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from bridge import formatting
from bridge.app import create_app
from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import (
    Budget,
    Component,
    Debate,
    Instance,
    Meeting,
    Project,
    Proposal,
    Result,
    Space,
)
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from bridge.web import public
from simulator.testing import running_simulator
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def synced(request, tmp_path_factory):
    """Two syncs of the Ivry stand-in; between them an accepted proposal, a selected project
    and the assembly disappear upstream (so they are tombstoned). Plus an unpublished instance."""
    url = _database_url(request.param, tmp_path_factory.mktemp("public"))
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    host = PluginHost(["budget"])
    with running_simulator() as sim:
        add_instance(sessions, sim.url, published=True)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
        with sessions() as session:
            gone_proposal = session.scalar(
                select(Proposal)
                .where(Proposal.state == "accepted", Proposal.withdrawn.is_(False))
                .order_by(Proposal.id)
            )
            gone_project = session.scalar(
                select(Project).where(Project.selected.is_(True)).order_by(Project.id)
            )
            assembly = session.scalar(select(Space).where(Space.space_type == "assembly"))
            gone = {
                "proposal": (gone_proposal.id, gone_proposal.title["fr"], gone_proposal.space_id),
                "project": (gone_project.id, gone_project.title["fr"], gone_project.space_id),
                "assembly": (assembly.id, assembly.title["fr"]),
            }
            sim.world.unpublish("proposal", gone_proposal.remote_id)
            sim.world.unpublish("project", gone_project.remote_id)
            sim.world.spaces.pop(("assembly", assembly.remote_id))
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    add_instance(sessions, "http://127.0.0.1:9", name="secret-city", enabled=False)
    with sessions() as session:  # the removals really are tombstones, not deletions
        for model, key in ((Proposal, "proposal"), (Project, "project"), (Space, "assembly")):
            assert session.get(model, gone[key][0]).removed_at is not None
    yield url, sessions, gone
    engine.dispose()


@pytest.fixture(scope="module")
def client(synced):
    url, _, _ = synced
    return create_app(Settings(database_url=url)).test_client()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace("\u202f", "").replace("\u00a0", " "))


def figures(html: str, scope: str | None = None) -> dict[str, str]:
    """{figure name: shown value} of a page, or of the card marked `scope` (data-space=...)."""
    if scope is not None:
        start = html.index(scope)
        html = html[start : html.index("</li>", start)]
    return {
        name: value.replace("\u202f", "").replace(",", "")
        for name, value in re.findall(
            r'data-figure="(\w+)"><dt>[^<]*</dt><dd>([^<]*)</dd>', html, flags=re.S
        )
    }


def live(model, *where):
    """Live records of live components (what the public site counts)."""
    return (
        select(func.count())
        .select_from(model)
        .join(Component, Component.id == model.component_id)
        .where(model.removed_at.is_(None), Component.removed_at.is_(None), *where)
    )


def expected_figures(session, space_id: int) -> dict[str, str]:
    def count(model, *where):
        return session.scalar(live(model, model.space_id == space_id, *where))

    found = {
        "proposals": count(Proposal, Proposal.withdrawn.is_(False)),
        "accepted": count(Proposal, Proposal.withdrawn.is_(False), Proposal.state == "accepted"),
        "meetings": count(Meeting, Meeting.withdrawn.is_(False)),
        "debates": count(Debate),
        "budgets": count(Budget),
        "projects": count(Project),
        "selected": count(Project, Project.selected.is_(True)),
        "results": count(Result),
    }
    progress = session.scalar(
        select(func.avg(Result.progress)).where(
            Result.space_id == space_id, Result.removed_at.is_(None)
        )
    )
    expected = {name: str(value) for name, value in found.items() if value}
    if "projects" in expected:
        expected["selected"] = str(found["selected"])
    if "proposals" in expected:
        expected["accepted"] = str(found["accepted"])
    if progress is not None:
        # "59 %" with a narrow no-break space, which figures() drops
        expected["progress"] = f"{round(progress)}%"
    return expected


def test_home_lists_published_instances_only(client):
    for path in ("/", "/public/"):
        answer = client.get(path)
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        assert '<html lang="fr">' in html
        assert 'href="/public/ivry/"' in html
        assert "Ville d&#39;Ivry-sur-Seine" in html
        assert "secret-city" not in html
        assert '<meta name="viewport"' in html
        assert "<script" not in html


def test_instance_page_figures_are_the_database_counts(client, synced):
    _, sessions, gone = synced
    html = client.get("/public/ivry/").get_data(as_text=True)
    assert "<h1>Ville d&#39;Ivry-sur-Seine</h1>" in html
    with sessions() as session:
        spaces = session.scalars(select(Space).where(Space.removed_at.is_(None))).all()
        assert spaces
        for space in spaces:
            shown = figures(html, f'data-space="{space.id}"')
            expected = expected_figures(session, space.id)
            assert {k: v for k, v in shown.items() if k != "selected_amount"} == expected, (
                space.title
            )
            if "selected" in expected:
                amount = session.scalar(
                    select(func.sum(Project.budget_amount)).where(
                        Project.space_id == space.id,
                        Project.selected.is_(True),
                        Project.removed_at.is_(None),
                    )
                )
                assert shown["selected_amount"] == f"{amount}\u00a0€"  # no-break space before €
    assert f'data-space="{gone["assembly"][0]}"' not in html
    assert gone["assembly"][1] not in html


def test_instance_page_shows_dates_status_and_current_step(client, synced):
    _, sessions, _ = synced
    raw = client.get("/public/ivry/").get_data(as_text=True)
    assert "\u202f: <strong>" in raw and "\u00a0: " not in raw  # narrow no-break before :
    html = text_of(raw)
    today = public.today()
    with sessions() as session:
        for space in session.scalars(
            select(Space).where(Space.removed_at.is_(None), Space.space_type != "assembly")
        ):
            card = html[html.index(f'data-space="{space.id}"') :]
            card = card[: card.index("</li>")]
            assert escape(space.title["fr"]) in card
            status = public.status(space.start_date, space.end_date, today)
            assert {"upcoming": "à venir", "ongoing": "en cours", "finished": "terminé"}[
                status
            ] in card
            assert formatting.date_text(space.start_date, "fr") in card
            active = [s for s in space.steps if s["active"]]
            if active:
                step = escape(active[0]["title"]["fr"])
                label = "Dernière étape" if status == "finished" else "Étape en cours"
                assert f"{label}: <strong>{step}</strong>" in card  # text_of drops U+202F


def test_status_from_dates():
    on = date(2024, 6, 1)
    assert public.status(date(2024, 7, 1), date(2024, 8, 1), on) == "upcoming"
    assert public.status(date(2024, 5, 1), date(2024, 6, 1), on) == "ongoing"
    assert public.status(date(2024, 5, 1), None, on) == "ongoing"
    assert public.status(date(2024, 1, 1), date(2024, 5, 31), on) == "finished"
    assert public.status(None, None, on) is None


def test_process_page_components_steps_and_selected_items(client, synced):
    _, sessions, gone = synced
    proposal_id, proposal_title, proposal_space = gone["proposal"]
    project_id, project_title, project_space = gone["project"]
    for space_id in {proposal_space, project_space}:
        answer = client.get(f"/public/ivry/processes/{space_id}")
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        with sessions() as session:
            space = session.get(Space, space_id)
            assert f"<h1>{escape(space.title['fr'])}</h1>" in html
            page = {k: v for k, v in figures(html[: html.index("<h2>Étapes")]).items()}
            page.pop("selected_amount", None)
            assert page == expected_figures(session, space_id)
            for component in session.scalars(
                select(Component).where(
                    Component.space_id == space_id, Component.removed_at.is_(None)
                )
            ):
                assert f'data-component="{component.id}"' in html
            steps = html[html.index('<ol class="steps">') :]
            steps = steps[: steps.index("</ol>")]
            assert steps.count("<li") == len(space.steps)
            accepted = session.scalars(
                select(Proposal.title).where(
                    Proposal.space_id == space_id,
                    Proposal.state == "accepted",
                    Proposal.withdrawn.is_(False),
                    Proposal.removed_at.is_(None),
                )
            ).all()
            selected = session.scalars(
                select(Project.title).where(
                    Project.space_id == space_id,
                    Project.selected.is_(True),
                    Project.removed_at.is_(None),
                )
            ).all()
        if accepted:
            listed = html[html.index('<ul class="accepted">') :]
            listed = listed[: listed.index("</ul>")]
            assert listed.count("<li>") == len(accepted)
        if selected:
            listed = html[html.index('<ul class="selected">') :]
            listed = listed[: listed.index("</ul>")]
            assert listed.count("<li>") == len(selected)
    # the tombstoned proposal and project are in no list (their titles may repeat in others)
    with sessions() as session:
        same_title = session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(
                Proposal.space_id == proposal_space,
                Proposal.removed_at.is_(None),
                Proposal.state == "accepted",
                Proposal.withdrawn.is_(False),
                Proposal.title["fr"].as_string() == proposal_title,
            )
        )
    html = client.get(f"/public/ivry/processes/{proposal_space}").get_data(as_text=True)
    listed = html[html.index('<ul class="accepted">') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count(f"<li>{escape(proposal_title)}</li>") == same_title


def test_tombstoned_space_and_unknown_or_disabled_instances_are_404(client, synced):
    _, _, gone = synced
    assert client.get(f"/public/ivry/processes/{gone['assembly'][0]}").status_code == 404
    assert client.get("/public/ivry/processes/999999").status_code == 404
    assert client.get("/public/nowhere/").status_code == 404
    assert client.get("/public/secret-city/").status_code == 404
    assert client.get("/public/nowhere/processes/1").status_code == 404


def test_english_with_lang_en(client, synced):
    _, sessions, _ = synced
    html = client.get("/public/ivry/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    for word in ("Participatory processes", "Assemblies", "Accepted proposals"):
        assert word in html
    assert "Current step:" in html or "Last step:" in html
    assert "Processus participatifs" not in html
    assert 'href="/public/?lang=en"' in html  # links keep the language
    with sessions() as session:
        space_id = session.scalar(select(Space.id).where(Space.removed_at.is_(None)))
    assert f'href="/public/ivry/processes/{space_id}?lang=en"' in html
    page = client.get(f"/public/ivry/processes/{space_id}?lang=en").get_data(as_text=True)
    assert "Key figures" in page and "Steps" in page and "Étapes" not in page
    assert client.get("/?lang=en").get_data(as_text=True).count("Citizen participation") >= 1


def test_plugins_public_links_are_shown(client):
    fr = client.get("/public/ivry/?lang=fr").get_data(as_text=True)
    assert '<a href="/budget/">Budget de suivi</a>' in fr
    en = client.get("/public/ivry/?lang=en").get_data(as_text=True)
    assert '<a href="/budget/?lang=en">Follow-up budget</a>' in en


def test_a_link_to_an_unknown_endpoint_is_skipped(synced):
    from bridge.hookspecs import PublicLink, hookimpl

    class Broken:
        @hookimpl
        def public_links(self):
            return [PublicLink("Nulle part", "nowhere.page")]

    url, _, _ = synced
    app = create_app(Settings(database_url=url))
    app.extensions["bridge"].plugins.manager.register(Broken(), name="broken")
    html = app.test_client().get("/").get_data(as_text=True)
    assert "Nulle part" not in html


def test_figures_cost_a_fixed_number_of_queries(client, synced):
    """Aggregates, not rows: the instance page runs the same few queries however much data."""
    from sqlalchemy import event

    url, _, _ = synced
    app = create_app(Settings(database_url=url))
    statements = []
    event.listen(
        app.extensions["bridge"].engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )
    assert app.test_client().get("/public/ivry/").status_code == 200
    assert len(statements) <= 12, statements


def test_the_date_of_the_data_is_shown(client, synced):
    _, sessions, _ = synced
    with sessions() as session:
        synced_at = session.scalar(select(Instance.last_synced_at).where(Instance.name == "ivry"))
    assert isinstance(synced_at, datetime)
    html = client.get("/public/ivry/?lang=fr").get_data(as_text=True)
    # the day in the city's zone: a sync at 23:30 UTC in winter was on the next day in Paris
    assert formatting.date_text(synced_at, "fr") in html
    assert utcnow() >= synced_at
