"""`context.records`: what a plugin reads of the synced data, by stable keys, on a real sync of
the stand-in (SQLite, then PostgreSQL when BRIDGE_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bridge.pluginhost import PluginHost
from bridge.records import Place, RecordKey, Records, SpaceKey
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Budget, Change, Component, Project, Result, Space
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def synced(request, tmp_path_factory):
    """Two syncs of the Ivry stand-in (read-only tests share them); between them a project
    leaves Decidim, so it is tombstoned."""
    url = _database_url(request.param, tmp_path_factory.mktemp("records"))
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        with sessions() as session:
            gone = session.scalars(select(Project).order_by(Project.id)).all()[1]
        sim.world.unpublish("project", gone.remote_id)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    yield SimpleNamespace(sessions=sessions, gone=gone)
    engine.dispose()


@pytest.fixture
def records(synced) -> Records:
    return PluginHost([], sessions=synced.sessions).context("core").records


def _all(session, query):
    return session.scalars(query).all()


def test_spaces_are_keyed_by_type_and_id(synced, records):
    with synced.sessions() as session:
        spaces = _all(session, select(Space).order_by(Space.id))
    kinds = {s.space_type for s in spaces}
    assert kinds == {"participatory_process", "assembly"}
    # the stand-in numbers each table from 1, as Decidim does: one id names two spaces
    ids = [s.remote_id for s in spaces]
    assert len(ids) > len(set(ids))
    for space in spaces:
        found = records.spaces.get("ivry", SpaceKey(space.space_type, space.remote_id))
        assert (found.id, found.title) == (space.id, space.title)
        assert records.spaces.key_of(found) == (space.space_type, space.remote_id)
    assembly = next(s for s in spaces if s.space_type == "assembly")
    assert [s.id for s in records.spaces.iterate("ivry", space_type="assembly")] == [
        s.id for s in spaces if s.space_type == "assembly"
    ]
    assert [s.id for s in records.spaces.iterate("ivry", batch=1)] == [s.id for s in spaces]
    assert records.spaces.get("elsewhere", ("assembly", assembly.remote_id)) is None
    with pytest.raises(ValueError, match="no space type 'process'"):
        records.spaces.get("ivry", ("process", "1"))
    with pytest.raises(ValueError, match=r"records\.spaces"):
        records.get("ivry", "spaces", "1")


def test_components_and_the_records_of_one_component(synced, records):
    with synced.sessions() as session:
        component = session.scalars(
            select(Component).where(Component.manifest == "Budgets").order_by(Component.id)
        ).first()
        space = session.get_one(Space, component.space_id)
        budgets = _all(session, select(Component).where(Component.manifest == "Budgets"))
        in_space = _all(session, select(Component).where(Component.space_id == space.id))
        projects = _all(
            session,
            select(Project)
            .where(Project.component_id == component.id, Project.removed_at.is_(None))
            .order_by(Project.id),
        )
        in_space_projects = _all(
            session,
            select(Project)
            .where(Project.space_id == space.id, Project.removed_at.is_(None))
            .order_by(Project.id),
        )
    key = SpaceKey(space.space_type, space.remote_id)
    assert {c.id for c in records.components.iterate("ivry", manifest="Budgets")} == {
        c.id for c in budgets
    }
    assert {c.id for c in records.components.iterate("ivry", space=key)} == {c.id for c in in_space}
    assert records.components.get("ivry", component.remote_id).id == component.id
    walked = list(records.projects.iterate("ivry", component=component.remote_id, batch=2))
    assert [p.id for p in walked] == [p.id for p in projects] and len(projects) > 2
    assert [p.id for p in records.projects.iterate("ivry", space=key)] == [
        p.id for p in in_space_projects
    ]
    assert list(records.projects.iterate("ivry", component="no-such-component")) == []
    assert list(records.projects.iterate("elsewhere", component=component.remote_id)) == []

    project = walked[0]
    assert records.component_of(project).id == component.id
    assert records.space_of(project).id == space.id
    assert records.space_of(component).id == space.id
    assert records.place_of(project) == Place("ivry", key, component.remote_id)
    assert records.place_of(component) == Place("ivry", key, component.remote_id)
    assert records.key_of(project) == RecordKey("ivry", "projects", project.remote_id)
    assert records.projects.by_id(project.id).remote_id == project.remote_id
    assert records.projects.by_id(project.id + 10**6) is None
    assert records.projects.by_id(str(project.id)) is None  # a form's text is parsed first
    assert records.spaces.by_id(space.id).remote_id == space.remote_id
    [ivry] = records.instances()
    assert (ivry.name, ivry.locale, ivry.archived) == ("ivry", "fr", False)
    assert ivry.base_url.startswith("http://") and not hasattr(ivry, "api_secret")
    assert records.instance("ivry") == ivry and records.instance("elsewhere") is None
    assert ivry.missing is not None  # the first sync asked the server what it lacks
    assert all(ivry.offers(field) is False for field in ivry.missing)
    assert ivry.offers("Result.title") is True
    assert ivry._replace(missing=None).offers("Result.title") is None  # never asked
    assert records.instance_name(project.instance_id) == "ivry"
    assert records.instance_name(project.instance_id + 1000) is None


def test_projects_of_a_budget_and_results_with_their_children(synced, records):
    with synced.sessions() as session:
        budget = session.scalars(select(Budget).order_by(Budget.id)).first()
        projects = _all(
            session,
            select(Project)
            .where(Project.budget_id == budget.id, Project.removed_at.is_(None))
            .order_by(Project.id),
        )
        results = _all(session, select(Result).order_by(Result.id))
    assert projects
    assert [p.id for p in records.projects.of_budget(budget)] == [p.id for p in projects]
    assert records.projects.budget_of(projects[0]).id == budget.id

    parents = [r for r in results if r.parent_remote_id is None]
    children = [r for r in results if r.parent_remote_id is not None]
    assert parents and children
    for child in children:
        assert records.results.parent(child).remote_id == child.parent_remote_id
    for parent in parents:
        assert records.results.parent(parent) is None
        assert [r.id for r in records.results.children(parent)] == [
            r.id for r in children if r.parent_remote_id == parent.remote_id
        ]
    assert [r.id for r in records.results.top_level("ivry")] == [r.id for r in parents]


def test_reads_by_ids_batched_and_removed_records(synced, records):
    with synced.sessions() as session:
        projects = _all(session, select(Project).order_by(Project.id))
    wanted = [p.remote_id for p in projects[2:7]]
    found = records.projects.many("ivry", [*wanted, "no-such-id", wanted[0]])
    assert sorted(found) == sorted(wanted)
    assert all(found[rid].remote_id == rid for rid in wanted)
    assert [p.remote_id for p in records.projects.iterate("ivry", remote_ids=wanted, batch=2)] == (
        wanted
    )
    assert records.projects.many("elsewhere", wanted) == {}

    gone = synced.gone
    assert gone.id not in {p.id for p in records.projects.iterate("ivry")}
    assert gone.id in {p.id for p in records.projects.iterate("ivry", removed=True)}
    assert records.projects.get("ivry", gone.remote_id).removed_at is not None  # still found
    assert records.get("ivry", "projects", gone.remote_id).id == gone.id
    assert len(list(records.iterate("ivry", "projects"))) == len(projects) - 1
    with pytest.raises(ValueError, match="batch must be at least 1"):
        list(records.projects.iterate("ivry", batch=0))


def test_the_record_a_change_is_about(synced, records):
    with synced.sessions() as session:
        space_change = session.scalars(
            select(Change).where(Change.resource == "spaces", Change.kind == "created")
        ).first()
        project_change = session.scalars(
            select(Change).where(Change.resource == "projects", Change.kind == "created")
        ).first()
    space = records.changed(space_change)
    assert isinstance(space, Space) and space.id == space_change.record_id
    project = records.changed(project_change)
    assert isinstance(project, Project) and project.remote_id == project_change.remote_id


def test_records_are_detached_and_a_walk_holds_no_connection(synced, records):
    project = next(records.projects.iterate("ivry"))
    title = project.title
    project.title = {"fr": "changé"}  # detached: never written
    assert records.projects.get("ivry", project.remote_id).title == title

    pool = synced.sessions.kw["bind"].pool
    walk = records.projects.iterate("ivry", batch=2)
    next(walk)
    # between batches no connection is held: the sync is never waiting on a plugin's walk
    assert pool.checkedout() == 0
    assert len([project, *walk]) >= 2
