"""What the budget plugin does when Decidim's projects change: proposals go to the envelope the
project's process or budget component feeds, once per project even when two instances read the
same Decidim, and never to an envelope without a source. The plugin hears of changes through the
change log (`bridge.delivery`), after each sync here as the scheduler does."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from bridge.delivery import Delivery
from bridge.pluginhost import PluginHost
from bridge.records import Records
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Component, Instance, Project, Space
from bridge.sync.engine import SyncEngine
from bridge.testing import add_instance
from bridge.testing.stand_in import SYNC_SETTINGS as SETTINGS
from bridge.timeutil import utcnow
from plugins.budget import writes
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, Envelope
from simulator.testing import running_simulator


def sync_and_deliver(engine: SyncEngine, name: str):
    """A sync, then the delivery of its changes to the plugins (the scheduler's next pass)."""
    run = engine.run(name)
    [outcome] = Delivery(engine.sessions, engine.settings, engine.plugins).run()
    assert not outcome.failed
    return run


def envelope(sessions, name: str, amount: int) -> int:
    with sessions() as session:
        made = Envelope(name=name, amount_cents=amount * 100, created_at=utcnow())
        session.add(made)
        session.commit()
        return made.id


def space_of(session, instance: str, slug: str) -> Space:
    return session.scalar(
        select(Space).join(Instance).where(Instance.name == instance, Space.slug == slug)
    )


def budgets_component(session, instance: str, slug: str) -> Component:
    space = space_of(session, instance, slug)
    return session.scalar(
        select(Component).where(Component.space_id == space.id, Component.manifest == "Budgets")
    )


def selected_titles(world, component: str) -> set[str]:
    return {
        p["title"]["fr"]
        for p in world.records["project"].values()
        if p["selected"] and p["component"] == component
    }


def test_two_instances_of_one_decidim_propose_each_project_once_where_its_process_feeds(
    sessions,
):
    climate = envelope(sessions, "Suites de « Pour le climat »", 700_000)
    participatory = envelope(sessions, "Budget participatif 2024", 300_000)
    unfed = envelope(sessions, "Communication de la démarche climat", 111_847)
    host = PluginHost(["budget"])
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        add_instance(sessions, sim.url + "/", "ivry-bis")  # the same Decidim, written otherwise
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
        with sessions() as session:  # no envelope says where its projects come from yet
            assert session.scalar(select(func.count()).select_from(Allocation)) == 0

        assert sync_and_deliver(engine, "ivry-bis").status == "succeeded"
        with sessions() as session:
            first = session.get(Envelope, climate)
            writes.set_sources(
                session,
                first,
                [
                    f"space:{space_of(session, 'ivry', 'pour-le-climat').id}",
                    f"space:{space_of(session, 'ivry-bis', 'pour-le-climat').id}",
                ],
                "test",
            )
            second = session.get(Envelope, participatory)
            pb = budgets_component(session, "ivry-bis", "budget-participatif")
            writes.set_sources(session, second, [f"component:{pb.id}"], "test")
            session.commit()

        # a project selected later, seen by both instances' syncs
        world = sim.world
        late = next(
            p
            for p in world.records["project"].values()
            if p["component"] == "3" and not p["selected"]
        )
        world.set_project(late["id"], selected=True)
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
        assert sync_and_deliver(engine, "ivry-bis").status == "succeeded"

        with sessions() as session:
            allocations = session.scalars(select(Allocation)).all()
            keys = Counter(a.project_key for a in allocations)
            assert max(keys.values()) == 1, "a project was proposed twice"
            by_envelope = {
                e: {a.label for a in allocations if a.envelope_id == e}
                for e in (climate, participatory, unfed)
            }
            assert by_envelope[climate] == selected_titles(world, "3")
            assert len(by_envelope[climate]) == 8
            pb_titles = {
                p.title["fr"]
                for p in session.scalars(
                    select(Project).where(Project.selected.is_(True), Project.component_id == pb.id)
                )
            }
            assert by_envelope[participatory] == pb_titles and len(pb_titles) == 12
            assert by_envelope[unfed] == set()
            proposed = sum(a.amount_cents for a in allocations if a.envelope_id == climate)
            assert proposed <= 700_000_00
            # proposed allocations do not count as allocated until someone confirms them
            assert for_envelopes(session)[climate].allocated == 0


def test_an_upstream_amount_change_is_noted_on_the_allocation(sessions):
    climate = envelope(sessions, "Suites du vote", 700_000)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=PluginHost(["budget"]))
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
        with sessions() as session:
            space = space_of(session, "ivry", "pour-le-climat")
            proposed = writes.set_sources(
                session, session.get(Envelope, climate), [f"space:{space.id}"], "test"
            )
            session.commit()
        assert proposed == 7
        project = next(p for p in sim.world.records["project"].values() if p["selected"])
        sim.world.set_project(project["id"], budget_amount=project["budget_amount"] + 5000)
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
        with sessions() as session:
            changed = session.scalar(
                select(Allocation).where(
                    Allocation.upstream_amount_cents != Allocation.amount_cents
                )
            )
            assert changed.upstream_amount_cents == (project["budget_amount"]) * 100
            warnings = for_envelopes(session)[climate].warnings()
        assert warnings == ["1 project amount changed in Decidim after allocation"]


