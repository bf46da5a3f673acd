"""What the budget plugin does when Decidim's projects change."""

from sqlalchemy import select

from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import upgrade
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, Envelope
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


def test_selected_projects_get_proposed_allocations_and_amount_changes_are_noted(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"
    host = PluginHost(["budget"])
    upgrade(url, host.call("migrations_path"))
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session:
        session.add(Envelope(name="Suites du vote", amount_cents=70000000, created_at=utcnow()))
        session.commit()
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS, plugins=host)
        assert engine.run("ivry").status == "succeeded"
        with sessions() as session:
            proposed = session.scalars(select(Allocation)).all()
        selected = [p for p in sim.world.records["project"].values() if p["selected"]]
        assert len(proposed) == len(selected)
        assert all(a.status == "proposed" for a in proposed)
        # proposed allocations do not count as allocated until someone confirms them
        with sessions() as session:
            assert next(iter(for_envelopes(session).values())).allocated == 0

        project = selected[0]
        sim.world.set_project(project["id"], budget_amount=project["budget_amount"] + 5000)
        assert engine.run("ivry").status == "succeeded"
        with sessions() as session:
            changed = session.scalar(
                select(Allocation).where(
                    Allocation.upstream_amount_cents != Allocation.amount_cents
                )
            )
        assert changed.upstream_amount_cents == (project["budget_amount"]) * 100
        with sessions() as session:
            warnings = next(iter(for_envelopes(session).values())).warnings()
        assert warnings == ["1 project amount(s) changed in Decidim after allocation"]
