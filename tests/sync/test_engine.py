"""The sync engine over real HTTP against the Decidim stand-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bridge.config import Settings
from bridge.store import models
from bridge.store.models import Change, Instance, SyncRun
from bridge.sync.engine import SyncEngine
from bridge.testing.stand_in import add_instance
from simulator.testing import running_simulator

SETTINGS = Settings(http_retries=3)


@pytest.fixture(scope="module")
def decidim():
    with running_simulator() as sim:
        yield sim


def count(sessions, model, **where) -> int:
    with sessions() as session:
        query = select(func.count()).select_from(model).where(model.removed_at.is_(None))
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query)


def snapshot(sessions) -> dict:
    """Everything synced, comparable between two databases: no ids, no bookkeeping times."""
    out = {}
    with sessions() as session:
        for model in (
            models.Space,
            models.Component,
            models.Category,
            models.Scope,
            models.Proposal,
            models.Budget,
            models.Project,
            models.Result,
            models.Meeting,
            models.Debate,
        ):
            rows = session.execute(select(model.__table__)).mappings().all()
            out[model.__tablename__] = sorted(
                (row["remote_id"], row["fingerprint"], row["removed_at"] is None) for row in rows
            )
    return out


def test_first_sync_stores_every_resource(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        with sessions() as session:
            instance = session.scalar(select(Instance))
            assert instance.query_set == "0.28"
            assert instance.organization_name["fr"] == "Ville d'Ivry-sur-Seine"
            climat = session.scalar(
                select(models.Space).where(models.Space.slug == "pour-le-climat")
            )
            assert climat.title["fr"] == "Pour le climat, à Ivry, on agit !"
            assert climat.steps, "process steps are kept"
        for model in (
            models.Proposal,
            models.Budget,
            models.Project,
            models.Result,
            models.Meeting,
            models.Debate,
            models.Scope,
            models.Category,
        ):
            assert count(sessions, model) > 0, model.__tablename__
        assert run.created > 0 and run.updated == 0 and run.removed == 0
        assert run.requests >= 3


def test_second_sync_without_upstream_change_writes_nothing(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        first = engine.run("ivry")
        changes_before = count_changes(sessions)
        second = engine.run("ivry")
        assert second.status == "succeeded"
        assert (second.created, second.updated, second.removed) == (0, 0, 0)
        assert second.unchanged == first.created
        assert count_changes(sessions) == changes_before


def count_changes(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Change))


def test_upstream_edits_additions_and_removals_are_recorded(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        engine.run("ivry")
        proposal = first_proposal(sessions)
        component = first_proposals_component(sessions)
        sim.world.edit_proposal(proposal.remote_id, title={"fr": "Un titre revu", "en": "Revised"})
        sim.world.add_proposal(component.remote_id, title={"fr": "Nouvelle idée", "en": "New"})
        removed = second_proposal(sessions)
        sim.world.unpublish("proposal", removed.remote_id)

        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        assert (run.created, run.updated, run.removed) == (1, 1, 1)
        with sessions() as session:
            edited = session.get(models.Proposal, proposal.id)
            assert edited.title["fr"] == "Un titre revu"
            gone = session.get(models.Proposal, removed.id)
            assert gone.removed_at is not None  # a tombstone, never a delete
            change = session.scalar(
                select(Change).where(
                    Change.run_id == run.id, Change.kind == "updated", Change.field == "title"
                )
            )
            assert change.old["fr"] == proposal.title["fr"] and change.new["fr"] == "Un titre revu"


def first_proposal(sessions):
    with sessions() as session:
        return session.scalar(select(models.Proposal).order_by(models.Proposal.id))


def second_proposal(sessions):
    with sessions() as session:
        return session.scalars(select(models.Proposal).order_by(models.Proposal.id)).all()[1]


def first_proposals_component(sessions):
    with sessions() as session:
        return session.scalar(
            select(models.Component)
            .where(models.Component.manifest == "Proposals")
            .order_by(models.Component.id)
        )


def test_unstable_page_order_still_ends_with_every_item_once(sessions):
    # Decidim 0.27/0.28 do not order meetings, results, budgets or debates: offset pages may
    # repeat an item and skip another. Enough items for several pages per component.
    with running_simulator(unstable_order=True, scale=1500) as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        for model, kind in (
            (models.Meeting, "meeting"),
            (models.Result, "result"),
            (models.Budget, "budget"),
            (models.Project, "project"),
            (models.Debate, "debate"),
            (models.Proposal, "proposal"),
        ):
            assert count(sessions, model) == sim.world.count(kind), model.__tablename__
        assert run.removed == 0


@pytest.mark.parametrize("fault", ["html", "truncated", "graphql_errors"])
def test_bad_upstream_fails_the_run_and_keeps_what_was_stored(sessions, fault):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        engine.run("ivry")
        before = snapshot(sessions)
        sim.faults.set(**{fault: True})
        run = engine.run("ivry")
        assert run.status == "failed"
        assert run.error
        assert snapshot(sessions) == before


def test_unreachable_host_fails_with_a_clear_message(sessions):
    add_instance(sessions, "http://127.0.0.1:9")
    run = SyncEngine(sessions, Settings(http_retries=1)).run("ivry")
    assert run.status == "failed"
    assert "cannot reach" in run.error


def test_runs_are_recorded(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        SyncEngine(sessions, SETTINGS).run("ivry")
    with sessions() as session:
        run = session.scalar(select(SyncRun))
        assert run.status == "succeeded" and run.finished_at >= run.started_at
        assert run.requests > 0


def test_a_running_run_tells_its_progress_as_it_goes(sessions, monkeypatch):
    """What the admin page shows while a run is going: pages read, records so far."""
    from bridge.sync import engine

    monkeypatch.setattr(engine, "PROGRESS_EVERY_SECONDS", 0.0)
    seen = []

    def watch(event):
        with sessions() as session:
            run = session.scalar(select(SyncRun).where(SyncRun.status == "running"))
            seen.append(dict(run.progress or {}))

    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        finished = SyncEngine(sessions, SETTINGS, progress=watch).run("ivry")
    pages = [p.get("pages", 0) for p in seen]
    assert pages == sorted(pages) and pages[-1] > 1  # rising, page after page
    created = [p["records"]["created"] for p in seen if "records" in p]
    assert created == sorted(created) and 0 < created[-1] <= finished.created
    assert all(p.get("retries") == 0 and p.get("warnings") == 0 for p in seen[-1:])


@pytest.mark.parametrize("version", ["0.27", "0.29", "0.30", "0.31"])
def test_every_supported_version_is_detected_and_synced(sqlite_url, version):
    from bridge.store.db import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(sqlite_url))
    with running_simulator(version=version) as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS).run("ivry")
        assert run.status == "succeeded", run.error
        with sessions() as session:
            instance = session.scalar(select(Instance))
            assert instance.query_set == version
            # 0.30+ hide their version: it was found by probing.
            assert (instance.decidim_version is None) == (version >= "0.30")
            assert instance.organization_name["fr"] == "Ville d'Ivry-sur-Seine"
            proposal = session.scalar(
                select(models.Proposal).where(models.Proposal.endorsements_count > 0)
            )
            assert proposal is not None  # endorsementsCount or likesCount
            if version >= "0.30":
                assert proposal.taxonomy_remote_ids and proposal.scope_remote_id is None
                kinds = set(session.scalars(select(models.Scope.kind)).all())
                assert kinds == {"taxonomy"}
            else:
                assert proposal.scope_remote_id is not None
            result = session.scalar(select(models.Result).where(models.Result.timeline != []))
            assert result.timeline[0]["title"]["fr"]
        for model, kind in (
            (models.Proposal, "proposal"),
            (models.Meeting, "meeting"),
            (models.Result, "result"),
            (models.Project, "project"),
        ):
            assert count(sessions, model) == sim.world.count(kind)
