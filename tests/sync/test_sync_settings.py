"""Spaces and components switched off by an administrator: not read, not tombstoned, resumed when
switched back on. Against the stand-in over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bridge.store import models
from bridge.store.models import Instance
from bridge.sync import selection
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


def spying_engine(sessions) -> tuple[SyncEngine, list[str]]:
    """An engine whose client notes the component of every page or by-id request it sends."""
    asked: list[str] = []
    engine = SyncEngine(sessions, SETTINGS)

    def factory(instance):
        client = engine._client_for(instance)
        pages, one = client.pages, client.one

        def spy_pages(resource, operation, connection, component_id):
            asked.append(str(component_id))
            yield from pages(resource, operation, connection, component_id)

        def spy_one(resource, operation, field, component_id, remote_id):
            asked.append(str(component_id))
            return one(resource, operation, field, component_id, remote_id)

        client.pages, client.one = spy_pages, spy_one
        return client

    engine.client_factory = factory
    return engine, asked


def switch(sessions, *, spaces_off=None, components_off=None) -> None:
    with sessions() as session:
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        selection.replace(
            session,
            instance,
            "test",
            spaces_off=spaces_off,
            components_off=components_off,
        )
        session.commit()


def climate_proposals(sessions) -> tuple[models.Component, list[models.Proposal]]:
    with sessions() as session:
        component = session.scalar(
            select(models.Component)
            .join(models.Space)
            .where(models.Space.slug == "pour-le-climat", models.Component.manifest == "Proposals")
        )
        proposals = session.scalars(
            select(models.Proposal)
            .where(models.Proposal.component_id == component.id)
            .order_by(models.Proposal.id)
        ).all()
        return component, list(proposals)


def removed(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(model).where(model.removed_at.is_not(None))
        )


def test_a_switched_off_component_is_not_read_nor_tombstoned_and_resumes(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine, asked = spying_engine(sessions)
        first = engine.run("ivry")
        assert first.status == "succeeded", first.error
        component, proposals = climate_proposals(sessions)
        assert component.remote_id in asked
        edited, hidden = proposals[0], proposals[1]

        switch(sessions, components_off={component.remote_id})
        sim.world.edit_proposal(edited.remote_id, title={"fr": "Titre revu", "en": "Revised"})
        sim.world.unpublish("proposal", hidden.remote_id)
        asked.clear()
        before = sim.stats["api"]
        off = engine.run("ivry")

        assert off.status == "succeeded", off.error
        assert component.remote_id not in asked, "no request for a switched-off component"
        assert asked, "the other components are still read"
        assert off.requests == sim.stats["api"] - before < first.requests
        assert (off.created, off.updated, off.removed) == (0, 0, 0)
        assert removed(sessions, models.Proposal) == 0, "nothing tombstoned by the switch"
        with sessions() as session:
            kept = session.get(models.Proposal, edited.id)
            assert kept.title == edited.title, "kept as it was, not refreshed"
            assert session.get(models.Proposal, hidden.id).removed_at is None
            still = session.get(models.Component, component.id)
            assert still.removed_at is None, "the component itself is still listed"

        switch(sessions, components_off=set())
        asked.clear()
        on = engine.run("ivry")
        assert on.status == "succeeded", on.error
        assert component.remote_id in asked
        assert (on.created, on.updated, on.removed) == (0, 1, 1)
        with sessions() as session:
            assert session.get(models.Proposal, edited.id).title["fr"] == "Titre revu"
            assert session.get(models.Proposal, hidden.id).removed_at is not None


def test_a_switched_off_space_is_listed_but_none_of_its_components_is_read(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine, asked = spying_engine(sessions)
        assert engine.run("ivry").status == "succeeded"
        with sessions() as session:
            space = session.scalar(
                select(models.Space).where(models.Space.slug == "pour-le-climat")
            )
            inside = set(
                session.scalars(
                    select(models.Component.remote_id).where(models.Component.space_id == space.id)
                )
            )
            stored = {
                model: session.scalar(
                    select(func.count()).select_from(model).where(model.space_id == space.id)
                )
                for model in (models.Proposal, models.Budget, models.Meeting, models.Result)
            }
            meeting = session.scalar(
                select(models.Meeting).where(models.Meeting.space_id == space.id)
            )
        assert inside <= set(asked)

        switch(sessions, spaces_off={(space.space_type, space.remote_id)})
        sim.world.edit("meeting", meeting.remote_id, title={"fr": "Réunion revue", "en": "x"})
        hidden = [
            rid
            for rid, result in sim.world.records["result"].items()
            if str(result["component"]) in inside
        ][:3]
        assert hidden
        for rid in hidden:
            sim.world.unpublish("result", rid)
        asked.clear()
        run = engine.run("ivry")

        assert run.status == "succeeded", run.error
        assert not inside & set(asked), "no request for any component of the space"
        assert asked, "other spaces are still read"
        assert run.removed == 0 and removed(sessions, models.Result) == 0
        with sessions() as session:
            listed = session.get(models.Space, space.id)
            assert listed.removed_at is None, "the space is still listed"
            assert session.get(models.Meeting, meeting.id).title == meeting.title
            for model, n in stored.items():
                assert (
                    session.scalar(
                        select(func.count())
                        .select_from(model)
                        .where(model.space_id == space.id, model.removed_at.is_(None))
                    )
                    == n
                ), model.__tablename__

        switch(sessions, spaces_off=set())
        asked.clear()
        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        assert inside <= set(asked)
        assert run.updated >= 1 and run.removed == len(hidden)
        with sessions() as session:
            assert session.get(models.Meeting, meeting.id).title["fr"] == "Réunion revue"


def test_a_component_switch_outlives_its_space_switch(sessions):
    """Switching a space back on does not switch on the components switched off one by one."""
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine, asked = spying_engine(sessions)
        assert engine.run("ivry").status == "succeeded"
        component, _ = climate_proposals(sessions)
        with sessions() as session:
            space = session.get(models.Space, component.space_id)
        switch(
            sessions,
            spaces_off={(space.space_type, space.remote_id)},
            components_off={component.remote_id},
        )
        switch(sessions, spaces_off=set())
        asked.clear()
        assert engine.run("ivry").status == "succeeded"
        assert component.remote_id not in asked
        with sessions() as session:
            others = set(
                session.scalars(
                    select(models.Component.remote_id).where(
                        models.Component.space_id == space.id,
                        models.Component.remote_id != component.remote_id,
                    )
                )
            )
        assert others <= set(asked)
