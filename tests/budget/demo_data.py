"""A database as the demo leaves it: one sync of the Ivry stand-in, its changes delivered to the
plugins, then the budget demo seed."""

from __future__ import annotations

from pathlib import Path

from bridge.delivery import Delivery
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import upgrade
from bridge.sync.engine import SyncEngine
from bridge.testing import add_instance
from bridge.testing.stand_in import SYNC_SETTINGS as SETTINGS
from simulator.testing import running_simulator


def demo_budget_database(folder: Path, *, seed_twice: bool = False) -> str:
    url = f"sqlite:///{folder}/bridge.db"
    sessions = make_sessionmaker(make_engine(url))
    host = PluginHost(["budget"], sessions=sessions)
    upgrade(url, host.call("migrations_path"))
    with running_simulator() as sim:
        add_instance(sessions, sim.url, published=True)
        assert SyncEngine(sessions, SETTINGS, plugins=host).run("ivry").status == "succeeded"
    Delivery(sessions, SETTINGS, host).run()
    for _ in range(2 if seed_twice else 1):
        host.call("seed_demo")
    return url