def test_a_closed_envelope_gets_no_proposal(sessions):
    climate = envelope(sessions, "Suites du vote", 700_000)
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=PluginHost(["budget"]))
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
        with sessions() as session:
            found = session.get(Envelope, climate)
            writes.set_closed(session, found, True, "test")
            space = space_of(session, "ivry", "pour-le-climat")
            assert writes.set_sources(session, found, [f"space:{space.id}"], "test") == 0
            session.commit()


def test_the_cli_gives_sources_closes_and_rejects(tmp_path):
    from tests.budget.demo_data import demo_budget_database
    from tests.budget.test_import import bridge

    url = demo_budget_database(tmp_path)  # the demo's envelopes; its climate source is set
    added = bridge(
        "budget", "envelope", "add", "Budget participatif", "--amount", "300000", url=url
    )
    assert added.returncode == 0, added.stderr
    given = bridge(
        "budget",
        "envelope",
        "sources",
        "Budget participatif",
        "--process",
        "ivry:budget-participatif",
        url=url,
    )
    assert given.returncode == 0, given.stderr
    assert "1 source(s); 12 allocation(s) proposed" in given.stdout
    unknown = bridge(
        "budget", "envelope", "sources", "Budget participatif", "--process", "ivry:nope", url=url
    )
    assert unknown.returncode != 0 and "no synced process 'ivry:nope'" in unknown.stderr
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        proposed = session.scalar(
            select(Allocation).where(Allocation.status == "proposed").order_by(Allocation.id)
        )
    rejected = bridge("budget", "confirm", str(proposed.id), "--reject", url=url)
    assert rejected.returncode == 0 and f"allocation {proposed.id} rejected: “" in rejected.stdout
    assert "in “Budget participatif”" in rejected.stdout
    closed = bridge("budget", "envelope", "close", "Budget participatif", url=url)
    assert closed.returncode == 0 and "closed" in closed.stdout
    refused = bridge(
        "budget", "allocate", "Budget participatif", "--amount", "1", "--label", "x", url=url
    )
    assert refused.returncode != 0 and "is closed" in refused.stderr


def test_deleting_an_instance_keeps_the_money_and_drops_the_envelopes_sources(sessions):
    """The sources go with the instance (its name could be given to another instance); the
    allocations stay, unlinked from the instance's records, keeping their project key."""
    from bridge import instances

    climate = envelope(sessions, "Suites du vote", 700_000)
    host = PluginHost(["budget"])
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        assert sync_and_deliver(engine, "ivry").status == "succeeded"
    with sessions() as session:
        space = space_of(session, "ivry", "pour-le-climat")
        writes.set_sources(session, session.get(Envelope, climate), [f"space:{space.id}"], "t")
        session.commit()
    with sessions() as session:
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        instances.delete(session, instance, "test", host)
        session.commit()
        assert writes.sources_of(session, session.get(Envelope, climate)) == []
        kept = session.scalars(select(Allocation)).all()
        assert len(kept) == 7 and all(
            a.instance is None and a.project_remote_id is None and a.project_key for a in kept
        )


def test_the_follow_up_page_of_a_second_instance_shows_the_money_of_its_projects(sessions):
    from plugins.budget.followup import money

    climate = envelope(sessions, "Suites du vote", 700_000)
    host = PluginHost(["budget"])
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        add_instance(sessions, sim.url + "/", "ivry-bis")
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        for name in ("ivry", "ivry-bis"):
            assert sync_and_deliver(engine, name).status == "succeeded"
    with sessions() as session:
        space = space_of(session, "ivry", "pour-le-climat")
        writes.set_sources(session, session.get(Envelope, climate), [f"space:{space.id}"], "t")
        allocation = session.scalar(select(Allocation).order_by(Allocation.id).limit(1))
        writes.update_allocation(session, allocation, {"status": "confirmed"}, "t")
        writes.add_line(
            session,
            {
                "allocation": allocation.id,
                "kind": "engagement",
                "date": "01/03/2023",
                "amount": "10 000",
                "reference": "EJ-1",
            },
            "t",
        )
        session.commit()
        first, _ = writes.linked_records(Records.beside(session), allocation)
        bis = session.scalar(select(Instance).where(Instance.name == "ivry-bis"))
        twin = session.scalar(
            select(Project).where(
                Project.instance_id == bis.id, Project.remote_id == first.remote_id
            )
        )
        [shown] = money(session, bis, [], [twin])
        assert (shown.resource, shown.record_id) == ("projects", twin.id)
        assert (shown.allocated_cents, shown.committed_cents) == (
            allocation.amount_cents,
            1_000_000,
        )


def test_an_instance_keeps_its_name_which_the_budget_keys_on():
    """The budget keeps synced records by instance name: an edit may change the address or the
    schedule, never the name (a new name is a new instance)."""
    from bridge import instances

    with pytest.raises(instances.InvalidField) as refused:
        instances.validate({"name": "ivry-sur-seine"}, creating=False)
    assert refused.value.field == "name"
    assert instances.validate({"base_url": "https://ivry.example"}, creating=False)
